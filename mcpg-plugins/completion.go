package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// completionShells are the shells `completion` writes a script for, each by its generator.
var completionShells = map[string]func(w io.Writer, self string, names []string, root cli.CommandSpec){
	"bash": writeBashCompletion,
	"zsh":  writeZshCompletion,
	"fish": writeFishCompletion,
}

func (d *dispatcher) completionHelp() string {
	return fmt.Sprintf(`Usage: %[1]s completion <bash|zsh|fish>

Print a shell completion script for every command of every installed tool, their subcommands
and flags (a flag's value and a command's arguments complete as file names), and the
third-party plugin-<name> commands found. Each tool describes its own commands and flags
('<tool> %[2]s', the flags its commands register for --help), so the script follows the
installed tools: generate it again after installing or upgrading one.

Flags:
  -h, --help  show this help

Load it:
  bash   source <(%[1]s completion bash)        (in ~/.bashrc)
  zsh    source <(%[1]s completion zsh)         (in ~/.zshrc, after compinit)
  fish   %[1]s completion fish | source          (in ~/.config/fish/config.fish)
`, d.self, cli.SpecCommand)
}

func (d *dispatcher) completion(args []string) error {
	fs := cli.NewFlagSet(d.self+" completion", d.completionHelp(), d.env.Stdout)
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs(d.self+" completion", pos, 1, 1, "<bash|zsh|fish>"); err != nil {
		return err
	}
	write, ok := completionShells[pos[0]]
	if !ok {
		return cli.WithHint(cli.Usagef("%s completion: unknown shell %q", d.self, pos[0]), "give bash, zsh or fish")
	}
	names := []string{"mcpg-plugins", "mcpg-plugin"}
	if !slices.Contains(names, d.self) {
		names = append([]string{d.self}, names...)
	}
	var buf bytes.Buffer
	write(&buf, d.self, names, d.completionTree())
	_, err = d.env.Stdout.Write(buf.Bytes())
	return err
}

// completionTree is every command the dispatcher runs, as the root of a command tree: the
// installed tools' commands as each tool describes them, the third-party plugins (whose
// arguments complete as files) and the dispatcher's own commands.
func (d *dispatcher) completionTree() cli.CommandSpec {
	root := cli.CommandSpec{Name: d.self, Flags: []cli.FlagSpec{
		{Long: "help", Short: "h", Usage: "list every command"},
		{Long: "version", Usage: "print the dispatcher's version"},
		{Long: "list", Usage: "list every command and the binary it runs"},
	}}
	for i := range tools {
		root.Subcommands = append(root.Subcommands, d.toolCompletions(&tools[i])...)
	}
	for _, name := range d.find.thirdParty() {
		if toolFor(name) != nil || isDispatcherCommand(name) || d.find.first(pluginPrefix+name).path == "" {
			continue // never run, or not runnable
		}
		root.Subcommands = append(root.Subcommands, cli.CommandSpec{Name: name, Summary: "runs " + pluginPrefix + name})
	}
	names := []cli.CommandSpec{{Name: "exit-codes", Summary: "the exit codes every tool uses"}}
	for _, c := range root.Subcommands {
		names = append(names, cli.CommandSpec{Name: c.Name, Summary: c.Summary})
	}
	for _, c := range dispatcherCommands {
		names = append(names, cli.CommandSpec{Name: c.name, Summary: c.summary})
	}
	for _, c := range dispatcherCommands {
		spec := cli.CommandSpec{Name: c.name, Summary: c.summary}
		switch c.name {
		case "help":
			spec.Subcommands = names
		case "completion":
			for _, sh := range []string{"bash", "fish", "zsh"} {
				spec.Subcommands = append(spec.Subcommands, cli.CommandSpec{Name: sh, Summary: sh + " completion script"})
			}
		default:
			spec = cli.CommandSpecOf(c.name, c.summary, d.ownCommand(c.name))
		}
		root.Subcommands = append(root.Subcommands, spec)
	}
	return root
}

// ownCommand runs the dispatcher's command name with env, for cli.CommandSpecOf.
func (d *dispatcher) ownCommand(name string) func(env *cli.Env, args []string) error {
	return func(env *cli.Env, args []string) error {
		return run(env, append([]string{d.self, name}, args...))
	}
}

// toolCompletions are the commands of t that the dispatcher runs, as t describes them; nothing
// when t is not installed. A tool that cannot describe itself (an older build) still has its
// commands completed, without their flags.
func (d *dispatcher) toolCompletions(t *tool) []cli.CommandSpec {
	r := d.find.resolve(t.name)
	if r.path == "" {
		return nil
	}
	described, err := toolSpec(r.path)
	if err != nil {
		d.env.Warnf("%s: no flags to complete for %s: %v", r.path, strings.Join(t.commandNames(), ", "), err)
	}
	var specs []cli.CommandSpec
	for _, c := range t.commands {
		spec := cli.CommandSpec{Name: c.name}
		for _, s := range described.Commands {
			if s.Name == c.name {
				spec = s
			}
		}
		spec.Summary = c.summary // the dispatcher's wording, as in its help
		specs = append(specs, spec)
	}
	return specs
}

// toolSpec asks the tool at path for its commands and flags (`<tool> __complete-spec`).
func toolSpec(path string) (cli.ToolSpec, error) {
	ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, cli.SpecCommand)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return cli.ToolSpec{}, fmt.Errorf("no answer to %s within %s", cli.SpecCommand, versionTimeout)
	}
	if err != nil {
		if e, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n"); e != "" {
			return cli.ToolSpec{}, fmt.Errorf("%v: %s", err, e)
		}
		return cli.ToolSpec{}, err
	}
	var spec cli.ToolSpec
	if err := json.Unmarshal(out, &spec); err != nil {
		return cli.ToolSpec{}, fmt.Errorf("%s printed no command list: %v", cli.SpecCommand, err)
	}
	return spec, nil
}
