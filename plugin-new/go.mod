module github.com/mcpg-dev/mcpg-plugins/plugin-new

go 1.26.8

require github.com/mcpg-dev/mcpg-plugins/shared v0.0.0

require (
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/mcpg-dev/mcpg-plugins/shared => ../shared
