package cli

import (
	"encoding/json"
	"io"
	"os"
)

// WriteJSON writes v as one indented JSON document followed by a newline. HTML escaping is off so
// paths and messages with <, > and & stay readable.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// IsTerminal reports whether w is a terminal (a TTY), for progress output and colour, and to
// refuse binary output (RefuseTerminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if c, checked := w.(*CheckedWriter); checked {
		f, ok = c.File()
	}
	return ok && isTTY(f)
}

// ColorEnabled follows NO_COLOR and TERM=dumb.
func ColorEnabled(env *Env, w io.Writer) bool {
	return env.Getenv("NO_COLOR") == "" && env.Getenv("TERM") != "dumb" && IsTerminal(w)
}
