//go:build !unix

package main

import "os"

func exitStatus(ps *os.ProcessState) string { return ps.String() }
