package cli

import (
	"bytes"
	"testing"
)

func TestCheckArgs(t *testing.T) {
	for _, c := range []struct {
		name     string
		pos      []string
		min, max int
		synopsis string
		want     string // "" = accepted
	}{
		{"exact ok", []string{"a"}, 1, 1, "<archive>", ""},
		{"exact none", nil, 1, 1, "<archive>", "error: x cmd: expected 1 argument <archive>, got 0\n"},
		{"exact extra", []string{"a", "b", "c"}, 1, 1, "<archive>", "error: x cmd: unexpected argument \"b\": expected 1 argument <archive>, got 3\n"},
		{"two short", []string{"a"}, 2, 2, "<a> <b>", "error: x cmd: expected 2 arguments <a> <b>, got 1\n"},
		{"none wanted", []string{"extra"}, 0, 0, "", "error: x cmd: unexpected argument \"extra\": expected no arguments, got 1\n"},
		{"at most", []string{"a", "b"}, 0, 1, "[dir]", "error: x cmd: unexpected argument \"b\": expected at most 1 argument [dir], got 2\n"},
		{"at least", nil, 1, -1, "<file>...", "error: x cmd: expected at least 1 argument <file>..., got 0\n"},
		{"unbounded ok", []string{"a", "b", "c"}, 1, -1, "<file>...", ""},
		{"range", nil, 2, 3, "<a> <b> [c]", "error: x cmd: expected 2 to 3 arguments <a> <b> [c], got 0\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckArgs("x cmd", c.pos, c.min, c.max, c.synopsis)
			if c.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var buf bytes.Buffer
			if code := Report(&buf, err); code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if want := c.want + "hint: see 'x cmd --help'\n"; buf.String() != want {
				t.Errorf("printed %q, want %q", buf.String(), want)
			}
		})
	}
}
