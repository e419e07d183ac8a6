package main

// tool is a binary of the project and the commands it hosts. The dispatcher runs
// `<tool> <command> <args…>` for a built-in command, the way `cargo help foo` runs `cargo-foo foo`.
type tool struct {
	name     string
	commands []command
}

type command struct {
	name, summary string
}

// tools is the built-in table, in the order help lists it. A command missing here falls through to
// a third-party plugin-<command>.
var tools = []tool{
	{"plugin-hash", []command{
		{"hash", "print the SHA-256 of artifacts and packages, with the gateway config pin"},
		{"list", "list plugin artifacts and packages in a directory"},
	}},
	{"plugin-sign", []command{
		{"sign", "sign an artifact with Ed25519 (writes the .sig sidecar the gateway reads)"},
		{"verify", "check an artifact's or package's hash and signature as the gateway does"},
	}},
	{"plugin-pack", []command{
		{"pack", "build a package zip from plugin.yaml and an artifact"},
		{"unpack", "extract a package zip with the gateway's rules"},
		{"inspect", "show a package's descriptor, digests and signature without extracting"},
	}},
	{"plugin-oci", []command{
		{"push", "push a package to an OCI registry"},
		{"pull", "pull a package from an OCI registry"},
		{"cache", "list and clean the gateway's plugin caches (cache ls, cache gc)"},
	}},
	{"plugin-harness", []command{
		{"test", "load a package into a mock gateway and exercise it"},
	}},
	{"plugin-new", []command{
		{"new", "scaffold a new plugin crate"},
	}},
	{"plugin-check", []command{
		{"check", "will the gateway boot with a config's plugins? each entry resolved and verified"},
	}},
}

// dispatcherCommands are answered by the dispatcher itself and can never be overridden.
var dispatcherCommands = []command{
	{"help", "this list; 'help <command>' shows a command's flags; 'help exit-codes'"},
	{"version", "the version of the dispatcher and of every installed tool (--json)"},
	{"commands", "every command, the binary it runs, and warnings about shadowed plugins (--json)"},
	{"completion", "print a bash, zsh or fish completion script for every installed command"},
}

// toolFor returns the tool hosting the built-in command cmd, or nil.
func toolFor(cmd string) *tool {
	for i := range tools {
		for _, c := range tools[i].commands {
			if c.name == cmd {
				return &tools[i]
			}
		}
	}
	return nil
}

func isToolName(name string) bool {
	for _, t := range tools {
		if t.name == name {
			return true
		}
	}
	return false
}

func isDispatcherCommand(name string) bool {
	for _, c := range dispatcherCommands {
		if c.name == name {
			return true
		}
	}
	return false
}

func (t *tool) commandNames() []string {
	var names []string
	for _, c := range t.commands {
		names = append(names, c.name)
	}
	return names
}

// installHint says how to get a missing tool.
func (t *tool) installHint() string {
	return "install it with 'make install' in a checkout of mcpg-plugins, or build it alone there with " +
		"'go build -o <dir>/" + t.name + " ./" + t.name + "' into the dispatcher's directory or a directory on $PATH"
}
