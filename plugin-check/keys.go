package main

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// decodeGatewayPEM reads a trusted key the one way the gateway does (mcpg-plugin-host verify.rs
// decode_pem_ed25519_public_key: ed25519-dalek's from_public_key_pem over the trimmed text): a
// single "PUBLIC KEY" PEM block holding an Ed25519 SubjectPublicKeyInfo, nothing around it. Raw,
// hex and OpenSSH keys, which our own tools accept, are refused here as the gateway refuses them.
func decodeGatewayPEM(text string) (ed25519.PublicKey, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(text)))
	switch {
	case block == nil:
		return nil, errors.New("not a valid PEM-encoded Ed25519 public key")
	case len(strings.TrimSpace(string(rest))) != 0:
		return nil, errors.New("not a valid PEM-encoded Ed25519 public key (text after the PEM block)")
	case block.Type != "PUBLIC KEY":
		return nil, fmt.Errorf("not a valid PEM-encoded Ed25519 public key (a %q block, expected \"PUBLIC KEY\")", block.Type)
	case len(block.Headers) != 0:
		return nil, errors.New("not a valid PEM-encoded Ed25519 public key (PEM headers)")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not a valid PEM-encoded Ed25519 public key")
	}
	k, ok := pub.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("not a valid PEM-encoded Ed25519 public key (a %T)", pub)
	}
	return k, nil
}
