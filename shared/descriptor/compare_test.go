package descriptor

import (
	"reflect"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	base := func() *Descriptor {
		return mustParse(t, withField(minimalYAML, "class: cluster\nprovides: [cache, kv]"))
	}
	same := base()
	same.Description, same.License, same.Tags = "other", "MIT", []string{"x"}
	same.ProtocolVersion = "1.22" // same major
	same.Provides = []string{"kv", "cache", "kv"}
	same.RequiredCapabilities = []Capability{{Type: "network_outbound"}}
	if m := Compare(base(), same); m != nil {
		t.Errorf("Compare of equivalent descriptors = %v", m)
	}

	drift := base()
	drift.ID, drift.Name, drift.Class, drift.ProtocolVersion, drift.Provides = "com.example.other", "Other", "cache", "2.0", []string{"cache", "kv", "bus"}
	got := Compare(base(), drift)
	want := []Mismatch{
		{"id", "com.example.hello", "com.example.other"},
		{"name", "Hello Gate", "Other"},
		{"class", "cluster", "cache"},
		{"protocol_version", "1.0", "2.0"},
		{"provides", "cache,kv", "cache,kv,bus"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Compare = %v\nwant %v", got, want)
	}
	if s := got[0].Error(); s != "plugin descriptor disagrees with in-code manifest: field=id, descriptor=com.example.hello, manifest=com.example.other" {
		t.Errorf("Error() = %q", s)
	}
}

// A descriptor value is the plugin author's to choose (a 900 KB name fits in a descriptor): the
// message quotes a bounded part of it and says how long it was.
func TestMismatchClipsHugeValues(t *testing.T) {
	huge := strings.Repeat("N", 900_000)
	msg := Mismatch{Field: "name", Packaged: huge, Embedded: "Hello"}.Error()
	if len(msg) > 400 || !strings.Contains(msg, "… (900000 bytes), manifest=Hello") {
		t.Errorf("mismatch message is %d bytes: %.160q", len(msg), msg)
	}
}
