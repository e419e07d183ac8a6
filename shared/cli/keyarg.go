package cli

import (
	"errors"
	"io/fs"
)

// KeyArgError adds the advice every tool gives when --key names no file and is no key either to
// an error from keys.LoadPublicKey (which, a library, gives none); other errors pass unchanged.
func KeyArgError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return WithHint(err, "--key takes a key file, or the public key as 64 hex digits")
	}
	return err
}
