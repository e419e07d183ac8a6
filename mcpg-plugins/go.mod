module github.com/mcpg-dev/mcpg-plugins/mcpg-plugins

go 1.26.8

require github.com/mcpg-dev/mcpg-plugins/shared v0.0.0

replace github.com/mcpg-dev/mcpg-plugins/shared => ../shared
