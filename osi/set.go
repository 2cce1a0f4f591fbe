// Sets of layers: how a package or a lesson declares what it shows.

package osi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// A Set is a set of layers, one bit per layer (bit n for layer n).
type Set uint8

// Of returns the set holding the given layers.
func Of(ls ...Layer) Set {
	var s Set
	for _, l := range ls {
		if l.Valid() {
			s |= 1 << l
		}
	}
	return s
}

// Range returns the set of layers from lo to hi inclusive.
func Range(lo, hi Layer) Set {
	var s Set
	for l := lo; l <= hi && l <= Application; l++ { // l <= Application: Layer(255)+1 wraps to 0
		s |= Of(l)
	}
	return s
}

// Has reports whether l is in s.
func (s Set) Has(l Layer) bool { return l.Valid() && s&(1<<l) != 0 }

// Layers returns the layers in s from lowest to highest.
func (s Set) Layers() []Layer {
	var out []Layer
	for l := Physical; l <= Application; l++ {
		if s.Has(l) {
			out = append(out, l)
		}
	}
	return out
}

// String writes the set compactly: "4", "2-4", "4,7".
func (s Set) String() string {
	ls := s.Layers()
	if len(ls) == 0 {
		return "none"
	}
	var parts []string
	for i := 0; i < len(ls); {
		j := i
		for j+1 < len(ls) && ls[j+1] == ls[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(int(ls[i])))
		default:
			parts = append(parts, fmt.Sprintf("%d-%d", ls[i], ls[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// ParseSet reads what String writes ("4", "2-4", "4,7", "none").
func ParseSet(text string) (Set, error) {
	var s Set
	if strings.TrimSpace(text) == "none" {
		return s, nil
	}
	for _, part := range strings.Split(text, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := ParseLayer(lo)
		if err != nil {
			return 0, err
		}
		b := a
		if isRange {
			if b, err = ParseLayer(hi); err != nil {
				return 0, err
			}
		}
		if b < a {
			return 0, fmt.Errorf("osi: range %q runs backwards", part)
		}
		s |= Range(a, b)
	}
	return s, nil
}

// MarshalJSON writes the set as an array of layer numbers, [4, 7].
func (s Set) MarshalJSON() ([]byte, error) {
	nums := []int{}
	for _, l := range s.Layers() {
		nums = append(nums, int(l))
	}
	return json.Marshal(nums)
}

// UnmarshalJSON reads an array of layer numbers.
func (s *Set) UnmarshalJSON(b []byte) error {
	var nums []int
	if err := json.Unmarshal(b, &nums); err != nil {
		return err
	}
	*s = 0
	for _, n := range nums {
		l := Layer(n)
		if n < 1 || n > 7 {
			return fmt.Errorf("osi: %d is not a layer", n)
		}
		*s |= Of(l)
	}
	return nil
}
