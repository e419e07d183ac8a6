//go:build !linux

package main

func probeSubreaper() int { return 1 }

// subreaperHolds: the harness has no child subreaper outside Linux (proc.CatchesEscapees).
func subreaperHolds() bool { return false }
