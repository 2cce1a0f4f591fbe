// netlab lessons: what can be run, and what each one answers.

package main

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"netlab/lessons"
	"netlab/narrate"
)

func lessonsCommand() *cli.Command {
	return &cli.Command{
		Name:      "lessons",
		Usage:     "list the lessons: name, OSI layers, title and the question each answers",
		UsageText: "netlab lessons [--json]",
		Flags:     []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "one JSON object per lesson, one per line"}},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usagef("lessons takes no arguments, got %q", c.Args().First())
			}
			if c.Bool("json") {
				enc := json.NewEncoder(c.App.Writer)
				for _, l := range lessons.All() {
					if err := enc.Encode(map[string]any{"name": l.Name, "title": l.Title, "layers": l.Layers, "question": l.Question}); err != nil {
						return err
					}
				}
				return nil
			}
			var rows [][]string
			for _, l := range lessons.All() {
				rows = append(rows, []string{l.Name, l.Layers.String(), l.Title})
			}
			fmt.Fprint(c.App.Writer, narrate.FormatTable([]string{"lesson", "OSI", "title"}, rows, ""))
			fmt.Fprintln(c.App.Writer)
			width := 0
			for _, l := range lessons.All() {
				width = max(width, len(l.Name))
			}
			for _, l := range lessons.All() {
				fmt.Fprintf(c.App.Writer, "%-*s  %s\n", width, l.Name, l.Question)
			}
			fmt.Fprintln(c.App.Writer, "\nRun one with: netlab run <lesson>   (--step to pause before each step, --json for programs)")
			return nil
		},
	}
}
