// Package buildinfo holds what the build stamps into every mcpg-plugins binary.
package buildinfo

// Version is the release of every mcpg-plugins binary, stamped at build time with
// -ldflags "-X github.com/mcpg-dev/mcpg-plugins/shared/buildinfo.Version=…".
var Version = "0.1.0-dev"
