package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/mcpgconfig"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
	"github.com/mcpg-dev/mcpg-plugins/shared/revocation"
)

const gateYAML = `schema: mcpg.dev/plugin/v1
id: com.example.gate
name: Example Gate
class: tool_gate
runtime: native-cdylib-v1
protocol_version: "1.0"
`

const wasmYAML = `schema: mcpg.dev/plugin/v1
id: com.example.wgate
name: Example Wasm Gate
class: tool_gate
runtime: wasi-v1
protocol_version: "1.0"
`

var (
	soBytes        = []byte("plugin artifact bytes")
	componentBytes = append([]byte("\x00asm\x0d\x00\x01\x00"), []byte("component body")...)
	coreBytes      = append([]byte("\x00asm\x01\x00\x00\x00"), []byte("core body")...)
)

type fixture struct {
	dir  string
	priv ed25519.PrivateKey
	pem  string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	seed := bytes.Repeat([]byte{42}, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	return &fixture{dir: t.TempDir(), priv: priv, pem: keys.PublicKeyPEM(priv.Public().(ed25519.PublicKey))}
}

// pack writes name (a package zip) holding desc and art, signed when sign is set.
func (f *fixture) pack(t *testing.T, name, desc string, art []byte, sign bool) string {
	t.Helper()
	in := pkgzip.PackInput{Descriptor: []byte(desc), Artifact: bytes.NewReader(art), ArtifactName: pkgzip.EntryNative}
	if strings.Contains(desc, "wasi-v1") {
		in.ArtifactName = pkgzip.EntryWasm
	}
	if sign {
		in.Signature = ed25519.Sign(f.priv, art)
	}
	path := filepath.Join(f.dir, name)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := pkgzip.Write(out, in); err != nil {
		t.Fatal(err)
	}
	return path
}

// entry is a valid enforce entry for com.example.gate at path, trusting the fixture's key.
func (f *fixture) entry(path string) mcpgconfig.Plugin {
	return mcpgconfig.Plugin{Alias: "com.example.gate", ManifestID: "com.example.gate", Kind: "native", Class: "tool_gate",
		SourcePath: path, Policy: mcpgconfig.PolicyEnforce, Enforce: true, Valid: true,
		TrustedKeys: []mcpgconfig.TrustedKey{{ID: "release", PEM: f.pem}}}
}

func run(t *testing.T, g *gateway, p mcpgconfig.Plugin) *entryResult {
	t.Helper()
	if g == nil {
		g = &gateway{}
	}
	rep := check(nil, g, &mcpgconfig.Config{Plugins: []mcpgconfig.Plugin{p}}, checkOptions{})
	return rep.Entries[0]
}

func wantStatus(t *testing.T, r *entryResult, status string, substrings ...string) {
	t.Helper()
	var all strings.Builder
	for _, f := range r.Findings {
		all.WriteString(f.Severity + ": " + f.Message + " | fix: " + f.Fix + "\n")
	}
	if r.Status != status {
		t.Fatalf("status %s, want %s\n%s", r.Status, status, all.String())
	}
	for _, s := range substrings {
		if !strings.Contains(all.String(), s) {
			t.Errorf("findings lack %q:\n%s", s, all.String())
		}
	}
}

func TestGoodPackageLoads(t *testing.T) {
	f := newFixture(t)
	p := f.entry(f.pack(t, "gate.zip", gateYAML, soBytes, true))
	p.SHA256 = digest.Of(soBytes).Hex()
	r := run(t, nil, p)
	wantStatus(t, r, statusLoads)
	if r.Signature != "verified" || r.ArtifactSHA256 != p.SHA256 || r.Form != "package" {
		t.Errorf("result %+v", r)
	}
	// the same key twice, after another: hashed once, and still found
	other, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	p.TrustedKeys = []mcpgconfig.TrustedKey{{ID: "other", PEM: keys.PublicKeyPEM(other)}, p.TrustedKeys[0], p.TrustedKeys[0]}
	if r := run(t, nil, p); r.Signature != "verified" {
		t.Errorf("with the key listed twice: %+v", r)
	}
	if got := distinct([]ed25519.PublicKey{{1}, {2}, {1}}); len(got) != 2 {
		t.Errorf("distinct kept %d keys of 2", len(got))
	}
}

// native.rs verify_native_artifact: the pin is compared as an exact string with the artifact's
// lowercase hex.
func TestPins(t *testing.T) {
	f := newFixture(t)
	zip := f.pack(t, "gate.zip", gateYAML, soBytes, true)
	zd, _, _ := digest.File(zip)
	art := digest.Of(soBytes).Hex()
	for pin, want := range map[string]string{
		zd.Hex():                "that is the package's digest, not the artifact's",
		"sha256:" + zd.Hex():    "that is the package's digest, not the artifact's",
		strings.ToUpper(art):    "bare lowercase hex",
		"sha256:" + art:         "bare lowercase hex",
		strings.Repeat("0", 64): "the artifact is not the one pinned",
	} {
		p := f.entry(zip)
		p.SHA256 = pin
		wantStatus(t, run(t, nil, p), statusRefused, "artifact hash mismatch for '"+zip+":plugin.so': expected "+pin+", got "+art, want)
	}
}

func TestSignaturePolicies(t *testing.T) {
	f := newFixture(t)
	unsigned := f.pack(t, "unsigned.zip", gateYAML, soBytes, false)
	p := f.entry(unsigned)
	wantStatus(t, run(t, nil, p), statusRefused, "signature verification failed under policy `enforce`: no valid signature for", "no plugin.sig")
	p.Policy = mcpgconfig.PolicyWarn
	wantStatus(t, run(t, nil, p), statusRefused, "under policy `warn` (trusted keys configured — treated as enforce)")
	p.Policy = mcpgconfig.PolicyDisabled
	r := run(t, nil, p)
	wantStatus(t, r, statusWarning, "signature policy `disabled`")
	if r.Signature != "skipped" {
		t.Errorf("signature %q", r.Signature)
	}
	// inherited keys: plugin_registry.trusted_keys plus the official key; ours is not among them
	p = f.entry(f.pack(t, "gate.zip", gateYAML, soBytes, true))
	p.TrustedKeys, p.KeysInherited = nil, true
	wantStatus(t, run(t, nil, p), statusRefused, "not by any trusted key")
	p.TrustedKeys = []mcpgconfig.TrustedKey{{ID: "ours", PEM: f.pem}}
	wantStatus(t, run(t, nil, p), statusLoads)
}

// verify.rs decode_pem_ed25519_public_key: PEM SPKI only.
func TestTrustedKeyForms(t *testing.T) {
	f := newFixture(t)
	p := f.entry(f.pack(t, "gate.zip", gateYAML, soBytes, true))
	pub := f.priv.Public().(ed25519.PublicKey)
	p.TrustedKeys[0].PEM = hex.EncodeToString(pub)
	wantStatus(t, run(t, nil, p), statusRefused, "plugin 'com.example.gate' signature.trusted_keys[id=release]: PEM decode failed", "-----BEGIN PUBLIC KEY-----")
	p.TrustedKeys[0].PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEICoqKioqKioqKioqKioqKioqKioqKioqKioqKioqKioq\n-----END PRIVATE KEY-----\n"
	wantStatus(t, run(t, nil, p), statusRefused, "PEM decode failed")
	p.TrustedKeys[0].PEM = "  \n" + f.pem + "\n\n"
	wantStatus(t, run(t, nil, p), statusLoads)
}

func TestRefAndClass(t *testing.T) {
	f := newFixture(t)
	zip := f.pack(t, "gate.zip", gateYAML, soBytes, true)
	p := f.entry(zip)
	p.Alias, p.ManifestID = "gate", "gate"
	wantStatus(t, run(t, nil, p), statusRefused,
		`plugin alias 'gate': packaged descriptor declares manifest id "com.example.gate" but entry expects ref 'gate'`, "add ref: com.example.gate")
	p.Ref, p.ManifestID = "com.example.gate", "com.example.gate"
	wantStatus(t, run(t, nil, p), statusLoads)
	p.Class = "transform"
	wantStatus(t, run(t, nil, p), statusWarning, "registers the package's class")
	p.Class, p.Kind = "tool_gate", "wasm"
	wantStatus(t, run(t, nil, p), statusWarning, "ignores kind")
}

func TestWasmFeature(t *testing.T) {
	f := newFixture(t)
	zip := f.pack(t, "wgate.zip", wasmYAML, componentBytes, true)
	p := f.entry(zip)
	p.Alias, p.ManifestID, p.Kind = "com.example.wgate", "com.example.wgate", "wasm"
	wantStatus(t, run(t, nil, p), statusWarning, "whether the target gateway has it is unknown")
	yes, no := true, false
	wantStatus(t, run(t, &gateway{wasm: &yes}, p), statusLoads)
	wantStatus(t, run(t, &gateway{wasm: &no}, p), statusRefused, "plugin 'com.example.wgate': WASI package but this gateway build has no wasm-plugins feature")
	p.SourcePath = f.pack(t, "core.zip", wasmYAML, coreBytes, true)
	wantStatus(t, run(t, &gateway{wasm: &yes}, p), statusRefused, "not a component")
}

func TestCapabilities(t *testing.T) {
	f := newFixture(t)
	desc := gateYAML + "required_capabilities:\n  - network_outbound\n  - {type: filesystem_read, paths: [/etc/a, /etc/b]}\n"
	p := f.entry(f.pack(t, "gate.zip", desc, soBytes, true))
	wantStatus(t, run(t, nil, p), statusRefused,
		`plugin "com.example.gate" requires capabilities ["network_outbound", "filesystem_read"] that have not been granted`,
		"granted_capabilities: [network_outbound, {type: filesystem_read, paths: [/etc/a, /etc/b]}]")
	p.GrantedCapabilities = []mcpgconfig.Capability{{Capability: descriptor.Capability{Type: "network_outbound"}},
		{Capability: descriptor.Capability{Type: "filesystem_read", Paths: []string{"/etc/a"}}}}
	wantStatus(t, run(t, nil, p), statusRefused, `requires capabilities ["filesystem_read"]`)
	p.GrantedCapabilities[1].Paths = append(p.GrantedCapabilities[1].Paths, "/etc/b", "/etc/c")
	wantStatus(t, run(t, nil, p), statusLoads)
}

func TestRevoked(t *testing.T) {
	f := newFixture(t)
	p := f.entry(f.pack(t, "gate.zip", gateYAML, soBytes, true))
	list, err := revocation.Parse("rev.json", []byte(`{"version":1,"revocations":[{"artifact_sha256":"`+digest.Of(soBytes).Hex()+`","reason":"compromised","revoked_at":"2026-01-02T03:04:05Z"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, run(t, &gateway{revocation: list}, p), statusRefused,
		"native plugin '"+p.SourcePath+":plugin.so' is revoked: compromised (artifact_sha256 "+digest.Of(soBytes).Hex()+", revoked_at 2026-01-02T03:04:05Z)")
}

func TestPaths(t *testing.T) {
	f := newFixture(t)
	f.pack(t, "gate.zip", gateYAML, soBytes, true)
	p := f.entry("gate.zip")
	p.SourcePathResolved = filepath.Join(f.dir, "gate.zip")
	// the gateway opens it from its working directory; from elsewhere it is not found
	wantStatus(t, run(t, &gateway{workdir: t.TempDir()}, p), statusRefused,
		"plugin 'com.example.gate': package not found at gate.zip", "not from the config file's; the file is at "+p.SourcePathResolved)
	wantStatus(t, run(t, &gateway{workdir: f.dir}, p), statusLoads)
	// a zip under another name is loaded as a loose artifact by the gateway
	os.Rename(filepath.Join(f.dir, "gate.zip"), filepath.Join(f.dir, "gate.so"))
	p.SourcePath = "gate.so"
	wantStatus(t, run(t, &gateway{workdir: f.dir}, p), statusRefused, "does not end in \".zip\"")
}

func TestLooseArtifacts(t *testing.T) {
	f := newFixture(t)
	so := filepath.Join(f.dir, "libgate.so")
	os.WriteFile(so, soBytes, 0o644)
	p := f.entry(so)
	wantStatus(t, run(t, nil, p), statusRefused, "no valid signature for '"+so+"'")
	os.WriteFile(so+".sig", ed25519.Sign(f.priv, soBytes), 0o644)
	r := run(t, nil, p)
	wantStatus(t, r, statusLoads, "not loaded")
	// a loose wasm artifact needs its sidecar descriptor, whose id must be the entry's ref
	w := filepath.Join(f.dir, "gate.wasm")
	os.WriteFile(w, componentBytes, 0o644)
	os.WriteFile(w+".sig", ed25519.Sign(f.priv, componentBytes), 0o644)
	yes := true
	p = f.entry(w)
	p.Kind = "wasm"
	wantStatus(t, run(t, &gateway{wasm: &yes}, p), statusRefused, "sidecar descriptor at "+w+".plugin.yaml")
	os.WriteFile(w+".plugin.yaml", []byte(wasmYAML), 0o644)
	wantStatus(t, run(t, &gateway{wasm: &yes}, p), statusRefused, `sidecar descriptor reports manifest id "com.example.wgate" but entry expects ref 'com.example.gate'`)
	p.Alias, p.ManifestID = "com.example.wgate", "com.example.wgate"
	wantStatus(t, run(t, &gateway{wasm: &yes}, p), statusLoads)
	no := false
	wantStatus(t, run(t, &gateway{wasm: &no}, p), statusRefused, "wasm plugin support requires the 'wasm-plugins' feature flag")
}

func TestShadowAndDisabled(t *testing.T) {
	f := newFixture(t)
	p := f.entry(f.pack(t, "gate.zip", gateYAML, soBytes, true))
	// the warnings themselves are the config's (shared/mcpgconfig, with their positions): here
	// only the status
	p.Enforce = false
	wantStatus(t, run(t, nil, p), statusWarning)
	p.Enforce, p.Disabled = true, true
	wantStatus(t, run(t, nil, p), statusWarning)
	p.SourcePath = filepath.Join(f.dir, "missing.zip")
	wantStatus(t, run(t, nil, p), statusRefused, "package not found")
}

func TestVerdicts(t *testing.T) {
	f := newFixture(t)
	good := f.entry(f.pack(t, "gate.zip", gateYAML, soBytes, true))
	bad := good
	bad.Alias, bad.ManifestID = "other", "com.example.other"
	ociEntry := mcpgconfig.Plugin{Alias: "o", ManifestID: "o", OCI: "user:secret@reg.example/p:1", Valid: true, Enforce: true, Policy: mcpgconfig.PolicyEnforce}
	for _, tc := range []struct {
		plugins []mcpgconfig.Plugin
		code    int
	}{
		{[]mcpgconfig.Plugin{good}, 0},
		{[]mcpgconfig.Plugin{good, bad}, 1},
		{[]mcpgconfig.Plugin{good, ociEntry}, 6},
		{[]mcpgconfig.Plugin{bad, ociEntry}, 1},
		{nil, 0},
	} {
		rep := check(nil, &gateway{}, &mcpgconfig.Config{Plugins: tc.plugins}, checkOptions{})
		if rep.Boot.ExitCode != tc.code {
			t.Errorf("%d entries: exit %d (%s), want %d", len(tc.plugins), rep.Boot.ExitCode, rep.Boot.Verdict, tc.code)
		}
		for _, e := range rep.Entries {
			if strings.Contains(e.SourceOCI, "secret") {
				t.Errorf("secret printed: %s", e.SourceOCI)
			}
		}
	}
	rep := check(nil, &gateway{}, &mcpgconfig.Config{Diagnostics: []mcpgconfig.Diagnostic{{Severity: mcpgconfig.SeverityError, Message: "x"}}}, checkOptions{})
	if rep.Boot.ExitCode != 1 {
		t.Errorf("config error: exit %d", rep.Boot.ExitCode)
	}
}

func TestHostileInputs(t *testing.T) {
	f := newFixture(t)
	// not a zip, a truncated zip, a directory: refused with the unpacker's reason, never a crash
	junk := filepath.Join(f.dir, "junk.zip")
	os.WriteFile(junk, []byte("PK\x03\x04 not really"), 0o644)
	wantStatus(t, run(t, nil, f.entry(junk)), statusRefused, "junk.zip")
	good := f.pack(t, "gate.zip", gateYAML, soBytes, true)
	data, _ := os.ReadFile(good)
	trunc := filepath.Join(f.dir, "trunc.zip")
	os.WriteFile(trunc, data[:len(data)/2], 0o644)
	wantStatus(t, run(t, nil, f.entry(trunc)), statusRefused, "trunc.zip")
	dir := filepath.Join(f.dir, "dir.zip")
	os.Mkdir(dir, 0o755)
	wantStatus(t, run(t, nil, f.entry(dir)), statusRefused)
	// the artifact's bytes damaged inside the zip: the read that verifies it fails (CRC), refused
	at := bytes.Index(data, []byte(pkgzip.EntryNative))
	if at < 30 {
		t.Fatal("no plugin.so entry in the package")
	}
	body := at + len(pkgzip.EntryNative) + int(binary.LittleEndian.Uint16(data[at-2:]))
	bad := bytes.Clone(data)
	bad[body+len(soBytes)/2] ^= 0x55
	damaged := filepath.Join(f.dir, "damaged.zip")
	os.WriteFile(damaged, bad, 0o644)
	wantStatus(t, run(t, nil, f.entry(damaged)), statusRefused, "failed to read artifact: "+damaged+":plugin.so: holds more data than", "the package is damaged")
	// a loose native artifact whose sidecar plugin.yaml is not YAML: refused once verified
	so := filepath.Join(f.dir, "libx.so")
	os.WriteFile(so, soBytes, 0o644)
	os.WriteFile(so+".sig", ed25519.Sign(f.priv, soBytes), 0o644)
	os.WriteFile(so+".plugin.yaml", []byte("\xff\xfe: [unclosed"), 0o644)
	wantStatus(t, run(t, nil, f.entry(so)), statusRefused, "sidecar descriptor at "+so+".plugin.yaml — ")
	// a pin that is not hex at all
	p := f.entry(good)
	p.SHA256 = "\x00\xffnot-hex"
	wantStatus(t, run(t, nil, p), statusRefused, "the artifact is not the one pinned")
}

// BenchmarkVerifyLooseArtifact checks a signed 64 MiB loose artifact: the artifact is streamed
// once (digest and signature in one pass), so B/op stays far below its size.
func BenchmarkVerifyLooseArtifact(b *testing.B) {
	f := newFixture(b)
	art := bytes.Repeat([]byte("0123456789abcdef"), 4<<20)
	so := filepath.Join(f.dir, "libbig.so")
	if err := os.WriteFile(so, art, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(so+".sig", ed25519.Sign(f.priv, art), 0o644); err != nil {
		b.Fatal(err)
	}
	p := f.entry(so)
	b.SetBytes(int64(len(art)))
	b.ReportAllocs()
	for b.Loop() {
		rep := check(nil, &gateway{}, &mcpgconfig.Config{Plugins: []mcpgconfig.Plugin{p}}, checkOptions{})
		if r := rep.Entries[0]; r.Signature != "verified" {
			b.Fatalf("signature %q, findings %+v", r.Signature, r.Findings)
		}
	}
}
