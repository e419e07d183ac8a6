package cli

import (
	"fmt"

	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// SeeHelp is the hint of every usage error: where to read how command is called.
func SeeHelp(command string) string {
	return fmt.Sprintf("see '%s --help'", command)
}

// UsageHelpf is a usage error of command (exit 2) hinting at its --help; the message is formatted
// as by Usagef and should already name the command.
func UsageHelpf(command, format string, a ...any) error {
	return WithHint(Usagef(format, a...), SeeHelp(command))
}

// CheckArgs checks that command got between min and max positional arguments (max < 0: no upper
// bound). synopsis shows them as the usage line does ("<archive> <target-dir>", "[dir]",
// "<file|->..."). Every command words a wrong count alike:
//
//	plugin-pack unpack: expected 2 arguments <archive|-> <target-dir>, got 1
//	plugin-pack inspect: unexpected argument "b": expected 1 argument <archive|->, got 2
//
// with the hint "see '<command> --help'". Naming the first unexpected argument helps when it was
// meant as a flag's value; it is shown clipped, and without the password of a reference written
// user:pass@host/repo.
func CheckArgs(command string, pos []string, min, max int, synopsis string) error {
	n := len(pos)
	switch {
	case n < min:
		return UsageHelpf(command, "%s: expected %s, got %d", command, expectedArgs(min, max, synopsis), n)
	case max >= 0 && n > max:
		return UsageHelpf(command, "%s: unexpected argument %s: expected %s, got %d", command, textclip.Quote(oci.RedactUserinfo(pos[max])), expectedArgs(min, max, synopsis), n)
	}
	return nil
}

// expectedArgs words the count CheckArgs wants: "no arguments", "1 argument <archive>",
// "at most 1 argument [dir]", "at least 1 argument <file>...", "2 to 3 arguments <a> <b> [c]".
func expectedArgs(min, max int, synopsis string) string {
	arguments := func(n int) string {
		if n == 1 {
			return "argument"
		}
		return "arguments"
	}
	switch {
	case max == 0:
		return "no arguments"
	case min == max:
		return fmt.Sprintf("%d %s %s", min, arguments(min), synopsis)
	case max < 0:
		return fmt.Sprintf("at least %d %s %s", min, arguments(min), synopsis)
	case min == 0:
		return fmt.Sprintf("at most %d %s %s", max, arguments(max), synopsis)
	}
	return fmt.Sprintf("%d to %d arguments %s", min, max, synopsis)
}
