package main

import (
	"fmt"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

func (d *dispatcher) commandsHelp() string {
	return fmt.Sprintf(`Usage: %[1]s commands [--json]      (also: %[1]s --list)

List every command: the built-in ones with the tool binary each runs and where it was found, then
the third-party plugin-<name> commands found beside %[1]s and on $PATH. Like 'kubectl plugin
list', warnings on stderr name plugin files that never run: shadowed by an earlier file of the
same name, not executable, or named after a built-in command (built-ins always win).

Flags:
  --json      print one JSON object: dispatcher, search_path[], commands[] (name, builtin, tool,
              path, status: installed | not installed | not executable | never run) and warnings[]
  -h, --help  show this help

Example:
  %[1]s commands --json | jq -r '.commands[] | select(.builtin | not) | .name'
`, d.self)
}

type commandEntry struct {
	Name    string `json:"name"`
	Builtin bool   `json:"builtin"`
	Tool    string `json:"tool,omitempty"` // the binary a built-in command runs
	Path    string `json:"path,omitempty"`
	Status  string `json:"status"`
}

type commandsReport struct {
	Dispatcher string         `json:"dispatcher,omitempty"`
	SearchPath []string       `json:"search_path"`
	Commands   []commandEntry `json:"commands"`
	Warnings   []string       `json:"warnings"`
}

const statusNeverRun = "never run"

func (d *dispatcher) commands(args []string) error {
	asJSON, err := d.parseJSONFlag("commands", d.commandsHelp(), args)
	if err != nil {
		return err
	}
	rep := d.listCommands()
	for _, w := range rep.Warnings {
		d.env.Warnf("%s", w)
	}
	if asJSON {
		return cli.WriteJSON(d.env.Stdout, rep)
	}
	w := d.env.Stdout
	fmt.Fprintln(w, "Built-in commands:")
	thirdParty := 0
	for _, c := range rep.Commands {
		if !c.Builtin {
			thirdParty++
			continue
		}
		where := c.Path
		if c.Status != "installed" {
			where = c.Status
		}
		fmt.Fprintf(w, "  %-10s %-15s %s\n", c.Name, c.Tool, where)
	}
	fmt.Fprintf(w, "\nThird-party commands (plugin-<name> beside %s or on $PATH):\n", d.self)
	if thirdParty == 0 {
		fmt.Fprintln(w, "  (none found)")
	}
	for _, c := range rep.Commands {
		if c.Builtin {
			continue
		}
		if c.Status == "installed" {
			fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Path)
		} else {
			fmt.Fprintf(w, "  %-10s %s (%s)\n", c.Name, c.Path, c.Status)
		}
	}
	return nil
}

func (d *dispatcher) listCommands() commandsReport {
	rep := commandsReport{Dispatcher: d.find.self, SearchPath: d.find.dirs, Commands: []commandEntry{}, Warnings: []string{}}
	if rep.SearchPath == nil {
		rep.SearchPath = []string{}
	}
	for i := range tools {
		t := &tools[i]
		r := d.find.resolve(t.name)
		rep.Warnings = append(rep.Warnings, resolutionWarnings(r)...)
		path := r.path
		if path == "" && len(r.notExec) > 0 {
			path = r.notExec[0].path
		}
		for _, c := range t.commands {
			rep.Commands = append(rep.Commands, commandEntry{Name: c.name, Builtin: true, Tool: t.name, Path: path, Status: status(r)})
		}
	}
	for _, name := range d.find.thirdParty() {
		r := d.find.resolve(pluginPrefix + name)
		if t := toolFor(name); t != nil || isDispatcherCommand(name) {
			// Built-ins always win, so this file never runs whatever its state.
			by := d.self
			if t != nil {
				by = t.name
			}
			for _, c := range d.find.candidates(r.name) {
				rep.Commands = append(rep.Commands, commandEntry{Name: name, Path: c.path, Status: statusNeverRun})
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s is never run: '%s' is a built-in command (run by %s)", c.path, name, by))
			}
			continue
		}
		path := r.path
		if path == "" && len(r.notExec) > 0 {
			path = r.notExec[0].path
		}
		if path == "" {
			continue // gone since the directory was read, or a link to a directory
		}
		rep.Commands = append(rep.Commands, commandEntry{Name: name, Path: path, Status: status(r)})
		rep.Warnings = append(rep.Warnings, resolutionWarnings(r)...)
	}
	return rep
}

// resolutionWarnings are kubectl-style warnings about the files of one name that never run.
func resolutionWarnings(r resolution) []string {
	var ws []string
	for _, c := range r.notExec {
		if r.path != "" {
			ws = append(ws, fmt.Sprintf("%s is not executable; %s runs instead", c.path, r.path))
		} else {
			ws = append(ws, fmt.Sprintf("%s is not executable", c.path))
		}
	}
	for _, c := range r.shadow {
		ws = append(ws, fmt.Sprintf("%s is shadowed by %s", c.path, r.path))
	}
	return ws
}

// parseJSONFlag parses the arguments of a built-in that takes --json and nothing else.
func (d *dispatcher) parseJSONFlag(name, help string, args []string) (asJSON bool, err error) {
	fs := cli.NewFlagSet(d.self+" "+name, help, d.env.Stdout)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	pos, err := fs.Parse(args)
	if err != nil {
		return false, err
	}
	if err := cli.CheckArgs(d.self+" "+name, pos, 0, 0, ""); err != nil {
		return false, err
	}
	return asJSON, nil
}
