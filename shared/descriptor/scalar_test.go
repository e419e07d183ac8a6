package descriptor

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// TestScalarJSON checks the YAML-to-JSON typing of scalars against serde_yaml 0.9's own output
// (scalar_table_test.go): this typing decides what the gateway accepts in capability args.
func TestScalarJSON(t *testing.T) {
	for _, tc := range serdeScalars {
		t.Run(tc.yaml, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte("x: "+tc.yaml+"\n"), &doc); err != nil {
				t.Errorf("%q: yaml.v3: %v", tc.yaml, err)
				return
			}
			got, jerr := yamlJSON(doc.Content[0].Content[1])
			if tc.json == "ERR" {
				if jerr == nil {
					t.Errorf("%q: got %#v, serde_yaml refuses it", tc.yaml, got)
				}
				return
			}
			if jerr != nil {
				t.Errorf("%q: error %q, serde_yaml reads %s", tc.yaml, jerr.msg, tc.json)
				return
			}
			var want any
			if err := json.Unmarshal([]byte(tc.json), &want); err != nil {
				t.Fatal(err)
			}
			ok := false
			switch g := got.(type) {
			case int64:
				ok = isIntJSON(tc.json) && want == float64(g)
			case uint64:
				ok = isIntJSON(tc.json) && want == float64(g)
			case float64:
				w, isNum := want.(float64)
				ok = isNum && !isIntJSON(tc.json) && w == g && math.Signbit(w) == math.Signbit(g)
			default:
				ok = got == want
			}
			if !ok {
				t.Errorf("%q: got %#v, serde_yaml reads %s", tc.yaml, got, tc.json)
			}
		})
	}
}

func isIntJSON(s string) bool {
	return !strings.ContainsAny(s, `.eE"`) && s != "null" && s != "true" && s != "false"
}
