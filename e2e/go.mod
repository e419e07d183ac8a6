module github.com/mcpg-dev/mcpg-plugins/e2e

go 1.26.8

require github.com/mcpg-dev/mcpg-plugins/shared v0.0.0

require github.com/rogpeppe/go-internal v1.16.0 // indirect

replace github.com/mcpg-dev/mcpg-plugins/shared => ../shared
