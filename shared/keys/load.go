package keys

import (
	"crypto/ed25519"
	"errors"
	"io/fs"
	"regexp"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// MaxKeyFile bounds how much of a key file is read; real keys are under 1 KiB.
const MaxKeyFile = 64 << 10

// inlineHexKey is a public key given on the command line itself instead of a file.
var inlineHexKey = regexp.MustCompile(`^(0[xX])?[0-9a-fA-F]{64}$`)

// LoadPublicKey reads a --key argument the way every tool takes it: a file holding the key in any
// form ParsePublicKey accepts, or, when no such file exists, the 64 hex digits themselves. A file
// that cannot be read is a *fileio.Error — errors.Is(err, fs.ErrNotExist) when arg names no file
// and is no key either; anything else wrong is a plain error.
func LoadPublicKey(arg string) (ed25519.PublicKey, Format, error) {
	name := arg
	data, err := fileio.ReadSmall(arg, MaxKeyFile, "a key file")
	switch {
	case errors.Is(err, fs.ErrNotExist) && inlineHexKey.MatchString(arg):
		data, name = []byte(arg), "--key"
	case err != nil:
		return nil, "", err
	}
	return ParsePublicKey(name, data)
}
