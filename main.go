// Command terraform-provider-bifrost serves the Bifrost provider to Terraform and OpenTofu.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/protocolserver"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

const address = "registry.terraform.io/bifrost-platform/bifrost"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		// What providerserver.Serve does for ServeOpts.Debug.
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		// Started by a CLI, which drops the provider's log lines below the level the user asked
		// for: have the SDK loggers (TRACE by default) not format those lines at all. Not under
		// -debug, where the logs go to this process's stderr, not through a CLI. The reasons are
		// at protocolserver.SetDefaultLogLevels.
		if err := protocolserver.SetDefaultLogLevels(address); err != nil {
			log.Fatal(err.Error())
		}
	}

	// protocolserver.New instead of providerserver.Serve: the framework's server retains every
	// RPC's context until StopProvider, which grows the process by ~14 KB per RPC; see the
	// protocolserver package comment.
	factory := protocolserver.New(provider.New(version))
	serve := func() tfprotov6.ProviderServer {
		s, err := factory()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	}
	if err := tf6server.Serve(address, serve, opts...); err != nil {
		log.Fatal(err.Error())
	}
}
