package main

// The pack command: its flags and their validation, and the order of the stages. The stages are
// in packinputs.go (descriptor, signature, licence), packchecks.go (the artifact), packoutput.go
// (writing the zip) and packreport.go (--json).

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

const packHelp = `Usage: plugin-pack pack -d <plugin.yaml> -a <artifact> -v <version> [flags]

Bundle a plugin's descriptor, artifact, optional signature and optional licence text into the
package zip the gateway loads: plugin.yaml, plugin.so or plugin.wasm, plugin.sig, LICENSE.
Packages are byte-reproducible: fixed entry order, modes and timestamps (1980-01-01 00:00:00, or
SOURCE_DATE_EPOCH when it is set), so the same inputs always give the same OCI layer digest.

Before anything is written, pack checks what the gateway would refuse at load:
  - plugin.yaml against the v1 JSON Schema and the load-time rules (errors name the field)
  - runtime against the artifact: .so/.dylib/.dll need native-cdylib-v1, .wasm needs wasi-v1,
    and a wasi-v1 plugin's class is tool_gate, transform or identity_provider
  - a native artifact is an ELF (linux), Mach-O (darwin) or PE (windows) shared library for
    --os/--arch that exports mcpg_plugin_register and mcpg_plugin_abi_layout
  - a .wasm is a component (a core module only warns: the gateway will refuse it)
  - a native artifact embeds this same plugin.yaml (declare_plugin! includes it): a copy that
    differs in id, name, class, protocol major version or provides is an error, no copy a warning
  - a --signature is 64 raw bytes, and verifies when --key is given

Flags:
  -d, --descriptor <file>  plugin.yaml (required)
  -a, --artifact <file>    the plugin: .so, .dylib, .dll or .wasm; "-" reads stdin, recognised
                           by its content (required)
  -v, --version <version>  the plugin's version, used in the file name (required)
  -s, --signature <file>   raw 64-byte Ed25519 signature of the artifact (plugin-sign sign)
  -l, --license <file>     licence text; default: a LICENSE file beside the descriptor
      --key <key>          verify the signature with this public key: a file (PEM, raw 32
                           bytes, hex, ssh-ed25519 line) or 64 hex digits
      --os <os>            linux, darwin or windows; wasi for .wasm (default: what the artifact
                           is built for)
      --arch <arch>        amd64, arm64, musl-amd64 or musl-arm64; wasm for .wasm (default: the
                           artifact's)
  -o, --output <path>      the zip to write (default: mcpg-plugin-<NAME>_<VERSION>_<OS>_<ARCH>.zip
                           in the current directory, NAME being the id's last '.'-separated
                           part); an existing directory or a path ending in / receives that
                           name; missing directories are created; "-" is stdout (not a terminal)
      --json               print a JSON report on stdout instead of the receipt line
                           (artifact_sha256: what to pin; package_sha256: the zip; bare hex)
  -h, --help               show this help

Output: "packed: <path> (<n> bytes)" on stdout (on stderr with -o -); warnings on stderr.

Examples:
  plugin-pack pack -d plugin.yaml -a target/release/libgate.so -v 1.2.0 -s libgate.so.sig
  plugin-pack pack -d plugin.yaml -a gate.wasm -v 0.3.1 -o dist/
  plugin-pack pack -d plugin.yaml -a libgate.so -v 1.2.0 -o - | plugin-oci push - REF

Exit status: 0 packed; 1 a check failed (nothing was written); 2 usage, or the zip would replace
an input (by any name or link); 3 a file or stdout could not be read or written. With -o -, a
reader that stops early ends it by SIGPIPE.
`

type packOpts struct {
	descriptor, artifact, version, signature, license, key, goos, arch, output string
	json                                                                       bool
	modTime                                                                    int64
}

var versionPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+~-]*$`)

func runPack(env *cli.Env, args []string) error {
	var o packOpts
	fs := cli.NewFlagSet("plugin-pack pack", packHelp, env.Stdout)
	fs.StringVarP(&o.descriptor, "descriptor", "d", "", "")
	fs.StringVarP(&o.artifact, "artifact", "a", "", "")
	fs.StringVarP(&o.version, "version", "v", "", "")
	fs.StringVarP(&o.signature, "signature", "s", "", "")
	fs.StringVarP(&o.license, "license", "l", "", "")
	fs.StringVarP(&o.output, "output", "o", "", "")
	fs.StringVar(&o.key, "key", "", "")
	fs.StringVar(&o.goos, "os", "", "")
	fs.StringVar(&o.arch, "arch", "", "")
	fs.BoolVar(&o.json, "json", false, "")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, packHelp)
		return cli.Usagef("plugin-pack pack: missing --descriptor, --artifact and --version")
	}
	if err := cli.CheckArgs("plugin-pack pack", pos, 0, 0, ""); err != nil {
		return cli.WithHint(err, "inputs are given with --descriptor and --artifact; "+cli.SeeHelp("plugin-pack pack"))
	}
	var missing []string
	for _, f := range []struct{ name, val string }{{"--descriptor", o.descriptor}, {"--artifact", o.artifact}, {"--version", o.version}} {
		if f.val == "" {
			missing = append(missing, f.name)
		}
	}
	switch {
	case missing != nil:
		return cli.UsageHelpf("plugin-pack pack", "plugin-pack pack: %s required", plural(missing, "is", "are"))
	case !versionPattern.MatchString(o.version):
		return cli.Usagef("plugin-pack pack: --version %q: expected a version such as 1.2.0 (letters, digits, '.', '-', '+', '~'), since it becomes part of the file name", o.version)
	case o.key != "" && o.signature == "":
		return cli.Usagef("plugin-pack pack: --key verifies a --signature, and none was given")
	case o.json && o.output == "-":
		return cli.WithHint(cli.Usagef("plugin-pack pack: --json and -o - both write to stdout"), "choose one")
	case o.descriptor == "-":
		return cli.Usagef("plugin-pack pack: --descriptor must be a file (a LICENSE beside it is looked for)")
	}
	if err := cli.RefuseTerminal("plugin-pack pack", o.output, env.Stdout); err != nil {
		return err
	}
	if s := env.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		t, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || t < 0 {
			return cli.Usagef("plugin-pack pack: SOURCE_DATE_EPOCH=%q: expected a non-negative number of seconds since 1970", s)
		}
		o.modTime = t
	}
	p := &packRun{env: env, o: o, warn: &warnings{env: env}}
	return p.run()
}

func plural(names []string, one, many string) string {
	if len(names) == 1 {
		return names[0] + " " + one
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " " + many
}

// packRun is one pack invocation: its options and where its messages go. It is not filled in as
// the stages run: each stage returns what it produces and run hands that to the next.
type packRun struct {
	env  *cli.Env
	o    packOpts
	warn *warnings
}

// run checks every input before anything is written, in the order that decides which failure is
// reported first.
func (p *packRun) run() error {
	desc, err := p.loadDescriptor()
	if err != nil {
		return err
	}
	f, closeArt, err := fileio.OpenFile(p.o.artifact, p.env.Stdin)
	if err != nil {
		return err
	}
	defer closeArt()
	art, err := p.checkArtifact(desc, f)
	if err != nil {
		return err
	}
	sig, err := p.loadSignature()
	if err != nil {
		return err
	}
	lic, err := p.loadLicense()
	if err != nil {
		return err
	}
	return p.write(packInputs{desc: desc, art: art, sig: sig, lic: lic})
}
