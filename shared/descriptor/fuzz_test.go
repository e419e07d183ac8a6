package descriptor

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzParse: Parse never panics or hangs, always explains a refusal in one line, and whatever it
// accepts Validate, CheckArtifactRuntime and Compare handle. Seeds: testdata/fuzz/FuzzParse (valid
// and hostile YAML: alias bombs, deep nesting, huge scalars, bad UTF-8) and the serde_yaml corpus.
func FuzzParse(f *testing.F) {
	if ar, err := txtar.ParseFile("testdata/serde_yaml_0.9.txtar"); err == nil {
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".yaml") {
				f.Add(file.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		d, err := Parse(data)
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("Parse took %v on %d bytes", elapsed, len(data))
		}
		if err != nil {
			var probs Problems
			if !errors.As(err, &probs) || !probs.HasErrors() || d != nil {
				t.Fatalf("refusal is not Problems with an error: %#v, %v", err, d)
			}
			checkOneLine(t, probs)
			return
		}
		if !bytes.Equal(d.Raw, data) {
			t.Fatal("Raw is not the input")
		}
		checkOneLine(t, d.Validate())
		if err := CheckArtifactRuntime(d, "plugin.so"); err != nil {
			checkOneLine(t, err.(Problems))
		}
		if m := Compare(d, d); m != nil {
			t.Fatalf("Compare(d, d) = %v", m)
		}
		again, err := Parse(data)
		if err != nil || !equalDescriptors(again, d) {
			t.Fatalf("Parse is not deterministic: %v", err)
		}
	})
}

func checkOneLine(t *testing.T, probs Problems) {
	t.Helper()
	for _, p := range probs {
		if p.Msg == "" || strings.ContainsAny(p.String(), "\r\n") || len(p.String()) > 1000 {
			t.Fatalf("bad problem text: %q", p.String())
		}
	}
	if s := probs.Error(); strings.ContainsAny(s, "\r\n") {
		t.Fatalf("Error() is not one line: %q", s)
	}
}

func equalDescriptors(a, b *Descriptor) bool { return reflect.DeepEqual(a.exported(), b.exported()) }
