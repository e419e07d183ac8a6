package descriptor

import (
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestSerdeOracle checks Parse against outcomes recorded from serde_yaml 0.9 itself
// (testdata/serde_yaml_0.9.txtar): Parse must accept exactly what the gateway accepts.
func TestSerdeOracle(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/serde_yaml_0.9.txtar")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, f := range ar.Files {
		if name, ok := strings.CutSuffix(f.Name, ".serde"); ok {
			want[name] = strings.TrimSpace(string(f.Data))
		}
	}
	n := 0
	for _, f := range ar.Files {
		name, ok := strings.CutSuffix(f.Name, ".yaml")
		if !ok {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			serde, ok := want[name]
			if !ok {
				t.Fatalf("no %s.serde", name)
			}
			d, err := Parse(f.Data)
			switch gatewayOK := serde == "OK"; {
			case gatewayOK && err != nil:
				t.Errorf("gateway accepts, Parse rejects: %v", err)
			case !gatewayOK && err == nil:
				t.Errorf("gateway rejects (%s), Parse accepts: %+v", serde, d.exported())
			case err == nil:
				_ = d.Validate() // must not panic on anything the gateway loads
			}
		})
	}
	if n < 200 {
		t.Fatalf("only %d cases in the corpus", n)
	}
}
