package oci

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

// docs/contract.md §5.1 vectors.
const (
	vectorConfig         = `{"id":"dev.mcpg.circuit-breaker","name":"Circuit Breaker","class":"tool_gate","runtime":"native-cdylib-v1","protocol_version":"1.0","schema":"mcpg.dev/plugin/v1","has_signature":true}`
	vectorConfigDigest   = "sha256:5077d7db9db775c1d5618f0fa9abb29d2218306df242f27661a25b921cccb3bf"
	vectorManifest       = `{"artifactType":"application/vnd.mcpg.plugin.v1","config":{"digest":"sha256:5077d7db9db775c1d5618f0fa9abb29d2218306df242f27661a25b921cccb3bf","mediaType":"application/vnd.mcpg.plugin.config.v1+json","size":183},"layers":[{"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","mediaType":"application/vnd.mcpg.plugin.package.v1+zip","size":1234}],"schemaVersion":2}`
	vectorManifestDigest = "sha256:e8c687494356e3302a452c8bd02d692f3aad5c2427c23aa939cef6ccc8d3525f"
	zeroDigest           = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
)

func vectorDescriptor() *descriptor.Descriptor {
	return &descriptor.Descriptor{Schema: "mcpg.dev/plugin/v1", ID: "dev.mcpg.circuit-breaker", Name: "Circuit Breaker",
		Class: "tool_gate", Runtime: "native-cdylib-v1", ProtocolVersion: "1.0", Description: "ignored", License: "MIT"}
}

func TestArtifactVectors(t *testing.T) {
	cfg := ConfigJSON(vectorDescriptor(), true)
	if string(cfg) != vectorConfig {
		t.Fatalf("ConfigJSON =\n%s\nwant\n%s", cfg, vectorConfig)
	}
	cd := DescriptorOf(ConfigMediaType, cfg)
	if cd.Size != 183 || cd.Digest != vectorConfigDigest {
		t.Fatalf("config descriptor %+v", cd)
	}
	man := ManifestJSON(cd, Descriptor{MediaType: LayerMediaType, Digest: zeroDigest, Size: 1234})
	if string(man) != vectorManifest {
		t.Fatalf("ManifestJSON =\n%s\nwant\n%s", man, vectorManifest)
	}
	if len(man) != 394 || digest.Of(man).String() != vectorManifestDigest {
		t.Fatalf("manifest: %d bytes, %s", len(man), digest.Of(man))
	}

	m, err := ParseManifest(man)
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != 2 || m.MediaType != "" || m.ArtifactType != ArtifactType || m.Config != cd || m.Layer().Size != 1234 {
		t.Fatalf("ParseManifest = %+v", m)
	}
	if again := ManifestJSON(m.Config, m.Layer()); string(again) != vectorManifest {
		t.Fatalf("round trip: %s", again)
	}
	c, err := ParseConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.JSON()) != vectorConfig || !c.HasSignature || c.ID != "dev.mcpg.circuit-breaker" {
		t.Fatalf("ParseConfig = %+v", c)
	}
	if unsigned := ConfigJSON(vectorDescriptor(), false); !strings.HasSuffix(string(unsigned), `"has_signature":false}`) {
		t.Fatalf("unsigned config %s", unsigned)
	}
}

