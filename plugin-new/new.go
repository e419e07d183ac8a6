package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

const newHelp = `Usage: mcpg plugin new --kind <K> --name <N> [--id <ID>] [--out <DIR>]
                        [--runtime native|wasm] [--lang rust|js]
       plugin-new new --list-kinds [--json]

Scaffold a Rust plugin crate for the MCPG gateway: the unified declare_plugin! macro wired to a
typed, fail-closed config, a plugin.yaml equal to the in-code manifest, unit tests on the SDK's
MockGateway, and a Makefile whose targets run the whole loop with mcpg-plugins (build, sign, pack,
verify, test, push). tool_gate gets a complete gate (deny, identity, challenge, post-dispatch
rules); the 20 other kinds get every required method with a safe, clearly marked default.

The crate depends on mcpg-plugin-sdk, mcpg-plugin-protocol (and mcpg-cluster-api for cluster) by
git tag, as every MCPG plugin does: they are not published on crates.io. Offline or air-gapped,
build against local git mirrors or clones of them with 'make build SDK_MIRRORS=<dir>'.

With --runtime wasm, for the three kinds the gateway also runs as WebAssembly (tool_gate,
transform, identity), new writes a WASI preview-2 component project instead (plugin.yaml runtime
wasi-v1): the gateway's WIT contract in wit/plugin.wit, the same gate rules (transform and identity:
safe stubs), unit tests, and a Makefile whose loop builds plugin.wasm, packs it and runs it in the
mock gateway ('make build test'). It is a Rust crate on wit-bindgen built for wasm32-wasip2, or with
--lang js a JavaScript module made a component by componentize-js (Node.js and npm).

Flags:
  -k, --kind <kind>     one of the 21 kinds (--list-kinds); identity_provider and
                        cluster_backend are accepted for identity and cluster (required)
  -n, --name <name>     lowercase words joined by '-', starting with a letter, at most 48
                        characters, e.g. block-debug (required)
      --id <id>         the plugin id (default dev.example.<kind>.<name>): reverse-DNS,
                        lowercase; dev.mcpg.builtin.* is reserved
  -o, --out <dir>       the crate directory to create (default ./mcpg-plugin-<kind>-<name>, the
                        kind with '-'); it must not exist or be empty, and is created in one
                        step: nothing is left behind on an error or Ctrl-C
      --runtime <rt>    native (default): a shared library on the SDK; wasm: a WebAssembly
                        component (tool_gate, transform and identity only)
      --lang <lang>     the language of a --runtime wasm project: rust (default; wit-bindgen,
                        wasm32-wasip2) or js (componentize-js)
      --sdk-tag <tag>   the git tag of the SDK repositories to pin (default ` + DefaultSDKTag + `,
                        the release the current gateway is built with: the ABI layouts must match);
                        native only
      --with-ci         also write .github/workflows/ci.yml: lint, build, test on every push;
                        on a v* tag, sign with the key in the PLUGIN_SIGNING_KEY secret, pack and
                        push (with the tags the gateway resolves) to the PLUGIN_REGISTRY registry;
                        native only
      --dry-run         print what would be created and write nothing
      --list-kinds      print the kinds: class, declare_plugin! keyword, trait, Wasm world
      --json            print the result (or the kinds) as one JSON document
  -h, --help            show this help

Output: the files created and the next commands to run.

Examples:
  mcpg-plugins new --kind tool_gate --name block-debug
  mcpg-plugins new --kind secret_provider --name vault --id com.example.secrets.vault
  mcpg-plugins new --kind cluster --name redis --id dev.mcpg.cluster.redis --out plugins/redis
  mcpg-plugins new --kind tool_gate --name block-debug --runtime wasm
  mcpg-plugins new --kind transform --name mask --runtime wasm --lang js

Exit status: 0 created; 1 the target exists and is not empty; 2 usage (an invalid kind, name, id
or combination of flags); 3 the directory could not be written.
`

var sdkTagPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$`)

type newOptions struct {
	kind, name, id, out, sdkTag string
	runtime, lang               string
	withCI, dryRun, listKinds   bool
	json                        bool
	sdkTagSet                   bool // --sdk-tag was given
}

func runNew(env *cli.Env, args []string) error {
	var o newOptions
	fs := cli.NewFlagSet("plugin-new new", newHelp, env.Stdout)
	fs.StringVarP(&o.kind, "kind", "k", "", "")
	fs.StringVarP(&o.name, "name", "n", "", "")
	fs.StringVar(&o.id, "id", "", "")
	fs.StringVarP(&o.out, "out", "o", "", "")
	fs.StringVar(&o.runtime, "runtime", runtimeNative, "")
	fs.StringVar(&o.lang, "lang", "", "")
	fs.StringVar(&o.sdkTag, "sdk-tag", DefaultSDKTag, "")
	fs.BoolVar(&o.withCI, "with-ci", false, "")
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	fs.BoolVar(&o.listKinds, "list-kinds", false, "")
	fs.BoolVar(&o.json, "json", false, "")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs("new", pos, 0, 0, ""); err != nil {
		return err
	}
	o.sdkTagSet = fs.Visited("sdk-tag")
	if o.listKinds {
		return listKinds(env, o.json)
	}
	c, warnings, err := o.crate()
	if err != nil {
		return err
	}
	dir := o.out
	if dir == "" {
		dir = c.Package
	}
	if err := checkTarget(dir); err != nil {
		return err
	}
	files, err := render(c)
	if err != nil {
		return cli.Failf("new: %v", err) // a broken template is a bug of this tool
	}
	for _, w := range warnings {
		env.Warnf("%s", w)
	}
	if !o.dryRun {
		if err := writeCrate(dir, files); err != nil {
			return err
		}
	}
	return report(env, o, c, dir, files)
}

// crate validates the flags and derives the crate; nothing is written before this passes.
func (o newOptions) crate() (crate, []string, error) {
	k, err := parseKind(o.kind)
	if err != nil {
		return crate{}, nil, err
	}
	runtime, lang, err := o.flavour(k)
	if err != nil {
		return crate{}, nil, err
	}
	if o.name == "" {
		return crate{}, nil, cli.WithHint(cli.Usagef("new: --name is required"), "e.g. --name block-debug")
	}
	if err := checkName("--name", o.name); err != nil {
		return crate{}, nil, err
	}
	if err := checkKindName(k, o.name); err != nil {
		return crate{}, nil, err
	}
	id := o.id
	if id == "" {
		id = "dev.example." + k.Name + "." + o.name
	}
	warnings, err := checkID(k, id)
	if err != nil {
		return crate{}, nil, err
	}
	if w := clusterWarning(k, id, o.name); w != "" {
		warnings = append(warnings, w)
	}
	if runtime == runtimeWasm {
		return newWasmCrate(k, o.name, id, lang), warnings, nil
	}
	if !sdkTagPattern.MatchString(o.sdkTag) {
		return crate{}, nil, cli.WithHint(cli.Usagef("new: --sdk-tag %s: not a release tag", textclip.Quote(o.sdkTag)), "e.g. --sdk-tag "+DefaultSDKTag)
	}
	return newCrate(k, o.name, id, o.sdkTag, o.withCI), warnings, nil
}

// checkTarget refuses a target that exists and is not an empty directory, before anything is made.
func checkTarget(dir string) error {
	st, err := os.Lstat(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return cli.Failf("new: %s exists and is not a directory; nothing was written", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return cli.WithHint(cli.Failf("new: %s exists and is not empty (%d entries); nothing was written", dir, len(entries)),
			"pick another --out or --name; new never overwrites")
	}
	return nil
}

// stagedHook, set only by tests, runs once every file is staged and before the rename.
var stagedHook func(staging string)

// writeCrate writes files into a staging directory beside dir and renames it into place.
func writeCrate(dir string, files []file) error {
	staged, err := fileio.StageDir(dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(staged.Path, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			staged.Abort()
			return err
		}
		if err := os.WriteFile(p, f.Data, f.Mode); err != nil {
			staged.Abort()
			return &os.PathError{Op: "write", Path: filepath.Join(dir, f.Path), Err: unwrapPathError(err)}
		}
	}
	if stagedHook != nil {
		stagedHook(staged.Path)
	}
	if err := staged.Commit(); err != nil {
		staged.Abort()
		return err
	}
	return nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

type newReport struct {
	Dir       string   `json:"dir"`
	Package   string   `json:"package"`
	Crate     string   `json:"crate,omitempty"`
	Artifact  string   `json:"artifact"`
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Class     string   `json:"class"`
	Runtime   string   `json:"runtime"`
	Lang      string   `json:"lang"`
	Keyword   string   `json:"keyword,omitempty"`
	SDKTag    string   `json:"sdk_tag,omitempty"`
	World     string   `json:"world,omitempty"`
	DryRun    bool     `json:"dry_run,omitempty"`
	Files     []string `json:"files"`
	NextSteps []string `json:"next_steps"`
}

func report(env *cli.Env, o newOptions, c crate, dir string, files []file) error {
	r := newReport{
		Dir: dir, Package: c.Package, Crate: c.Crate, Artifact: c.Artifact(),
		ID: c.ID, Name: c.DisplayName, Kind: c.Kind.Name, Class: c.Kind.Class,
		Runtime: c.Runtime, Lang: c.Lang, Keyword: c.Kind.Keyword, SDKTag: c.SDKTag, DryRun: o.dryRun,
	}
	if c.Runtime == runtimeWasm {
		r.Keyword, r.SDKTag, r.World = "", "", c.World
		if c.Lang == langJS {
			r.Crate = ""
		}
	}
	for _, f := range files {
		r.Files = append(r.Files, f.Path)
	}
	// Each step: the command, and what it does.
	var steps [][2]string
	if c.Runtime == runtimeWasm {
		build := "cargo build --release --target wasm32-wasip2 → plugin.wasm; cargo test; pack; mcpg-plugins test"
		check := "lint, then sign, pack, test and verify the signed package"
		if c.Lang == langJS {
			build = "npm ci; componentize-js → plugin.wasm; node --test; pack; mcpg-plugins test"
			check = "sign, pack, test and verify the signed package"
		}
		steps = [][2]string{
			{"cd " + shellQuote(dir), ""},
			{"make build test", build},
			{"make check KEY=<ed25519 key>", check},
			{"make release KEY=<ed25519 key> REF=<registry>/<repo>", ""},
		}
	} else {
		steps = [][2]string{
			{"cd " + shellQuote(dir), ""},
			{"make build test", "cargo build --release → " + r.Artifact + "; cargo test"},
			{"make check KEY=<ed25519 key>", "sign, pack, verify and load it in the mock gateway (mcpg-plugins test)"},
			{"make release KEY=<ed25519 key> REF=<registry>/<repo>", ""},
		}
	}
	for _, s := range steps {
		r.NextSteps = append(r.NextSteps, s[0])
	}
	if o.json {
		return cli.WriteJSON(env.Stdout, r)
	}
	w := env.Stdout
	verb := "Created"
	if o.dryRun {
		verb = "Would create"
	}
	flavour := ""
	if c.Runtime == runtimeWasm {
		flavour = ", a Wasm component in " + map[string]string{langRust: "Rust", langJS: "JavaScript"}[c.Lang]
	}
	fmt.Fprintf(w, "%s %s (%s plugin %s%s)\n", verb, dir, c.Kind.Class, c.ID, flavour)
	for _, f := range files {
		fmt.Fprintf(w, "  %s\n", f.Path)
	}
	fmt.Fprintf(w, "\nNext:\n")
	fmt.Fprintf(w, "  %s\n", steps[0][0])
	fmt.Fprintf(w, "  %-22s # %s\n", steps[1][0], steps[1][1])
	fmt.Fprintf(w, "  %-22s # %s\n", "make check KEY=…", steps[2][1])
	fmt.Fprintf(w, "  make release KEY=… REF=registry.example.com/plugins/%s\n", c.IDLast)
	if c.Runtime == runtimeWasm {
		fmt.Fprintf(w, "Signing is optional for Wasm plugins (pack signs when KEY is set). Keys: openssl genpkey -algorithm ed25519 -out signing.pem\n")
	} else {
		fmt.Fprintf(w, "Offline: make build SDK_MIRRORS=<dir of mcpg-dev git mirrors>. Keys: openssl genpkey -algorithm ed25519 -out signing.pem\n")
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

type kindRow struct {
	Kind      string `json:"kind"`
	Class     string `json:"class"`
	Keyword   string `json:"keyword"`
	Trait     string `json:"trait"`
	Wasm      bool   `json:"wasm_capable"`
	WasmWorld string `json:"wasm_world,omitempty"`
	Static    bool   `json:"static_firstparty"`
}

func listKinds(env *cli.Env, asJSON bool) error {
	rows := make([]kindRow, len(kinds))
	for i, k := range kinds {
		rows[i] = kindRow{k.Name, k.Class, k.Keyword, "mcpg_plugin_sdk::ffi::" + k.Trait, k.Wasm, k.WasmWorld, k.StaticPath}
	}
	if asJSON {
		return cli.WriteJSON(env.Stdout, rows)
	}
	fmt.Fprintf(env.Stdout, "%-18s %-18s %-18s %-24s %s\n", "KIND", "CLASS", "KEYWORD", "TRAIT", "WASM")
	for _, r := range rows {
		wasm := "-"
		if r.Wasm {
			wasm = "yes (" + r.WasmWorld + ")"
		}
		fmt.Fprintf(env.Stdout, "%-18s %-18s %-18s %-24s %s\n", r.Kind, r.Class, r.Keyword, r.Trait[len("mcpg_plugin_sdk::ffi::"):], wasm)
	}
	return nil
}
