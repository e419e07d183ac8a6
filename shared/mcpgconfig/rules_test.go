package mcpgconfig

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the # want lines of testdata/rules fixtures from the current output (review the diff!)")

// TestRules loads every testdata/rules/*.yaml fixture alone (no environment) and compares the
// diagnostics with the fixture's "# want: <severity> <line>:<col> <message>" lines (at the end of
// the file), in any order.
// Each fixture's "# cite:" line names the gateway source the expected text comes from.
func TestRules(t *testing.T) {
	files, _ := filepath.Glob("testdata/rules/*.yaml")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				if w, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
					want = append(want, w)
				}
			}
			// the fixture's directory as the gateway's working directory: no relative-path warnings
			wd, _ := filepath.Abs(filepath.Dir(f))
			c, err := Load([]string{f}, nil, Options{WorkDir: wd})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range c.Diagnostics {
				if d.File != f {
					t.Errorf("diagnostic file %q, want %q", d.File, f)
				}
				got = append(got, fmt.Sprintf("%s %d:%d %s", d.Severity, d.Line, d.Col, d.Message))
			}
			slices.Sort(got)
			slices.Sort(want)
			if *update && !slices.Equal(got, want) {
				rewriteWant(t, f, data, got)
				return
			}
			if !slices.Equal(got, want) {
				t.Errorf("diagnostics differ\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// rewriteWant replaces the fixture's want lines, kept at the end of the file so that rewriting them
// moves no YAML line.
func rewriteWant(t *testing.T, f string, data []byte, got []string) {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if !strings.HasPrefix(l, "# want: ") {
			out = append(out, l)
		}
	}
	for _, g := range got {
		out = append(out, "# want: "+g)
	}
	if err := os.WriteFile(f, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
