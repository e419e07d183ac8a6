// Command mcpg-plugins dispatches "mcpg-plugins <cmd>" to the tool binaries, git-style. It is also
// installed as mcpg-plugin, the name the gateway's `mcpg plugin <cmd>` execs.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// main does not use cli.Main: that installs SIGINT/SIGTERM handlers, and a signal the dispatcher
// was started with ignored (a background job, nohup) must stay ignored across the exec.
func main() {
	env := cli.OSEnv()
	stdout := cli.NewCheckedWriter(os.Stdout) // its own output (help, commands) is checked too
	env.Stdout = stdout
	err := run(env, os.Args)
	stdout.Close()
	os.Exit(cli.ReportStdout(env.Stderr, err, stdout.Err()))
}

type dispatcher struct {
	env  *cli.Env
	self string // the name it was invoked as, for messages: mcpg-plugins or mcpg-plugin
	find *finder
}

func run(env *cli.Env, argv []string) error {
	d := &dispatcher{env: env, self: "mcpg-plugins", find: newFinder(env.Getenv)}
	if len(argv) > 0 {
		d.self = strings.TrimSuffix(filepath.Base(argv[0]), exeSuffix)
	}
	args := argv[min(1, len(argv)):]
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, d.usage())
		return cli.Usagef("%s: missing command", d.self)
	}
	switch args[0] {
	case "help", "-h", "--help":
		return d.help(args[1:])
	case "version":
		return d.version(args[1:])
	case "--version":
		fmt.Fprint(env.Stdout, buildinfo.Read().VersionText(d.self))
		return nil
	case "commands", "--list":
		return d.commands(args[1:])
	case "completion":
		return d.completion(args[1:])
	}
	return d.dispatch(args[0], args[1:])
}

func (d *dispatcher) dispatch(cmd string, args []string) error {
	if strings.HasPrefix(cmd, "-") {
		return cli.WithHint(cli.Usagef("%s: unknown flag %s", d.self, cmd), cli.TopLevelFlagHint(d.self, cmd))
	}
	if t := toolFor(cmd); t != nil {
		return d.runTool(t, cmd, args)
	}
	return d.runPlugin(cmd, args)
}

// runTool execs `<tool> <cmd> <args…>` for a built-in command.
func (d *dispatcher) runTool(t *tool, cmd string, args []string) error {
	r := d.find.first(t.name)
	if r.path != "" {
		return d.exec(r.path, append([]string{t.name, cmd}, args...))
	}
	if len(r.notExec) > 0 {
		return notExecutable(r)
	}
	return &cli.Error{
		Code: cli.ExitNotFound,
		Msg:  fmt.Sprintf("'%s %s' needs %s, which is not installed (looked %s)", d.self, cmd, t.name, d.where()),
		Hint: fmt.Sprintf("%s provides %s; %s", t.name, strings.Join(t.commandNames(), ", "), t.installHint()),
	}
}

// runPlugin execs a third-party plugin-<cmd> with the remaining arguments only (like cargo and
// kubectl), argv[0] being its name.
func (d *dispatcher) runPlugin(cmd string, args []string) error {
	if validCommandName(cmd) {
		r := d.find.first(pluginPrefix + cmd)
		if r.path != "" {
			return d.exec(r.path, append([]string{r.name}, args...))
		}
		if len(r.notExec) > 0 {
			return notExecutable(r)
		}
	}
	err := &cli.Error{
		Code: cli.ExitNotFound,
		Msg:  fmt.Sprintf("'%s' is not a %s command, and no %s%s was found %s", cmd, d.self, pluginPrefix, cmd, d.where()),
	}
	if s := cli.Suggest(cmd, d.allCommandNames()); s != "" {
		return cli.WithHint(err, fmt.Sprintf("did you mean '%s %s'?", d.self, s))
	}
	return cli.WithHint(err, fmt.Sprintf("run '%s commands' to see every command", d.self))
}

func notExecutable(r resolution) error {
	p := r.notExec[0].path
	return &cli.Error{Code: cli.ExitNotExec, Msg: fmt.Sprintf("%s is not executable", p), Hint: "make it executable: chmod +x " + p}
}

// where says where binaries were looked for, for "not found" messages.
func (d *dispatcher) where() string {
	if d.find.self == "" {
		return "on $PATH"
	}
	return fmt.Sprintf("in %s (beside %s) or on $PATH", filepath.Dir(d.find.self), d.self)
}

// exec replaces the dispatcher with the tool. MCPG_PLUGINS tells the tool how to call back into the
// dispatcher, as CARGO and KUBECTL_PATH do.
func (d *dispatcher) exec(path string, argv []string) error {
	env := os.Environ()
	if d.find.self != "" {
		env = append(withoutVar(env, "MCPG_PLUGINS"), "MCPG_PLUGINS="+d.find.self)
	}
	err := execBinary(path, argv, env)
	code := cli.ExitNotExec
	if errors.Is(err, fs.ErrNotExist) { // e.g. a script whose #! interpreter is missing
		code = cli.ExitNotFound
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &cli.Error{Code: code, Msg: fmt.Sprintf("cannot run %s: %v", path, err), Err: err}
}

func withoutVar(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// allCommandNames are the candidates for "did you mean".
func (d *dispatcher) allCommandNames() []string {
	var names []string
	for _, c := range dispatcherCommands {
		names = append(names, c.name)
	}
	for _, t := range tools {
		names = append(names, t.commandNames()...)
	}
	return append(names, d.find.thirdParty()...)
}
