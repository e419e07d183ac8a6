package mcpgconfig

import (
	"path/filepath"
	"strings"
	"testing"
)

// load_many (mcpg src/config/mod.rs): later layers win, mappings deep-merge, sequences replace.
func TestMergeLayers(t *testing.T) {
	base := filepath.Join("testdata", "layers", "base.yaml")
	prod := filepath.Join("testdata", "layers", "prod", "override.yaml")
	c, err := Load([]string{base, prod}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.OK() {
		t.Fatalf("unexpected errors: %v", c.Errors())
	}
	r := c.Registry
	if r.DefaultRegistry != "registry.base.example/plugins" || r.DefaultRegistryFrom != "yaml" || r.DefaultRegistryPos.File != base {
		t.Errorf("default registry %q from %q at %v", r.DefaultRegistry, r.DefaultRegistryFrom, r.DefaultRegistryPos)
	}
	if r.CacheDir != "/var/cache/base" || r.CacheDirPos != (Pos{base, 5, 16}) {
		t.Errorf("cache_dir %q at %v", r.CacheDir, r.CacheDirPos)
	}
	if r.DefaultSignaturePolicy != PolicyEnforce || r.DefaultPolicyPos != (Pos{prod, 4, 31}) {
		t.Errorf("policy %q at %v", r.DefaultSignaturePolicy, r.DefaultPolicyPos)
	}
	if len(r.Mirrors) != 1 || r.Mirrors[0].URL != "mirror-prod.example" || r.Mirrors[0].Pos.File != prod {
		t.Errorf("mirrors not replaced: %+v", r.Mirrors)
	}
	if len(c.Plugins) != 1 || c.Plugins[0].Alias != "prod-gate" {
		t.Fatalf("plugins not replaced: %+v", c.Plugins)
	}
	p := c.Plugins[0]
	want, _ := filepath.Abs(filepath.Join("testdata", "layers", "plugins", "gate.so"))
	if p.SourcePathLayerRelative != want {
		t.Errorf("source path next to the layer %q, want %q", p.SourcePathLayerRelative, want)
	}
	// the gateway opens a relative source.path against its working directory
	// (src/app/plugin_registry/mod.rs: Path::new(path).exists())
	c2, _ := Load([]string{base, prod}, nil, Options{WorkDir: "/srv/mcpg"})
	if got := c2.Plugins[0].SourcePathResolved; got != "/srv/plugins/gate.so" {
		t.Errorf("source path resolved %q", got)
	}
	if w := c2.Warnings(); len(w) != 1 || !strings.Contains(w[0].Message, "relative") {
		t.Errorf("want one relative-path warning, got %v", w)
	}
	if p.Policy != PolicyEnforce || !p.PolicyInherited || !p.KeysInherited || p.SHA256 != "aa" {
		t.Errorf("resolved signature: %+v", p)
	}
	if got := p.FieldPos("signature.sha256"); got != (Pos{prod, 10, 26}) {
		t.Errorf("sha256 pos %v", got)
	}
}

func TestEnvOverlay(t *testing.T) {
	base := filepath.Join("testdata", "layers", "base.yaml")
	env := []string{
		"MCPG_GATEWAY__PLUGIN_REGISTRY__DEFAULT_SIGNATURE_POLICY=disabled",
		"mcpg_gateway__plugin_registry__cache_dir= /env/cache ", // prefix matched case-insensitively, value trimmed
		"MCPG_PLUGINS=[{id=from-env, kind=wasm, source={oci=\"x/y:1\"}}]",
		"MCPG_STATE_DIR=/ignored",          // not a config root: never merged
		"MCPG_NOT_A_ROOT__X=1",             // ditto
		"MCPG_DEFAULT_PLUGIN_REGISTRY=zzz", // loses to the YAML key
		"OTHER=1",
	}
	c, err := Load([]string{base}, env, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.OK() {
		t.Fatalf("errors: %v", c.Errors())
	}
	r := c.Registry
	if r.DefaultSignaturePolicy != PolicyDisabled || r.DefaultPolicyPos.File != "$MCPG_GATEWAY__PLUGIN_REGISTRY__DEFAULT_SIGNATURE_POLICY" {
		t.Errorf("policy %q at %v", r.DefaultSignaturePolicy, r.DefaultPolicyPos)
	}
	if r.CacheDir != "/env/cache" {
		t.Errorf("cache dir %q", r.CacheDir)
	}
	if r.DefaultRegistry != "registry.base.example/plugins" {
		t.Errorf("YAML default_registry must win over MCPG_DEFAULT_PLUGIN_REGISTRY, got %q", r.DefaultRegistry)
	}
	if len(c.Plugins) != 1 || c.Plugins[0].Alias != "from-env" || c.Plugins[0].Kind != "wasm" || c.Plugins[0].OCI != "x/y:1" {
		t.Fatalf("plugins from env: %+v", c.Plugins)
	}
	if c.Plugins[0].Policy != PolicyDisabled {
		t.Errorf("inherited policy %q", c.Plugins[0].Policy)
	}

	// --no-env: the overlay is skipped
	c, _ = Load([]string{base}, env, Options{NoEnv: true})
	if c.Registry.DefaultSignaturePolicy != PolicyWarn || len(c.Plugins) != 1 || c.Plugins[0].Alias != "base-only" {
		t.Errorf("NoEnv still applied the overlay: %+v", c.Registry)
	}
}

// An index path from the environment makes a map where the gateway wants the plugins sequence
// (checked against figment 0.10.19: `invalid type: found map, expected a sequence for key "PLUGINS"`).
func TestEnvIndexPath(t *testing.T) {
	c, _ := LoadBytes([]Layer{{"a.yaml", []byte("plugins:\n  - id: a\n    source: {path: x}\n")}},
		[]string{"MCPG_PLUGINS__0__KIND=wasm"}, Options{})
	errs := c.Errors()
	if len(errs) != 1 || errs[0].Message != `invalid type: found map, expected a sequence for key "PLUGINS"` || errs[0].File != "$MCPG_PLUGINS__0__KIND" {
		t.Fatalf("got %v", errs)
	}
}

func TestDefaultRegistry(t *testing.T) {
	for _, tc := range []struct{ env, want, from string }{
		{"", DefaultPluginRegistry, "default"},
		{"   ", DefaultPluginRegistry, "default"},
		{"/", DefaultPluginRegistry, "default"},
		{"  registry.airgap.internal/mcpg/plugins/  ", "registry.airgap.internal/mcpg/plugins", "env"},
	} {
		// resolve_default_plugin_registry reads the variable even under --no-env (it is the serde
		// default of the key, not part of the overlay)
		c, err := LoadBytes([]Layer{{"a.yaml", []byte("plugins: []\n")}}, []string{"MCPG_DEFAULT_PLUGIN_REGISTRY=" + tc.env}, Options{NoEnv: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.Registry.DefaultRegistry != tc.want || c.Registry.DefaultRegistryFrom != tc.from {
			t.Errorf("env %q: got %q from %q", tc.env, c.Registry.DefaultRegistry, c.Registry.DefaultRegistryFrom)
		}
	}
}

func TestLayerNames(t *testing.T) {
	sep := string(filepath.ListSeparator)
	// MCPG_CONFIG items are all files (src/main.rs split_paths), an empty item included
	files, nc := LayerNames(nil, []string{"MCPG_CONFIG=a.yaml" + sep + sep + "b.yaml"})
	if strings.Join(files, ",") != "a.yaml,,b.yaml" || len(nc) != 0 {
		t.Errorf("MCPG_CONFIG files %q %q", files, nc)
	}
	args := []string{"a.yaml", "file:///etc/b.yaml", "https://user:tok@cfg.example/c.yaml?sig=secret", "base64:cGx1Z2luczogW10K", "data:text/yaml;base64,cGx1Z2luczogW10K"}
	files, nc = LayerNames(args, []string{"MCPG_CONFIG=x.yaml"})
	if strings.Join(files, ",") != "a.yaml,/etc/b.yaml" {
		t.Errorf("files %q", files)
	}
	if len(nc) != 3 || strings.Contains(strings.Join(nc, " "), "tok") || strings.Contains(strings.Join(nc, " "), "secret") {
		t.Errorf("not checked %q (secrets must not appear)", nc)
	}
	if _, err := Load(nil, nil, Options{}); err == nil {
		t.Error("no layers: want an error")
	}
	if _, err := Load([]string{"testdata/nope.yaml"}, nil, Options{}); err == nil || err.Error() != "config file not found: testdata/nope.yaml" {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Load(nil, []string{"MCPG_CONFIG=" + sep}, Options{}); err == nil || err.Error() != "config file not found: " {
		t.Errorf("empty MCPG_CONFIG item: %v", err)
	}
	c, err := Load([]string{"https://cfg.example/only.yaml"}, nil, Options{})
	if err != nil || len(c.Layers) != 0 || len(c.NotChecked) != 2 {
		t.Errorf("remote-only: %v %+v", err, c)
	}
}

// The plugin-entry shapes of mcpg config.example.yaml (valid values) load without errors, and every
// resolved value the next stage needs is there.
func TestExampleShapes(t *testing.T) {
	c, err := Load([]string{"testdata/example.yaml"}, nil, Options{WorkDir: "/srv/mcpg"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.OK() || len(c.Plugins) != 4 || len(c.Warnings()) != 3 { // warn policy + two relative paths
		t.Fatalf("errors %v warnings %v", c.Errors(), c.Warnings())
	}
	cedar := c.Plugins[2]
	if cedar.ManifestID != "dev.mcpg.policy.cedar" || cedar.Class != "policy_engine" || cedar.Policy != PolicyWarn ||
		cedar.PolicyInherited || cedar.KeysInherited || len(cedar.TrustedKeys) != 1 || len(cedar.GrantedCapabilities) != 3 ||
		cedar.FFILimits == nil || *cedar.FFILimits.MaxPayloadBytes != 262144 || cedar.OCI == "" {
		t.Errorf("cedar: %+v", cedar)
	}
	if g := cedar.GrantedCapabilities[1]; g.Type != "secrets_read" || strings.Join(g.Schemes, ",") != "vault,aws-sm" {
		t.Errorf("capability %+v", g)
	}
	rl := c.Plugins[1]
	if string(rl.ConfigJSON) != `{"default_burst":null,"default_limit":100,"rules":[{"limit":10,"tools":["billing.*"]}]}` {
		t.Errorf("config JSON %s", rl.ConfigJSON)
	}
	if rl.SourcePathResolved != "/srv/mcpg/plugins/librate_limit.so" {
		t.Errorf("resolved %q", rl.SourcePathResolved)
	}
	w := c.Plugins[3]
	if w.Kind != "wasm" || w.Limits == nil || *w.Limits.MemoryMB != 64 || !w.Enforce || w.Disabled {
		t.Errorf("wasm entry %+v", w)
	}
	if c.Registry.CacheDir != "/var/cache/mcpg/plugins/oci" || len(c.Registry.Mirrors) != 1 || c.Registry.DefaultRegistry != DefaultPluginRegistry {
		t.Errorf("registry %+v", c.Registry)
	}
}
