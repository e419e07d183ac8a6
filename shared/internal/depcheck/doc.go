// Package depcheck holds no code, only a test of the shared module's layering: no library package
// depends on shared/cli, the command-line conventions (exit codes, flags, hints) that only tools
// and their helpers may know.
package depcheck
