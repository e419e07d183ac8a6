package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// Limits of docs/scaffold.md §3.2.
const (
	maxNameLen   = 48  // keeps package, crate and type names readable
	maxSchemeLen = 32  // provides_schemes items, schema limit
	maxIDLen     = 255 // plugin.v1 schema
)

var (
	namePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
)

// parseKind resolves --kind, refusing spellings the gateway refuses with advice.
func parseKind(value string) (kind, error) {
	if value == "" {
		return kind{}, cli.WithHint(cli.Usagef("new: --kind is required"), "run 'mcpg-plugins new --list-kinds' for the 21 kinds")
	}
	if k, ok := lookupKind(value); ok {
		return k, nil
	}
	err := cli.Usagef("new: --kind: unknown kind %s", textclip.Quote(value))
	if under := strings.ReplaceAll(value, "-", "_"); under != value {
		if k, ok := lookupKind(under); ok {
			return kind{}, cli.WithHint(cli.Usagef("new: --kind: %s is spelled with underscores, as the gateway's class strings are: %s", textclip.Quote(value), under),
				fmt.Sprintf("did you mean '--kind %s'? (the gateway refuses hyphenated classes)", k.Name))
		}
	}
	candidates := append(kindNames(), "identity_provider", "cluster_backend")
	if s := cli.Suggest(strings.ReplaceAll(value, "-", "_"), candidates); s != "" {
		return kind{}, cli.WithHint(err, fmt.Sprintf("did you mean '--kind %s'?", s))
	}
	return kind{}, cli.WithHint(err, "run 'mcpg-plugins new --list-kinds' for the 21 kinds")
}

// checkName applies the --name rules; what names the value in messages ("--name", "--id's last segment").
func checkName(what, name string) error {
	bad := func(format string, a ...any) error {
		return cli.WithHint(cli.Usagef("new: %s %s: %s", what, textclip.Quote(name), fmt.Sprintf(format, a...)),
			"use lowercase letters, digits and single '-' between words, starting with a letter (e.g. block-debug)")
	}
	switch {
	case name == "":
		return cli.Usagef("new: %s is empty", what)
	case len(name) > maxNameLen:
		return bad("longer than %d characters (%d)", maxNameLen, len(name))
	}
	for _, r := range name {
		switch {
		case r > unicode.MaxASCII:
			return bad("%q is not ASCII", r)
		case unicode.IsSpace(r):
			return bad("contains whitespace")
		case unicode.IsUpper(r):
			return cli.WithHint(cli.Usagef("new: %s %q: uppercase letters are not allowed", what, name),
				fmt.Sprintf("did you mean %q?", strings.ToLower(name)))
		case r == '_':
			return cli.WithHint(cli.Usagef("new: %s %q: '_' is not allowed (it collides with '-' in the library name and is not a URI-scheme character)", what, name),
				fmt.Sprintf("did you mean %q?", strings.ReplaceAll(name, "_", "-")))
		case r == '.' || r == '/' || r == '\\':
			return bad("%q is not allowed", r)
		case !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-'):
			return bad("%q is not allowed", r)
		}
	}
	switch {
	case name[0] >= '0' && name[0] <= '9':
		return bad("starts with a digit (the Rust type name would not be an identifier)")
	case name[0] == '-' || name[len(name)-1] == '-':
		return bad("starts or ends with '-'")
	case strings.Contains(name, "--"):
		return bad("contains '--'")
	case !namePattern.MatchString(name):
		return bad("does not match %s", namePattern)
	}
	return nil
}

// storeRoles are the gateway's own store roles. A store plugin's role is Custom(<name>), which
// crosses the plugin boundary as the bare string, so a name equal to one of these would claim the
// gateway's real state of that role.
var storeRoles = []string{"session", "task", "pipeline", "subscription", "replay"}

// checkKindName applies the rules a kind adds to --name.
func checkKindName(k kind, name string) error {
	if k.Name == "store" && slices.Contains(storeRoles, name) {
		return cli.WithHint(cli.Usagef("new: --name %q: a store's name is its custom role, and %s is the gateway's own role (the plugin would serve the gateway's %s state)", name, name, name),
			"pick another name, e.g. "+name+"-archive")
	}
	if !k.Schemes {
		return nil
	}
	if slices.Contains(descriptor.ReservedSchemes, name) {
		return cli.WithHint(cli.Usagef("new: --name %q: a %s's name is its URI scheme, and %s:// is reserved by the gateway", name, k.Name, name),
			"pick another name, e.g. vault or "+name+"-store")
	}
	if len(name) > maxSchemeLen {
		return cli.Usagef("new: --name %q: a %s's name is its URI scheme, at most %d characters (%d)", name, k.Name, maxSchemeLen, len(name))
	}
	return nil
}

