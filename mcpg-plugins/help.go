package main

import (
	"fmt"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// usage is the full command list: built-ins grouped by the tool that runs them, marked installed
// or not, then third-party plugins, then the dispatcher's own commands.
func (d *dispatcher) usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — hash, sign, pack, ship, test and check MCPG gateway plugins\n\n", d.self)
	fmt.Fprintf(&b, "Usage: %s <command> [arguments]\n       %s help <command>    show a command's flags\n\n", d.self, d.self)
	fmt.Fprintf(&b, "Commands, by the tool binary that runs them:\n")
	for i := range tools {
		t := &tools[i]
		fmt.Fprintf(&b, "  %s (%s)\n", t.name, status(d.find.resolve(t.name)))
		for _, c := range t.commands {
			fmt.Fprintf(&b, "    %-10s %s\n", c.name, c.summary)
		}
	}
	if names := d.find.thirdParty(); len(names) > 0 {
		fmt.Fprintf(&b, "  third-party (plugin-<name> beside %s or on $PATH)\n", d.self)
		for _, n := range names {
			fmt.Fprintf(&b, "    %-10s runs %s%s\n", n, pluginPrefix, n)
		}
	}
	fmt.Fprintf(&b, "  built into %s\n", d.self)
	for _, c := range dispatcherCommands {
		fmt.Fprintf(&b, "    %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(&b, `
Any other command <name> runs plugin-<name> with the remaining arguments, found beside %[1]s
first, then on $PATH: third-party tools extend %[1]s the way git and kubectl plugins do.
Tools and plugins replace the dispatcher (exec) and find it again in $MCPG_PLUGINS.
The gateway's 'mcpg plugin <command>' runs this dispatcher under the name mcpg-plugin.

Exit status: the tool's own ('%[1]s help exit-codes'); 126 the tool is not executable;
127 it is not installed.
`, d.self)
	return b.String()
}

func status(r resolution) string {
	switch {
	case r.path != "":
		return "installed"
	case len(r.notExec) > 0:
		return "not executable"
	}
	return "not installed"
}

func (d *dispatcher) help(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(d.env.Stdout, d.usage())
		return nil
	}
	cmd := args[0]
	switch {
	case cmd == "exit-codes":
		fmt.Fprintf(d.env.Stdout, "Exit codes, the same in every mcpg-plugins tool:\n\n%s", cli.ExitCodeTable)
		return nil
	case cmd == "help":
		fmt.Fprint(d.env.Stdout, d.helpHelp())
		return nil
	case cmd == "version":
		fmt.Fprint(d.env.Stdout, d.versionHelp())
		return nil
	case cmd == "commands":
		fmt.Fprint(d.env.Stdout, d.commandsHelp())
		return nil
	case cmd == "completion":
		fmt.Fprint(d.env.Stdout, d.completionHelp())
		return nil
	}
	// `help cache gc` → `plugin-oci cache gc --help`, as cargo runs `cargo-foo foo --help`.
	rest := append(append([]string{}, args[1:]...), "--help")
	if t := toolFor(cmd); t != nil {
		return d.runTool(t, cmd, rest)
	}
	return d.runPlugin(cmd, rest)
}

func (d *dispatcher) helpHelp() string {
	return fmt.Sprintf(`Usage: %[1]s help [command [subcommand]]

With no command, list every command. With one, show its flags by running the tool's --help
('%[1]s help verify' runs 'plugin-sign verify --help'; '%[1]s help foo' runs 'plugin-foo --help').

  %[1]s help exit-codes   the exit codes every tool uses

Example:
  %[1]s help cache gc
`, d.self)
}
