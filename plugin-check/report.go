package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

var statusMark = map[string]string{statusLoads: "✓", statusWarning: "⚠", statusRefused: "✗", statusUnresolved: "?"}

// printReport writes the human report: the config's diagnostics first, a block per entry, what was
// not checked, and the boot verdict last.
func printReport(env *cli.Env, rep *report) {
	w := env.Stdout
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
