// netlab osi: the model, and where netlab shows each layer.

package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"netlab/lessons"
	"netlab/narrate"
	"netlab/osi"
)

func osiCommand() *cli.Command {
	return &cli.Command{
		Name:      "osi",
		Usage:     "print the OSI model and, for each layer, the netlab packages and lessons that show it",
		UsageText: "netlab osi [--json]",
		Flags:     []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "one JSON object per layer, one per line"}},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usagef("osi takes no arguments, got %q", c.Args().First())
			}
			type layerView struct {
				osi.LayerInfo
				Packages []string `json:"packages"`
				Lessons  []string `json:"lessons"`
			}
			var views []layerView
			for _, info := range osi.All() {
				v := layerView{LayerInfo: info, Packages: []string{}, Lessons: []string{}}
				for _, p := range osi.Packages() {
					if p.Layers.Has(info.Layer) {
						v.Packages = append(v.Packages, p.Path)
					}
				}
				for _, l := range lessons.All() {
					if l.Layers.Has(info.Layer) {
						v.Lessons = append(v.Lessons, l.Name)
					}
				}
				views = append(views, v)
			}
			w := c.App.Writer
			if c.Bool("json") {
				enc := json.NewEncoder(w)
				for _, v := range views {
					if err := enc.Encode(map[string]any{"layer": int(v.Layer), "name": v.Name, "pdu": v.PDU,
						"does": v.Does, "protocols": v.Protocols, "packages": v.Packages, "lessons": v.Lessons}); err != nil {
						return err
					}
				}
				return nil
			}
			var rows [][]string
			for i := len(views) - 1; i >= 0; i-- {
				v := views[i]
				rows = append(rows, []string{fmt.Sprint(int(v.Layer)), v.Name, v.PDU, strings.Join(v.Protocols, ", ")})
			}
			fmt.Fprintln(w, "The OSI reference model (ISO/IEC 7498-1), top to bottom")
			fmt.Fprint(w, narrate.FormatTable([]string{"#", "layer", "unit of data", "protocols"}, rows, ""))
			for i := len(views) - 1; i >= 0; i-- {
				v := views[i]
				fmt.Fprintf(w, "\n%d %s: %s\n", int(v.Layer), v.Name, v.Does)
				fmt.Fprintf(w, "    packages: %s\n", orNone(v.Packages))
				fmt.Fprintf(w, "    lessons:  %s\n", orNone(v.Lessons))
			}
			fmt.Fprintln(w, "\nOn the Internet, layers 5 and 6 have no protocols of their own: their jobs live inside")
			fmt.Fprintln(w, "the application protocols (TLS, HTTP, WebSocket). Layers 1 and 2 on loopback are the")
			fmt.Fprintln(w, "kernel's loopback device: no wire, no signal, but still frames.")
			return nil
		},
	}
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "(none yet)"
	}
	return strings.Join(xs, ", ")
}
