package main

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

var statusMark = map[string]string{statusLoads: "✓", statusWarning: "⚠", statusRefused: "✗", statusUnresolved: "?"}

// printReport writes the human report: the config's diagnostics first, a block per entry, what was
// not checked, and the boot verdict last.
func printReport(env *cli.Env, rep *report) {
	w := inertText{env.Stdout}
	if len(rep.Layers) > 0 {
		fmt.Fprintf(w, "config: %s\n", strings.Join(rep.Layers, ", "))
	}
	for _, d := range rep.Diagnostics {
		fmt.Fprintln(w, d.String())
		if d.Hint != "" {
			fmt.Fprintf(w, "  hint: %s\n", d.Hint)
		}
	}
	for _, f := range rep.Registry {
		printFinding(w, "", f)
	}
	if len(rep.Entries) == 0 {
		fmt.Fprintln(w, "plugins: none")
	} else {
		fmt.Fprintln(w, "plugins:")
	}
	for _, r := range rep.Entries {
		fmt.Fprintf(w, "  %s %s\n", statusMark[r.Status], entryLine(r))
		for _, f := range r.Findings {
			printFinding(w, "      ", f)
		}
		if r.Test != nil {
			fmt.Fprintf(w, "      test: %s\n", r.Test.Summary)
		}
	}
	if len(rep.NotChecked) > 0 {
		fmt.Fprintln(w, "not checked:")
		for _, n := range rep.NotChecked {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	mark := "✓"
	if !rep.Boot.OK {
		mark = "✗"
		if rep.Boot.ExitCode == cli.ExitUnsupported || rep.Boot.ExitCode == cli.ExitNetwork {
			mark = "?"
		}
	}
	fmt.Fprintf(w, "boot: %s %s\n", mark, rep.Boot.Verdict)
}

func printFinding(w io.Writer, indent string, f finding) {
	where := ""
	if f.Pos != "" && f.Pos != "(default)" {
		where = f.Pos + ": "
	}
	fmt.Fprintf(w, "%s%s%s: %s\n", indent, where, f.Severity, f.Message)
	if f.Fix != "" {
		fix := strings.ReplaceAll(f.Fix, "\n", "\n"+indent+"     ")
		fmt.Fprintf(w, "%s  fix: %s\n", indent, fix)
	}
}

// entryLine is "alias (manifest id) <verdict> — <source>: <what was found>".
func entryLine(r *entryResult) string {
	var b strings.Builder
	b.WriteString(r.Alias)
	if r.ManifestID != "" && r.ManifestID != r.Alias {
		fmt.Fprintf(&b, " (%s)", r.ManifestID)
	}
	switch r.Status {
	case statusLoads:
		b.WriteString(" loads")
	case statusWarning:
		switch {
		case r.Shadow:
			b.WriteString(" loads in shadow mode")
		case r.Disabled:
			b.WriteString(" is disabled but loads")
		default:
			b.WriteString(" loads with a warning")
		}
	case statusRefused:
		b.WriteString(" refused")
	case statusUnresolved:
		b.WriteString(" not resolved")
	}
	src := r.SourcePath
	if src == "" {
		src = r.SourceOCI
	}
	if src != "" {
		fmt.Fprintf(&b, " — %s", src)
	}
	var facts []string
	if r.Form != "" {
		facts = append(facts, r.Form)
	}
	if r.Runtime != "" {
		facts = append(facts, r.Runtime+" "+r.DescriptorClass)
	}
	switch r.Signature {
	case "verified":
		facts = append(facts, "signature verified")
	case "skipped":
		facts = append(facts, "signature not checked (policy disabled)")
	}
	if r.ArtifactSHA256 != "" && r.Status != statusRefused {
		facts = append(facts, "artifact sha256 "+r.ArtifactSHA256)
	}
	if len(facts) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(facts, ", "))
	}
	return b.String()
}

// inertText writes text from the config, packages and registries so that it cannot act on a
// terminal: control characters (an ESC that starts a sequence, a BEL, a CR that rewrites the line),
// bytes that are not UTF-8 (a lone 0x9b is CSI to some terminals) and the bidirectional overrides
// that reorder what is shown are written as escapes, \u{1b} as Rust writes them; newlines and
// tabs stay. Each write is a whole line or more, so no character is split between writes.
type inertText struct{ w io.Writer }

func (t inertText) Write(p []byte) (int, error) {
	if !needsEscape(p) {
		return t.w.Write(p)
	}
	n := len(p)
	var b strings.Builder
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, "\\x%02x", p[0])
		case inert(r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "\\u{%x}", r)
		}
		p = p[size:]
	}
	if _, err := io.WriteString(t.w, b.String()); err != nil {
		return 0, err
	}
	return n, nil
}

func needsEscape(p []byte) bool {
	for _, c := range p {
		if c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			return true
		}
	}
	return false
}

// inert reports whether r is shown as itself: not a control character (but newline and tab), not
// a bidirectional embedding, override or isolate.
func inert(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case unicode.IsControl(r):
		return false
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return false
	}
	return true
}