// checkID applies the --id rules and returns warnings for ids that are valid but probably wrong.
func checkID(k kind, id string) (warnings []string, err error) {
	switch {
	case len(id) < 3 || len(id) > maxIDLen:
		return nil, cli.Usagef("new: --id %s: must be 3 to %d characters (%d)", textclip.Quote(id), maxIDLen, len(id))
	case !descriptor.ValidID(id):
		return nil, cli.WithHint(cli.Usagef("new: --id %q: not a reverse-DNS plugin id (%s)", id, descriptor.IDPattern),
			"e.g. com.example.block-debug: lowercase dot-separated segments, the first starting with a letter and without '_' or '-'")
	case strings.HasPrefix(id, descriptor.BuiltinIDPrefix):
		return nil, cli.Usagef("new: --id %q: %s* is reserved for the gateway's built-in plugins", id, descriptor.BuiltinIDPrefix)
	}
	if err := checkName("--id's last segment", id[strings.LastIndexByte(id, '.')+1:]); err != nil {
		return nil, err
	}
	if strings.HasPrefix(id, "dev.mcpg.") && !(k.Name == "cluster" && strings.HasPrefix(id, "dev.mcpg.cluster.")) {
		warnings = append(warnings, fmt.Sprintf("--id %s: dev.mcpg.* ids are the MCPG project's own plugins; a third-party plugin uses its own reverse-DNS prefix", id))
	}
	return warnings, nil
}

// clusterWarning explains why a cluster plugin outside dev.mcpg.cluster.* cannot be selected.
func clusterWarning(k kind, id, name string) string {
	if k.Name != "cluster" || strings.HasPrefix(id, "dev.mcpg.cluster.") {
		return ""
	}
	return fmt.Sprintf("the gateway selects a cluster plugin by 'cluster: {kind: <k>}' as plugin id dev.mcpg.cluster.<k>, so %s cannot be selected yet; pass --id dev.mcpg.cluster.%s to make it selectable", id, name)
}

// flavour resolves --runtime and --lang for kind k, refusing the combinations that cannot be built.
func (o newOptions) flavour(k kind) (runtime, lang string, err error) {
	runtime, lang = o.runtime, o.lang
	switch runtime {
	case runtimeNative, runtimeWasm:
	default:
		err := cli.Usagef("new: --runtime %s: not a runtime (native or wasm)", textclip.Quote(runtime))
		switch strings.ToLower(runtime) {
		case "wasi", "wasi-v1", "wasip2", "wasm32-wasip2", "component", "webassembly", "wasm":
			return "", "", cli.WithHint(err, "did you mean '--runtime wasm'? (plugin.yaml then says runtime: wasi-v1)")
		case "native-cdylib-v1", "cdylib", "so", "rust":
			return "", "", cli.WithHint(err, "did you mean '--runtime native'? (the default)")
		}
		return "", "", err
	}
	switch lang {
	case "", langRust, langJS:
	default:
		err := cli.Usagef("new: --lang %s: not a language new writes (rust or js)", textclip.Quote(lang))
		switch strings.ToLower(lang) {
		case "javascript", "node", "nodejs", "componentize-js", "jsx", "mjs":
			return "", "", cli.WithHint(err, "did you mean '--lang js'?")
		case "rs":
			return "", "", cli.WithHint(err, "did you mean '--lang rust'?")
		case "ts", "typescript":
			return "", "", cli.WithHint(err, "write JavaScript with '--lang js' (componentize-js takes a JavaScript module; compile TypeScript to it first)")
		}
		return "", "", err
	}
	if runtime == runtimeNative {
		if lang == langJS {
			return "", "", cli.WithHint(cli.Usagef("new: --lang js needs --runtime wasm: a native plugin is a Rust shared library"),
				fmt.Sprintf("add '--runtime wasm' (%s only)", strings.Replace(wasmKindList(), " and ", " or ", 1)))
		}
		return runtime, langRust, nil
	}
	if lang == "" {
		lang = langRust
	}
	if !k.Wasm {
		return "", "", cli.WithHint(cli.Usagef("new: --runtime wasm: a %s plugin cannot be a Wasm component; the gateway runs only %s plugins as Wasm", k.Name, wasmKindList()),
			"drop --runtime wasm for a native "+k.Name+" crate")
	}
	if o.sdkTagSet {
		return "", "", cli.WithHint(cli.Usagef("new: --sdk-tag pins the native SDK, which a Wasm component does not use"),
			"drop --sdk-tag; the component is built against wit/plugin.wit (mcpg:plugin@0.1.0)")
	}
	if o.withCI {
		return "", "", cli.WithHint(cli.Usagef("new: --with-ci writes the native crate's workflow; there is none for --runtime wasm yet"),
			"drop --with-ci; 'make check KEY=…' runs the same loop in any CI")
	}
	return runtime, lang, nil
}

// wasmKindList names the kinds that can be Wasm components: "tool_gate, transform and identity".
func wasmKindList() string {
	var names []string
	for _, k := range wasmKinds() {
		names = append(names, k.Name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
