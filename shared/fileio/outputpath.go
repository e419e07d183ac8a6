package fileio

import (
	"os"
	"path/filepath"
	"strings"
)

// OutputPath resolves an -o value the one way every command does: "" is defaultName, "-" is
// stdout, and a value naming an existing directory or ending in "/" means defaultName inside it.
// Anything else is the file to write. Missing parent directories are made when the file is
// created (CreateAtomicDirs). defaultName "" means the command has none (an artifact read from
// stdin): a directory is then returned as given, and creating it fails with "it is a directory".
func OutputPath(value, defaultName string) string {
	switch {
	case value == "":
		return defaultName
	case value == "-" || defaultName == "":
		return value
	case strings.HasSuffix(value, "/") || strings.HasSuffix(value, string(filepath.Separator)):
		return value + defaultName
	}
	if st, err := os.Stat(value); err == nil && st.IsDir() {
		return filepath.Join(value, defaultName)
	}
	return value
}
