module github.com/mcpg-dev/mcpg-plugins/plugin-harness

go 1.26.8

require (
	github.com/ebitengine/purego v0.11.3
	github.com/mcpg-dev/mcpg-plugins/shared v0.0.0
	github.com/rogpeppe/go-internal v1.16.0
	github.com/tetratelabs/wazero v1.12.0
)

require (
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/tools v0.49.0 // indirect
)

replace github.com/mcpg-dev/mcpg-plugins/shared => ../shared
