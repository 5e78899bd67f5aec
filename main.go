// Command terraform-provider-bifrost serves the Bifrost provider to Terraform and OpenTofu.
package main

import (
	"flag"
	"log"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/protocolserver"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// protocolserver instead of providerserver.Serve: the framework's server retains every RPC's
	// context until StopProvider, which grows the process by ~14 KB per RPC; see the
	// protocolserver package comment.
	if err := protocolserver.Serve(provider.Address, provider.New(version), debug); err != nil {
		log.Fatal(err.Error())
	}
}
