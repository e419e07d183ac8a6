package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
)

// Size caps for the small files read whole (with fileio.ReadSmall): keys, passphrases, revocation lists.
const (
	maxKeyFile        = 64 << 10
	maxRevocationList = 64 << 20
)

// readSignatureFile reads a detached signature, failing the way the gateway's verifier words
// it; a file of any size is read only up to signatureReadLimit. A pipe is read like any input
// (fileio.Open: bounded wait); a directory or a device is refused unopened.
func readSignatureFile(path string) ([]byte, error) {
	f, err := fileio.Open(path, "")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missingSignature("signature file not found: " + path)
	}
	if err != nil {
		return nil, signatureReadError(path, err)
	}
	defer f.Close()
	sig, err := io.ReadAll(io.LimitReader(f, signatureReadLimit))
	if err != nil {
		return nil, signatureReadError(path, err)
	}
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	if err := checkSignatureLength(len(sig), size); err != nil {
		return sig, hint.Wrap(err, keys.SignatureHint(sig))
	}
	return sig, nil
}

// signatureReadLimit is how much of a signature file is read: the 64 bytes, and enough more to
// recognise a signature saved as hex or base64 text (keys.SignatureHint).
const signatureReadLimit = 1 << 10

// signatureReadError words a signature file that could not be read, naming the file once.
func signatureReadError(path string, err error) error {
	var ke *fileio.KindError
	var fe *fileio.Error
	switch {
	case errors.As(err, &ke):
		return fmt.Errorf("failed to read signature: %s: it is %s", path, ke.Kind)
	case errors.As(err, &fe):
		err = fe.Err
	}
	return fmt.Errorf("failed to read signature: %s: %s", path, fileio.Reason(err))
}

func checkSignatureLength(read int, size int64) error {
	if read != 64 {
		return fmt.Errorf("signature file has invalid length: expected 64 bytes, got %d", max(int64(read), size))
	}
	return nil
}

// missingSignature reports that there is no signature at all (as opposed to a bad one).
type missingSignature string

func (m missingSignature) Error() string { return string(m) }
