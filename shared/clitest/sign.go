package clitest

import (
	"os"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	// sign-pack ZIP DESCRIPTOR ARTIFACT [SIGNATURE]: write a package zip with pkgzip.Write; the
	// artifact entry is plugin.wasm for a .wasm file, plugin.so otherwise.
	Register("sign-pack", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 3 || len(args) > 4 {
			ts.Fatalf("usage: sign-pack ZIP DESCRIPTOR ARTIFACT [SIGNATURE]")
		}
		desc, err := os.ReadFile(ts.MkAbs(args[1]))
		ts.Check(err)
		art, err := os.Open(ts.MkAbs(args[2]))
		ts.Check(err)
		defer art.Close()
		in := pkgzip.PackInput{Descriptor: desc, Artifact: art, ArtifactName: pkgzip.EntryNative}
		if strings.HasSuffix(args[2], ".wasm") {
			in.ArtifactName = pkgzip.EntryWasm
		}
		if len(args) == 4 {
			in.Signature, err = os.ReadFile(ts.MkAbs(args[3]))
			ts.Check(err)
		}
		out, err := os.Create(ts.MkAbs(args[0]))
		ts.Check(err)
		defer out.Close()
		_, err = pkgzip.Write(out, in)
		ts.Check(err)
	})
}
