package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// isTTY asks the terminal driver: /dev/null and /dev/full are character devices but not terminals.
func isTTY(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
