// Package shared is the library every mcpg-plugins tool is built on. It has no code of its own; each
// sub-package owns one noun. The rules they implement are in docs/contract.md and docs/native-abi.md.
//
// The gateway's formats:
//   - artifact: static checks of a plugin artifact before packing — native library format,
//     platform and exports, WebAssembly component preamble, the plugin.yaml embedded in it.
//   - descriptor: plugin.yaml — parsing exactly as the gateway does, schema and load-time
//     validation, the comparison with an embedded copy, canonical package file names.
//   - digest: SHA-256 over streams, in the gateway's two spellings (sha256:<hex> and bare hex).
//   - keys: Ed25519 keys in every form users hold them, streaming sign and verify, the .sig
//     sidecar path.
//   - pkgzip: the package zip — the reproducible writer, the strict reader, atomic extraction.
//   - revocation: the gateway's revocation list, with its exact validation.
//   - mcpgconfig: the gateway's config as it boots it — layers, the merge, the MCPG_* overlay —
//     and its plugins: part, decoded and validated with the gateway's messages at file:line:col.
//   - yamlscalar: how serde_yaml 0.9 (the gateway's YAML library) types a plain scalar's text —
//     null and bool spellings, integers, floats — for descriptor and mcpgconfig alike.
//   - yamlevents: libyaml 0.2.5's parser (under serde_yaml) — its events, marks and first error,
//     exactly, set up as serde_yaml sets it up; descriptor and mcpgconfig read YAML through it.
//   - rustfmt: Rust's formatting where a gateway message quotes a value ({:?} of a string).
//
// Distribution and the gateway's disk:
//   - oci: the network-free part of OCI distribution — references, the gateway's reference
//     resolution, the exact config and manifest bytes, manifest parsing.
//   - ociclient: the push/pull engine over registries and OCI image layout directories.
//   - dockercfg: registry credentials from a docker config.json, resolved as the gateway does.
//   - gwcache: the gateway's OCI pull cache and unpack cache — names, sidecars, the lock, writing a
//     pulled zip safely.
//   - digestcache: remembered digests and validity of large files, keyed by file identity.
//
// Plumbing:
//   - cli: what every binary shares — exit codes, error and hint formatting, flags, --json output,
//     checked stdout (a lost write is exit 3; a reader gone ends the tool by SIGPIPE).
//   - hint: advice a library attaches to its error without knowing the CLI; cli prints it as "hint:".
//   - fileio: atomic output files, stdin spooling, bounded small-file reads, inputs looked at before
//     they are opened (pipes bounded, devices and directories refused), interrupt cleanup, Inputs
//     (an output that is one of the command's inputs, by device and inode, is refused).
//   - proc: a child in its own process group, stopped or killed with everything it started (on
//     Linux also what escaped it, through a child subreaper), parent-death signal.
//   - retry: one retry helper — predicate, backoff, Retry-After.
//   - buildinfo: the version string every tool reports.
//   - clitest: testscript setup and the script commands every tool's tests share (tests only).
//   - testregistry: the CNCF distribution registry of scripts/install-test-tools on 127.0.0.1 —
//     plain, basic auth, TLS, mTLS — and package zips to push to it (tests only).
//   - internal/textdist: edit distance for "did you mean" suggestions.
//   - internal/depcheck: a test only, that no library package depends on cli.
package shared
