package mcpgconfig

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestGatewayCases loads every config of testdata/gateway/cases.jsonl and checks the gateway's own
// verdict on it: "OK", or its (first) error message among ours. The verdicts were produced in a
// session by an oracle built from mcpg v0.1.0-beta.16's own config code (src/config/plugins.rs
// validate_plugins, and the config-only boot checks: enforce_oci_integrity_anchor, the
// observability toggles, the cluster coordinator row) over figment 0.10.19, serde_yaml 0.9.34 and
// unsafe-libyaml 0.2.11: hand-made odd configs, and random and typical corruptions of our rule
// fixtures (every distinct message shape, plus a sample), some with MCPG_* variables or a second
// layer.
func TestGatewayCases(t *testing.T) {
	f, err := os.Open("testdata/gateway/cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	n, failed := 0, 0
	for sc.Scan() {
		var c struct {
			Name   string
			YAML   string
			Env    []string
			Layer2 *string
			Want   string
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		n++
		layers := []Layer{{Name: "config.yaml", Data: []byte(c.YAML)}}
		if c.Layer2 != nil {
			layers = append(layers, Layer{Name: "layer2.yaml", Data: []byte(*c.Layer2)})
		}
		cfg, err := LoadBytes(layers, c.Env, Options{NoEnv: c.Env == nil, WorkDir: "/"})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var got []string
		for _, d := range cfg.Errors() {
			got = append(got, d.Message)
		}
		if (c.Want == "OK" && len(got) == 0) || (c.Want != "OK" && slices.Contains(got, c.Want)) {
			continue
		}
		failed++
		if failed <= 20 {
			t.Errorf("%s: the gateway says\n\t%s\nwe say\n\t%s", c.Name, c.Want, strings.Join(got, "\n\t"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if failed > 0 {
		t.Errorf("%d of %d configs differ from the gateway", failed, n)
	}
	t.Logf("%d configs", n)
}
