package clitest

import "path/filepath"

func matchGlob(pattern, name string) (bool, error) { return filepath.Match(pattern, name) }
