package oci_test

import (
	"fmt"
	"log"

	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

func ExampleParseReference() {
	ref, err := oci.ParseReference("ghcr.io/acme/plugins/gate:1.2.0@sha256:5cc1db2d8b2122b838658bd6f5fe6723fa02683b9bfc5941774862ce423f0f36")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ref.Registry, ref.Repository, ref.Tag)
	fmt.Println("fetch by:", ref.Identifier()) // a digest pin wins over the tag

	// Like docker, ParseReference puts an unqualified name on docker.io. The gateway prepends its
	// own default registry instead: NormaliseReference first gives the gateway's reading.
	for _, s := range []string{"gate:1.2.0", oci.NormaliseReference("gate:1.2.0", oci.DefaultRegistry)} {
		r, err := oci.ParseReference(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r)
	}

	// An error is one line naming the reference and the rule it breaks.
	_, err = oci.ParseReference("ghcr.io/Acme/gate")
	fmt.Println(err)
	// Output:
	// ghcr.io acme/plugins/gate 1.2.0
	// fetch by: sha256:5cc1db2d8b2122b838658bd6f5fe6723fa02683b9bfc5941774862ce423f0f36
	// docker.io/library/gate:1.2.0
	// ghcr.io/mcpg-dev/source-code/plugins/gate:1.2.0
	// reference "ghcr.io/Acme/gate": repository "Acme/gate" must be lowercase
}
