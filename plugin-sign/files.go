package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// Size caps for the small files read whole: keys, passphrases, signatures, revocation lists.
const (
	maxKeyFile        = 64 << 10
	maxRevocationList = 64 << 20
)

// readSmall reads a whole small file, refusing one larger than limit (what says what it is
// supposed to be, for the message).
func readSmall(path string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, cli.IOError("read", path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, cli.Failf("cannot read %s: it is a directory, not %s", path, what)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, cli.IOError("read", path, err)
	}
	if int64(len(data)) > limit {
		return nil, cli.Failf("%s: more than %s is too large for %s", path, sizeString(limit), what)
	}
	return data, nil
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readSignatureFile reads a detached signature, failing the way the gateway's verifier words
// it; a file of any size is read only up to one byte past 64.
func readSignatureFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missingSignature("signature file not found: " + path)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read signature: %s", cli.IOError("read", path, err).Error()[len("cannot read "):])
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("failed to read signature: %s: not a regular file", path)
	}
	sig, err := io.ReadAll(io.LimitReader(f, 65))
	if err != nil {
		return nil, fmt.Errorf("failed to read signature: %s", cli.IOError("read", path, err).Error()[len("cannot read "):])
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
