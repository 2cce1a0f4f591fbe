// The catalogue and the packages' doc comments must say the same thing.

package osi

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// moduleRoot is the module's root seen from this package's folder, where
// go test runs.
const moduleRoot = ".."

// docLinePrefix starts the line of a package doc comment that names the
// package's layers: "OSI layer: 4 (transport)", "OSI layer: none (a renderer)".
const docLinePrefix = "OSI layer: "

// parseDocLine reads the layer set from an "OSI layer: ..." line: the text
// up to the first " (" is a set as ParseSet reads it, or "none".
func parseDocLine(line string) (Set, error) {
	text, ok := strings.CutPrefix(line, docLinePrefix)
	if !ok {
		return 0, fmt.Errorf("%q does not start with %q", line, docLinePrefix)
	}
	text, _, _ = strings.Cut(text, " (")
	return ParseSet(text)
}

func TestParseDocLine(t *testing.T) {
	tests := []struct {
		line    string
		want    Set
		wantErr bool
	}{
		{line: "OSI layer: 4 (transport)", want: Of(Transport)},
		{line: "OSI layer: 1-7 (the model itself)", want: Range(Physical, Application)},
		{line: "OSI layer: 4-7 (each lesson declares its own in the registry)", want: Range(Transport, Application)},
		{line: "OSI layer: 4 (transport: what crossed the socket)", want: Of(Transport)},
		{line: "OSI layer: none (a renderer)", want: Of()},
		{line: "OSI layer: 4,7", want: Of(Transport, Application)},
		{line: "OSI layer: 8 (no such layer)", wantErr: true},
		{line: "OSI layer: (forgot the number)", wantErr: true},
		{line: "OSI layers: 4", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := parseDocLine(tt.line)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseDocLine(%q) = %q, want an error", tt.line, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseDocLine(%q): %v", tt.line, err)
			}
			if got != tt.want {
				t.Errorf("parseDocLine(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

// docLayers walks the module and returns, for every package folder with a
// doc.go (outside internal/ and cmd/), the layer set its doc comment names.
func docLayers(t *testing.T) map[string]Set {
	t.Helper()
	found := make(map[string]Set)
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", ".git", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() != "doc.go" {
			return nil
		}
		rel, err := filepath.Rel(moduleRoot, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if pkg == "internal" || strings.HasPrefix(pkg, "internal/") || pkg == "cmd" || strings.HasPrefix(pkg, "cmd/") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			return err
		}
		if f.Doc == nil {
			t.Errorf("%s: no package doc comment", path)
			return nil
		}
		var lines []string
		for line := range strings.SplitSeq(f.Doc.Text(), "\n") {
			if strings.HasPrefix(line, docLinePrefix) {
				lines = append(lines, line)
			}
		}
		if len(lines) != 1 {
			t.Errorf("%s: package doc has %d lines starting %q, want 1", path, len(lines), docLinePrefix)
			return nil
		}
		set, err := parseDocLine(lines[0])
		if err != nil {
			t.Errorf("%s: %q: %v", path, lines[0], err)
			return nil
		}
		found[pkg] = set
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", moduleRoot, err)
	}
	return found
}

// TestCatalogueMatchesDocComments is the check the style guide asks for:
// every package says its layers in doc.go and in the catalogue, and the two
// agree.
func TestCatalogueMatchesDocComments(t *testing.T) {
	docs := docLayers(t)
	if _, ok := docs["osi"]; !ok {
		t.Fatalf("found no doc.go for package osi under %s: is the walk starting in the right place?", moduleRoot)
	}
	catalogued := make(map[string]bool)
	for _, p := range Packages() {
		catalogued[p.Path] = true
		got, ok := docs[p.Path]
		if !ok {
			t.Errorf("catalogue lists %q, but %s/%s/doc.go does not exist or has no %q line", p.Path, moduleRoot, p.Path, docLinePrefix)
			continue
		}
		if got != p.Layers {
			t.Errorf("%s/doc.go says OSI layer %q, catalogue says %q", p.Path, got, p.Layers)
		}
	}
	for pkg := range docs {
		if !catalogued[pkg] {
			t.Errorf("%s/doc.go names its OSI layer but %q is not in the catalogue (osi/catalog.go)", pkg, pkg)
		}
	}
}

func TestPackages(t *testing.T) {
	ps := Packages()
	if !slices.IsSortedFunc(ps, func(a, b Package) int { return strings.Compare(a.Path, b.Path) }) {
		t.Errorf("Packages() is not sorted by path: %v", ps)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Path == ps[i-1].Path {
			t.Errorf("Packages() lists %q twice", ps[i].Path)
		}
	}
	for _, p := range ps {
		if p.Shows == "" {
			t.Errorf("%q: Shows is empty", p.Path)
		}
	}

	// Packages returns a copy: editing it changes nothing for the next caller.
	want := ps[0]
	ps[0].Path = "changed"
	if got := Packages()[0]; got != want {
		t.Errorf("Packages()[0] = %+v after editing an earlier result, want %+v", got, want)
	}
}
