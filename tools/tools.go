//go:build tools

// Package tools pins the build tools that the GNUmakefile runs with `go run`.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