// serde_json's escaping, which Go's encoder does not reproduce (U+2028/U+2029, \u00xx case).
func TestConfigEscaping(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`plain`, `"plain"`},
		{`q"b\s`, `"q\"b\\s"`},
		{"\b\t\n\f\r", `"\b\t\n\f\r"`},
		{"\x00\x01\x1b\x1f", `"\u0000\u0001\u001b\u001f"`},
		{"\x7f", "\"\x7f\""},
		{"<a&b>/", `"<a&b>/"`},
		{"Zürich 日本 🐳", `"Zürich 日本 🐳"`},
		{"\u2028\u2029", "\"\u2028\u2029\""},
		{"bad\xffend", "\"bad\uFFFDend\""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := string(appendSerdeString(nil, tc.in)); got != tc.want {
				t.Errorf("appendSerdeString(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	// The whole config stays valid JSON that decodes back to the same fields.
	d := vectorDescriptor()
	d.Name = "N\"\\\x01\u2028é<>&"
	c, err := ParseConfig(ConfigJSON(d, false))
	if err != nil || c.Name != d.Name {
		t.Fatalf("ParseConfig(ConfigJSON) = %+v, %v", c, err)
	}
	var viaGo Config
	if err := json.Unmarshal(ConfigJSON(d, false), &viaGo); err != nil || viaGo != *c {
		t.Fatalf("encoding/json reads %+v, %v", viaGo, err)
	}
}

// The layer titled for ORAS: the vector's manifest with the title annotation, written out by hand
// (checked against Python's json.dumps(sort_keys=True, separators=(",",":"))), digest by sha256sum.
const (
	titledVectorManifest       = `{"artifactType":"application/vnd.mcpg.plugin.v1","config":{"digest":"sha256:5077d7db9db775c1d5618f0fa9abb29d2218306df242f27661a25b921cccb3bf","mediaType":"application/vnd.mcpg.plugin.config.v1+json","size":183},"layers":[{"annotations":{"org.opencontainers.image.title":"mcpg-plugin-circuit-breaker_1.0.0_linux_amd64.zip"},"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","mediaType":"application/vnd.mcpg.plugin.package.v1+zip","size":1234}],"schemaVersion":2}`
	titledVectorManifestDigest = "sha256:0bd9e980127268ed60257c6304847c55563e7cd27b9e5614a13b2d0e4cc0ef4b"
)

func TestTitledManifest(t *testing.T) {
	cd := DescriptorOf(ConfigMediaType, []byte(vectorConfig))
	layer := Descriptor{MediaType: LayerMediaType, Digest: zeroDigest, Size: 1234, Title: "mcpg-plugin-circuit-breaker_1.0.0_linux_amd64.zip"}
	man := ManifestJSON(cd, layer)
	if string(man) != titledVectorManifest {
		t.Fatalf("ManifestJSON with a title =\n%s\nwant\n%s", man, titledVectorManifest)
	}
	if len(man) != 495 || digest.Of(man).String() != titledVectorManifestDigest {
		t.Fatalf("titled manifest: %d bytes, %s", len(man), digest.Of(man))
	}
	// Without the title, the reference's bytes exactly.
	layer.Title = ""
	if got := ManifestJSON(cd, layer); string(got) != vectorManifest {
		t.Fatalf("untitled manifest =\n%s\nwant the vector", got)
	}
	// Pull (as the gateway) accepts the titled manifest and finds the same blobs.
	m, err := ParseManifest([]byte(titledVectorManifest))
	if err != nil {
		t.Fatal(err)
	}
	if m.Config != cd || m.Layer() != layer {
		t.Fatalf("ParseManifest = %+v", m)
	}
	var viaGo struct {
		Layers []struct{ Annotations map[string]string }
	}
	if err := json.Unmarshal(man, &viaGo); err != nil || viaGo.Layers[0].Annotations[TitleAnnotation] != "mcpg-plugin-circuit-breaker_1.0.0_linux_amd64.zip" {
		t.Fatalf("encoding/json reads %+v, %v", viaGo, err)
	}
}

func TestCheckTitle(t *testing.T) {
	for _, ok := range []string{"mcpg-plugin-gate_1.0.0_linux_amd64.zip", "Zürich 日本.zip", `q"uote.zip`, "a\u2028b"} {
		if err := CheckTitle(ok); err != nil {
			t.Errorf("CheckTitle(%q): %v", ok, err)
		}
		// Escaped as canonical JSON, it reads back as itself.
		var back string
		if err := json.Unmarshal(appendCanonicalString(nil, ok), &back); err != nil || back != ok {
			t.Errorf("title %q reads back as %q, %v", ok, back, err)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "not a file name"},
		{"..", "not a file name"},
		{"a/b.zip", "path separator"},
		{`a\b.zip`, "path separator"},
		{"a\nb.zip", "control character"},
		{"a\x7fb.zip", "control character"},
		{"a\xffb.zip", "not valid UTF-8"},
	} {
		if err := CheckTitle(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckTitle(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestManifestCanonicalEscaping(t *testing.T) {
	got := string(appendCanonicalString(nil, "a\"b\\c\n"))
	if got != "\"a\\\"b\\\\c\n\"" {
		t.Errorf("appendCanonicalString = %q", got)
	}
}

func manifestWith(layers string) string {
	return `{"schemaVersion":2,"config":{"mediaType":"` + ConfigMediaType + `","digest":"` + vectorConfigDigest + `","size":183},"layers":` + layers + `}`
}

func layerJSON(mediaType string) string {
	return `{"mediaType":"` + mediaType + `","digest":"` + zeroDigest + `","size":1}`
}

func TestParseManifestAccepts(t *testing.T) {
	for _, in := range []string{
		vectorManifest,
		// oras/ggcr style: with mediaType, annotations and unknown fields, whitespace, any key order.
		`{"mediaType":"` + ManifestMediaType + `","schemaVersion":2,"x":[1,{"y":null}],"annotations":{"a":"b"},
		  "config":{"size":2,"digest":"` + vectorConfigDigest + `","mediaType":"application/vnd.oci.empty.v1+json","annotations":{}},
		  "layers":[` + layerJSON(LayerMediaType) + `]}`,
		`{"mediaType":"` + DockerManifestMediaType + `","schemaVersion":2,"config":{"mediaType":"x","digest":"` + zeroDigest + `","size":0},"layers":[` + layerJSON(LayerMediaType) + `]}`,
		" { \"schemaVersion\" :\t2 ,\n \"config\" : { \"mediaType\" : \"x\" , \"digest\" : \"" + zeroDigest + "\" , \"size\" : 0 } , \"layers\" : [ " + layerJSON(LayerMediaType) + " ] } \n",
		`{"mediaType":null,"artifactType":null,"schemaVersion":2,"config":{"mediaType":"x","digest":"` + zeroDigest + `","size":0},"layers":[` + layerJSON(LayerMediaType) + `]}`,
	} {
		t.Run(caseName(in), func(t *testing.T) {
			if _, err := ParseManifest([]byte(in)); err != nil {
				t.Errorf("ParseManifest(%s): %v", in, err)
			}
		})
	}
}

func TestParseManifestRejects(t *testing.T) {
	layer := layerJSON(LayerMediaType)
	for _, tc := range []struct{ in, want string }{
		{``, "not a JSON object"},
		{`[]`, "not a JSON object"},
		{`{`, "invalid JSON"},
		{`{"schemaVersion":2}x`, "trailing data"},
		{`{"schemaVersion":2}{}`, "trailing data"},
		{"{\"schemaVersion\":2,\"a\":\"\xff\"}", "not valid UTF-8"},
		{`{"schemaVersion":2,"schemaVersion":2}`, `duplicate key "schemaVersion"`},
		{`{"config":{}}`, "missing schemaVersion"},
		{`{"schemaVersion":1}`, "schemaVersion is 1; expected 2"},
		{`{"schemaVersion":2.0}`, "schemaVersion is 2.0; expected 2"},
		{`{"schemaVersion":"2"}`, `schemaVersion is "2"; expected 2`},
		{`{"schemaVersion":2,"mediaType":"text/plain"}`, `mediaType "text/plain" is not a manifest type`},
		{`{"schemaVersion":2,"mediaType":5}`, "mediaType is 5; expected a string"},
		{`{"schemaVersion":2,"mediaType":"` + IndexMediaType + `","manifests":[]}`, "is an image index"},
		{`{"schemaVersion":2,"mediaType":"` + DockerListMediaType + `"}`, "is an image index"},
		{`{"schemaVersion":2,"manifests":[]}`, "is an image index"},
		{`{"schemaVersion":2,"layers":[]}`, "missing config"},
		{`{"schemaVersion":2,"config":null,"layers":[]}`, "config: not a JSON object"},
		{`{"schemaVersion":2,"config":{"mediaType":"x","size":1},"layers":[]}`, "config: missing digest"},
		{`{"schemaVersion":2,"config":{"digest":"` + zeroDigest + `","size":1},"layers":[]}`, "config: missing mediaType"},
		{`{"schemaVersion":2,"config":{"mediaType":"x","digest":"` + zeroDigest + `"},"layers":[]}`, "config: missing size"},
		{`{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:abc","size":1},"layers":[]}`, "config: sha256 digest has 3 hex digits"},
		{`{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha512:` + strings.Repeat("a", 128) + `","size":1},"layers":[]}`, "is not sha256"},
		{`{"schemaVersion":2,"config":{"mediaType":"x","digest":"` + zeroDigest + `","size":-1},"layers":[]}`, "size is -1; expected a non-negative integer"},
		{`{"schemaVersion":2,"config":{"mediaType":"x","digest":"` + zeroDigest + `","size":1.5},"layers":[]}`, "size is 1.5"},
		{`{"schemaVersion":2,"config":{"mediaType":"x","digest":"` + zeroDigest + `","size":1e3},"layers":[]}`, "size is 1e3"},
		{`{"schemaVersion":2,"config":{"mediaType":"x","digest":"` + zeroDigest + `","size":99999999999999999999},"layers":[]}`, "size is 99999999999999999999"},
		{manifestWith(`[]`), "has no layers"},
		{manifestWith(`null`), "layers is null; expected an array"},
		{manifestWith(`{}`), "layers is {}; expected an array"},
		{strings.Replace(manifestWith(`[]`), `,"layers":[]`, ``, 1), "missing layers"},
		{manifestWith(`[` + layer + `,` + layer + `]`), "has 2 layers; an MCPG plugin has exactly one"},
		{manifestWith(`[` + layer + `,` + layerJSON("application/x") + `]`), `layers[1] has media type "application/x"`},
		{manifestWith(`[1]`), "layers[0]: not a JSON object"},
		{manifestWith(`[{"mediaType":"` + LayerMediaType + `","digest":"` + zeroDigest + `","size":1,"size":2}]`), `layers[0]: duplicate key "size"`},
		{`{"schemaVersion":2,"pad":"` + strings.Repeat("x", MaxManifestSize) + `"}`, "bytes; at most 4194304"},
		{strings.Repeat("[", 20000), "not a JSON object"},
		{`{"schemaVersion":2,"a":` + strings.Repeat("[", 20000) + `}`, "invalid JSON"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := ParseManifest([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseManifest(%.80s): %v, want %q", tc.in, err, tc.want)
				return
			}
			if !strings.HasPrefix(err.Error(), "manifest: ") || strings.Contains(err.Error(), "\n") || len(err.Error()) > 400 {
				t.Errorf("error is not one short line: %q", err)
			}
		})
	}
}

func TestIncompatibleLayer(t *testing.T) {
	const tar = "application/vnd.oci.image.layer.v1.tar+gzip"
	_, err := ParseManifest([]byte(manifestWith(`[` + layerJSON(tar) + `]`)))
	var il *IncompatibleLayerError
	if !errors.As(err, &il) || il.MediaType != tar || il.Index != 0 {
		t.Fatalf("err = %v", err)
	}
	if want := `manifest: layers[0] has media type "` + tar + `"; an MCPG plugin layer is "` + LayerMediaType + `"`; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q", err)
	}
}

func TestParseConfigRejects(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`null`, "not a JSON object"},
		{strings.Replace(vectorConfig, `"id":"dev.mcpg.circuit-breaker",`, ``, 1), "missing id"},
		{strings.Replace(vectorConfig, `"dev.mcpg.circuit-breaker"`, `null`, 1), "missing id"},
		{strings.Replace(vectorConfig, `"Circuit Breaker"`, `7`, 1), "name is 7; expected a string"},
		{strings.Replace(vectorConfig, `,"has_signature":true`, ``, 1), "missing has_signature"},
		{strings.Replace(vectorConfig, `true`, `"true"`, 1), `has_signature is "true"; expected true or false`},
		{strings.Replace(vectorConfig, `true`, `1`, 1), `has_signature is 1`},
		{strings.Replace(vectorConfig, `"id"`, `"ID"`, 1), "missing id"}, // serde is case-sensitive; encoding/json is not
		{strings.Replace(vectorConfig, `}`, `,"id":"x"}`, 1), `duplicate key "id"`},
		{`{"pad":"` + strings.Repeat("x", MaxConfigSize) + `"}`, "at most"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "config: ") {
				t.Errorf("ParseConfig(%.80s): %v, want %q", tc.in, err, tc.want)
			}
		})
	}
	// Unknown fields are ignored, as serde does.
	if _, err := ParseConfig([]byte(strings.Replace(vectorConfig, `}`, `,"license":"MIT","extra":{"a":[1]}}`, 1))); err != nil {
		t.Errorf("unknown fields: %v", err)
	}
}

// FuzzParseManifest: never panics; whatever it accepts is a single MCPG layer with well-formed
// descriptors, and re-encoding that with ManifestJSON is accepted again.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(vectorManifest))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			if m != nil || strings.Contains(err.Error(), "\n") {
				t.Fatalf("refusal %v with %+v", err, m)
			}
			return
		}
		if len(m.Layers) != 1 || m.Layer().MediaType != LayerMediaType || m.SchemaVersion != 2 {
			t.Fatalf("accepted %+v", m)
		}
		for _, d := range []Descriptor{m.Config, m.Layer()} {
			if _, err := digest.Parse(d.Digest); err != nil || d.Size < 0 {
				t.Fatalf("accepted descriptor %+v: %v", d, err)
			}
		}
		if _, err := ParseManifest(ManifestJSON(m.Config, m.Layer())); err != nil {
			t.Fatalf("re-encoded manifest refused: %v", err)
		}
	})
}

// A manifest is the registry's to send (up to MaxManifestSize): a field quoted in an error is
// clipped, with its length.
func TestParseManifestClipsHugeFields(t *testing.T) {
	huge := strings.Repeat("m", 900_000)
	for name, manifest := range map[string]string{
		"mediaType":     `{"schemaVersion":2,"mediaType":"` + huge + `"}`,
		"layer type":    strings.Replace(vectorManifest, "application/vnd.mcpg.plugin.package.v1+zip", huge, 1),
		"duplicate key": `{"schemaVersion":2,"` + huge + `":1,"` + huge + `":2}`,
	} {
		_, err := ParseManifest([]byte(manifest))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if msg := err.Error(); len(msg) > 600 || !strings.Contains(msg, " bytes)") {
			t.Errorf("%s: error is %d bytes: %.160q", name, len(msg), msg)
		}
	}
}
