package keys_test

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"log"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
)

// A private key file holding 64 hex digits, one of the forms ParsePrivateKey reads: the seed of
// RFC 8032's first test vector, so the output is stable (Ed25519 signatures are deterministic)
// and the same as crypto/ed25519.Sign gives.
const exampleKeyFile = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\n"

// Sign reads the artifact twice, as pure Ed25519 requires, so it takes an io.ReaderAt and a size
// rather than a byte slice: a large artifact is never held in memory.
func ExampleSign() {
	priv, format, err := keys.ParsePrivateKey("release.key", []byte(exampleKeyFile), nil)
	if err != nil {
		log.Fatal(err)
	}
	artifact := strings.NewReader("plugin artifact bytes")
	sig, err := keys.Sign(priv, artifact, artifact.Size())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key format:", format)
	fmt.Println("public key:", hex.EncodeToString(priv.Public().(ed25519.PublicKey)))
	fmt.Println("signature: ", hex.EncodeToString(sig))
	// Output:
	// key format: hex-seed
	// public key: d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a
	// signature:  a8eabd47c24452013377b62f3cf76b9fc43283489eb6a03f575ba8498477ce2a4cf82fa11207bc67ff61df8c34a0c31712716f758e7996db3e465e50595ab302
}

// Verify checks a detached signature over a stream in one pass; a changed byte fails.
func ExampleVerify() {
	priv, _, err := keys.ParsePrivateKey("release.key", []byte(exampleKeyFile), nil)
	if err != nil {
		log.Fatal(err)
	}
	pub := priv.Public().(ed25519.PublicKey)
	artifact := strings.NewReader("plugin artifact bytes")
	sig, err := keys.Sign(priv, artifact, artifact.Size())
	if err != nil {
		log.Fatal(err)
	}

	for _, content := range []string{"plugin artifact bytes", "plugin artifact bytez"} {
		ok, err := keys.Verify(pub, strings.NewReader(content), sig)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q verifies: %v\n", content, ok)
	}
	// Output:
	// "plugin artifact bytes" verifies: true
	// "plugin artifact bytez" verifies: false
}
