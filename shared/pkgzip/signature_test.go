package pkgzip

import "testing"

func TestCheckSignature(t *testing.T) {
	for _, c := range []struct {
		name    string
		sig     []byte
		withKey bool
		want    string
	}{
		{"unsigned, no key", nil, false, ""},
		{"unsigned, key", nil, true, "test.zip: plugin.sig: missing; --key enforces a signature over plugin.so"},
		{"signed", make([]byte, 64), true, ""},
		{"short, no key", make([]byte, 63), false, "test.zip: plugin.sig: expected a raw 64-byte Ed25519 signature, found 63 bytes (the gateway refuses it unless signature checks are disabled)"},
		{"long, key", make([]byte, 65), true, "test.zip: plugin.sig: expected a raw 64-byte Ed25519 signature, found 65 bytes"},
	} {
		ents := []ent{yamlEnt, soEnt}
		if c.sig != nil {
			ents = append(ents, ent{name: EntrySignature, data: c.sig})
		}
		p, err := open(t, mkzip(t, ents...))
		if err != nil {
			t.Fatal(err)
		}
		err = p.CheckSignature(c.withKey)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || len(err.Error()) < len(c.want) || err.Error()[:len(c.want)] != c.want):
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
