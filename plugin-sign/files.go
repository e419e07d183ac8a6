package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Size caps for the small files read whole (with fileio.ReadSmall): keys, passphrases, revocation lists.
const (
	maxKeyFile        = 64 << 10
	maxRevocationList = 64 << 20
)

// readSignatureFile reads a detached signature, failing the way the gateway's verifier words
// it; a file of any size is read only up to one byte past 64.
func readSignatureFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missingSignature("signature file not found: " + path)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read signature: %s: %s", path, fileio.Reason(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("failed to read signature: %s: not a regular file", path)
	}
	sig, err := io.ReadAll(io.LimitReader(f, 65))
	if err != nil {
		return nil, fmt.Errorf("failed to read signature: %s: %s", path, fileio.Reason(err))
	}
	return sig, checkSignatureLength(len(sig), st.Size())
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
