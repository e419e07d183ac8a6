package cli_test

import (
	"os"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

func TestIsTerminal(t *testing.T) {
	term, written := clitest.Terminal(t)
	if !cli.IsTerminal(term) || !cli.IsTerminal(cli.NewCheckedWriter(term)) {
		t.Error("a pseudo-terminal is not seen as a terminal")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if cli.IsTerminal(null) { // a character device, but no terminal: -o - > /dev/null is fine
		t.Error("/dev/null is seen as a terminal")
	}
	if err := cli.RefuseTerminal("x", "-", null); err != nil {
		t.Errorf("RefuseTerminal on /dev/null: %v", err)
	}
	if err := cli.RefuseTerminal("x", "out.zip", term); err != nil {
		t.Errorf("RefuseTerminal of a file output: %v", err)
	}
	if err := cli.RefuseTerminal("x", "-", term); cli.CodeOf(err) != cli.ExitUsage {
		t.Errorf("RefuseTerminal on a terminal: %v", err)
	}
	// The check sees what does reach the terminal (so its "nothing written" means something).
	term.Write([]byte("seen\n"))
	if n := written(); n == 0 {
		t.Error("a write to the terminal was not seen")
	}
}
