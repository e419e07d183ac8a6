package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Size caps for the small files read whole (with fileio.ReadSmall): keys, passphrases, revocation lists.
const (
	maxKeyFile        = 64 << 10
	maxRevocationList = 64 << 20
)

// readSignatureFile reads a detached signature, failing the way the gateway's verifier words
// it; a file of any size is read only up to one byte past 64. A pipe is read like any input
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
	sig, err := io.ReadAll(io.LimitReader(f, 65))
	if err != nil {
		return nil, signatureReadError(path, err)
	}
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return sig, checkSignatureLength(len(sig), size)
}

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
