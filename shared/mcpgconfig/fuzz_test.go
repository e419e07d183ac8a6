package mcpgconfig

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func jsonString(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzLoad: any bytes give a Config (never a panic), every diagnostic names the layer with a
// one-line message, and the result marshals to JSON.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.yaml")
	more, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, "")
		}
	}
	f.Add([]byte("plugins: [{id: a, source: {oci: x}}]"), "MCPG_PLUGINS=[{id=b}]")
	f.Add([]byte("a: &a [*a]"), "MCPG_GATEWAY__PLUGIN_REGISTRY={default_signature_policy=warn}")
	f.Add([]byte("plugins:\n- !tag {id: a}\n- {<<: {id: b}}"), "MCPG_GATEWAY__PLUGIN_REGISTRY__MIRRORS=[{url=\"m\"}]")
	f.Fuzz(func(t *testing.T, data []byte, env string) {
		c, err := LoadBytes([]Layer{{Name: "f.yaml", Data: data}}, strings.Split(env, "\n"), Options{WorkDir: "/w"})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range c.Diagnostics {
			if d.File != "f.yaml" && !strings.HasPrefix(d.File, "$") {
				t.Errorf("diagnostic without its layer: %+v", d)
			}
			if d.Message == "" || strings.ContainsAny(d.Message, "\n\r") {
				t.Errorf("diagnostic message not one line: %q", d.Message)
			}
		}
		for _, p := range c.Plugins {
			if p.Valid && !json.Valid(p.ConfigJSON) {
				t.Errorf("config JSON invalid: %s", p.ConfigJSON)
			}
		}
		jsonString(t, c)
	})
}
