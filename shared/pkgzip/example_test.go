package pkgzip_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const exampleYAML = `schema: mcpg.dev/plugin/v1
id: dev.mcpg.example.gate
name: Example Gate
class: tool_gate
runtime: wasi-v1
protocol_version: "1.0"
`

// Write streams the artifact once and lays the entries out in the fixed order the gateway
// expects; with the same inputs the zip is the same, byte for byte.
func ExampleWrite() {
	pack := func() []byte {
		var zip bytes.Buffer
		_, err := pkgzip.Write(&zip, pkgzip.PackInput{
			Descriptor:   []byte(exampleYAML),
			Artifact:     strings.NewReader("\x00asm component bytes"),
			ArtifactName: pkgzip.EntryWasm,
			License:      []byte("MIT\n"),
		})
		if err != nil {
			log.Fatal(err)
		}
		return zip.Bytes()
	}
	first, second := pack(), pack()
	fmt.Println("reproducible:", bytes.Equal(first, second))
	// Output: reproducible: true
}

// Open checks a zip the way the gateway's unpack does before anything is read from it, and
// hands back the parsed descriptor; Artifact streams the artifact entry, checking its CRC.
func ExampleOpen() {
	var zip bytes.Buffer
	if _, err := pkgzip.Write(&zip, pkgzip.PackInput{
		Descriptor:   []byte(exampleYAML),
		Artifact:     strings.NewReader("\x00asm component bytes"),
		ArtifactName: pkgzip.EntryWasm,
	}); err != nil {
		log.Fatal(err)
	}

	p, err := pkgzip.Open(bytes.NewReader(zip.Bytes()), int64(zip.Len()), "gate.zip", pkgzip.DefaultLimits)
	if err != nil {
		log.Fatal(err) // a *pkgzip.FormatError names the rule the zip breaks
	}
	fmt.Println(p.Descriptor.ID, p.Descriptor.Runtime)
	for _, e := range p.Entries {
		fmt.Println(e.Name, e.Size, e.Mode)
	}
	artifact, err := p.Artifact()
	if err != nil {
		log.Fatal(err)
	}
	defer artifact.Close()
	data, err := io.ReadAll(artifact)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", data)
	// Output:
	// dev.mcpg.example.gate wasi-v1
	// plugin.yaml 130 -rw-r--r--
	// plugin.wasm 20 -rwxr-xr-x
	// "\x00asm component bytes"
}
