package fileio

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestInputsRefuseLinks: an output is refused when it is an input by any name — the same path, a
// symbolic link, a hard link — and allowed when it is another file, stdin or not there yet.
func TestInputsRefuseLinks(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "sk")
	other := filepath.Join(dir, "other")
	for _, f := range []string{key, other} {
		if err := os.WriteFile(f, []byte(f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sym, hard := filepath.Join(dir, "sym"), filepath.Join(dir, "hard")
	if err := os.Symlink(key, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(key, hard); err != nil {
		t.Fatal(err)
	}
	in := &Inputs{Command: "plugin-sign sign"}
	in.Add("the --key file", key)
	in.Add("the artifact", "-")
	in.Add("the --passphrase-file", filepath.Join(dir, "missing"))

	var same *SameFileError
	for _, out := range []string{key, sym, hard} {
		if err := in.Check("the signature", out); !errors.As(err, &same) || same.InputPath != key {
			t.Errorf("%s: %v", out, err)
		}
	}
	if err := in.Check("-o", key); err.Error() != "plugin-sign sign: -o would replace the --key file "+key {
		t.Errorf("message for the same name: %q", err)
	}
	if err := in.Check("-o", sym); err.Error() != "plugin-sign sign: -o "+sym+" would replace the --key file "+key+" (the same file)" {
		t.Errorf("message for a link: %q", err)
	}
	for _, out := range []string{other, "-", filepath.Join(dir, "new"), filepath.Join(dir, "missing")} {
		if err := in.Check("-o", out); err != nil {
			t.Errorf("%s: %v", out, err)
		}
	}
	if _, err := in.CreateAtomic("-o", hard, 0o644); !errors.As(err, &same) {
		t.Errorf("CreateAtomic over a hard link to an input: %v", err)
	}
	if err := in.WriteFileAtomic("-o", sym, []byte("sig"), 0o644); !errors.As(err, &same) {
		t.Errorf("WriteFileAtomic over a symlink to an input: %v", err)
	}
	if b, _ := os.ReadFile(key); string(b) != key {
		t.Errorf("the input changed: %q", b)
	}
	assertOnly(t, dir, "hard", "other", "sk", "sym")

	var none *Inputs
	if err := none.Check("-o", key); err != nil {
		t.Errorf("a nil *Inputs checks nothing: %v", err)
	}
}

func TestInputsTree(t *testing.T) {
	dir := t.TempDir()
	blob := filepath.Join(dir, "blobs", "sha256", "ab")
	if err := os.MkdirAll(filepath.Dir(blob), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blob, []byte("blob"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := &Inputs{}
	in.AddTree("a file of the --oci-layout", dir)
	if err := in.Check("-o", blob); err == nil {
		t.Error("a file inside the tree was not an input")
	}
	if err := in.Check("-o", filepath.Join(dir, "blobs")); err != nil {
		t.Errorf("a directory is not an input file: %v", err)
	}
}
