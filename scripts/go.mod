module github.com/mcpg-dev/mcpg-plugins/scripts

go 1.26.8
