// Package shared is the library every mcpg-plugins tool is built on. It has no code of its own; the nouns
// live in its sub-packages: cli (conventions every binary shares), digest (SHA-256 in the forms the
// gateway uses), descriptor (plugin.yaml), pkgzip (the package ZIP), keys (Ed25519 keys and signatures).
package shared
