module github.com/mcpg-dev/mcpg-plugins/e2e

go 1.26.8

require github.com/mcpg-dev/mcpg-plugins/shared v0.0.0

require (
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/rogpeppe/go-internal v1.16.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/tools v0.49.0 // indirect
)

replace github.com/mcpg-dev/mcpg-plugins/shared => ../shared
