package keys

import (
	"crypto/ed25519"
	"errors"
	"io"
	"io/fs"
	"os"
	"regexp"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// MaxKeyFile bounds how much of a key file is read; real keys are under 1 KiB.
const MaxKeyFile = 64 << 10

// inlineHexKey is a public key given on the command line itself instead of a file.
var inlineHexKey = regexp.MustCompile(`^(0[xX])?[0-9a-fA-F]{64}$`)

// LoadPublicKey reads a --key argument the way every tool takes it: a file holding the key in any
// form ParsePublicKey accepts, or, when no such file exists, the 64 hex digits themselves. Errors
// carry the shared exit codes: a missing or unreadable file 3, not a usable key 1.
func LoadPublicKey(arg string) (ed25519.PublicKey, Format, error) {
	data, name, err := readKeyFile(arg)
	switch {
	case errors.Is(err, fs.ErrNotExist) && inlineHexKey.MatchString(arg):
		data, name = []byte(arg), "--key"
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", cli.WithHint(cli.IOError("read", arg, err), "--key takes a key file, or the public key as 64 hex digits")
	case err != nil:
		return nil, "", err
	}
	pub, format, err := ParsePublicKey(name, data)
	if err != nil {
		return nil, "", cli.Failf("%v", err)
	}
	return pub, format, nil
}

func readKeyFile(path string) ([]byte, string, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", err
	}
	if err != nil {
		return nil, "", cli.IOError("read", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, "", cli.Failf("cannot read %s: it is a directory, not a key file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxKeyFile+1))
	if err != nil {
		return nil, "", cli.IOError("read", path, err)
	}
	if len(data) > MaxKeyFile {
		return nil, "", cli.Failf("%s: larger than %d KiB, too large for a key file", path, MaxKeyFile>>10)
	}
	return data, path, nil
}
