package main

import (
	"fmt"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// problemLine formats one descriptor finding as "<file>:<line>: <path>: <msg>".
func problemLine(file string, p descriptor.Problem) string {
	switch {
	case p.Line > 0 && p.Path != "":
		return fmt.Sprintf("%s:%d: %s", file, p.Line, p.String())
	case p.Line > 0: // String would say "line N:" again
		return fmt.Sprintf("%s:%d: %s", file, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", file, p.String())
}

// joinPath joins a directory and a file name the way the reference CLI prints them (Rust's
// Path::join): the directory as given, one separator.
func joinPath(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// warnings collects warnings, printing each on stderr as it comes and keeping them for --json.
type warnings struct {
	env  *cli.Env
	list []string
}

func (w *warnings) add(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	w.list = append(w.list, msg)
	w.env.Warnf("%s", msg)
}

// all is the list for JSON: never null.
func (w *warnings) all() []string {
	if w.list == nil {
		return []string{}
	}
	return w.list
}
