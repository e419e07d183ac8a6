package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// Manifest media types the host accepts on pull (docs/contract.md §5.3); the last two are indexes.
const (
	DockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json"
	IndexMediaType          = "application/vnd.oci.image.index.v1+json"
	DockerListMediaType     = "application/vnd.docker.distribution.manifest.list.v2+json"
)

// Size caps for what pull reads before parsing.
const (
	MaxManifestSize = 4 << 20 // the distribution registry's own manifest limit
	MaxConfigSize   = descriptor.MaxSize
)

// TitleAnnotation names a blob's file: ORAS pulls a layer only when it carries one, and writes it
// under that name.
const TitleAnnotation = "org.opencontainers.image.title"

// Descriptor is an OCI content descriptor as MCPG writes it: no urls, and no annotations unless a
// title is asked for.
type Descriptor struct {
	MediaType string
	Digest    string // "sha256:<hex>"
	Size      int64
	// Title, when set, is written as the TitleAnnotation. The reference push never sets one
	// (docs/contract.md §5.1), so it changes the manifest's bytes and digest. ParseManifest does not
	// read it back.
	Title string
}

// DescriptorOf describes the blob b.
func DescriptorOf(mediaType string, b []byte) Descriptor {
	return Descriptor{MediaType: mediaType, Digest: digest.Of(b).String(), Size: int64(len(b))}
}

// Config is the MCPG config blob (docs/contract.md §5.1).
type Config struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Class           string `json:"class"`
	Runtime         string `json:"runtime"`
	ProtocolVersion string `json:"protocol_version"`
	Schema          string `json:"schema"`
	HasSignature    bool   `json:"has_signature"`
}

// ConfigFor is the config the reference push derives from a package's descriptor.
func ConfigFor(d *descriptor.Descriptor, hasSignature bool) Config {
	return Config{ID: d.ID, Name: d.Name, Class: d.Class, Runtime: d.Runtime,
		ProtocolVersion: d.ProtocolVersion, Schema: d.Schema, HasSignature: hasSignature}
}

// ConfigJSON is the exact config blob the reference push uploads: ConfigFor(d, hasSignature).JSON().
func ConfigJSON(d *descriptor.Descriptor, hasSignature bool) []byte {
	return ConfigFor(d, hasSignature).JSON()
}

// JSON is serde_json's compact encoding of c: keys in the contract's order, non-ASCII verbatim,
// only '"', '\\' and control characters escaped (see appendSerdeString).
func (c Config) JSON() []byte {
	b := make([]byte, 0, 256)
	sep := byte('{')
	for _, f := range [...]struct{ k, v string }{
		{"id", c.ID}, {"name", c.Name}, {"class", c.Class}, {"runtime", c.Runtime},
		{"protocol_version", c.ProtocolVersion}, {"schema", c.Schema},
	} {
		b = append(b, sep, '"')
		sep = ','
		b = append(b, f.k...)
		b = append(b, `":`...)
		b = appendSerdeString(b, f.v)
	}
	return append(b, `,"has_signature":`+strconv.FormatBool(c.HasSignature)+`}`...)
}

// appendSerdeString quotes s as serde_json does: '"' and '\\' backslashed, \b \t \n \f \r short,
// other bytes below 0x20 as \u00xx (lowercase hex), everything else (DEL, U+2028, all non-ASCII)
// verbatim. Go's encoder differs (it escapes U+2028/U+2029), hence this. A Rust string is always
// UTF-8; invalid bytes here become U+FFFD as a lossy conversion would.
func appendSerdeString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, `\b`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\f':
			b = append(b, `\f`...)
		case '\r':
			b = append(b, `\r`...)
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
		i++
	}
	return append(b, '"')
}

// appendCanonicalString quotes s as olpc-cjson (the manifest's formatter) does: only '"' and '\\'
// are escaped. Media types and digests are plain ASCII, where every encoder agrees; a title is
// checked by CheckTitle, which keeps out what olpc-cjson would write as invalid JSON.
func appendCanonicalString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// CheckTitle says why s cannot be a layer's title: it must be a plain file name, valid UTF-8 without
// control characters (they would need escapes canonical JSON does not define) and without a path
// separator (ORAS refuses to write a title that leaves its output directory).
func CheckTitle(s string) error {
	switch {
	case s == "" || s == "." || s == "..":
		return fmt.Errorf("title %q is not a file name", s)
	case !utf8.ValidString(s):
		return fmt.Errorf("title %q is not valid UTF-8", s)
	case strings.ContainsAny(s, "/\\"):
		return fmt.Errorf("title %q holds a path separator; a title is a file name", s)
	case strings.ContainsFunc(s, unicode.IsControl):
		return fmt.Errorf("title %q holds a control character", s)
	}
	return nil
}

// ManifestJSON is the exact manifest the reference push PUTs (docs/contract.md §5.1): canonical JSON with
// sorted keys and no whitespace, artifactType set, no top-level mediaType, no annotations, one layer.
// A descriptor with a Title (see CheckTitle) gains {"annotations":{TitleAnnotation:title}}, first
// as the sorted keys put it; the gateway ignores annotations, so it still pulls the result.
func ManifestJSON(config, layer Descriptor) []byte {
	b := make([]byte, 0, 400)
	b = append(b, `{"artifactType":`...)
	b = appendCanonicalString(b, ArtifactType)
	b = append(b, `,"config":`...)
	b = appendDescriptor(b, config)
	b = append(b, `,"layers":[`...)
	b = appendDescriptor(b, layer)
	return append(b, `],"schemaVersion":2}`...)
}

func appendDescriptor(b []byte, d Descriptor) []byte {
	b = append(b, '{')
	if d.Title != "" {
		b = append(b, `"annotations":{`...)
		b = appendCanonicalString(b, TitleAnnotation)
		b = append(b, ':')
		b = appendCanonicalString(b, d.Title)
		b = append(b, `},`...)
	}
	b = append(b, `"digest":`...)
	b = appendCanonicalString(b, d.Digest)
	b = append(b, `,"mediaType":`...)
	b = appendCanonicalString(b, d.MediaType)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, d.Size, 10)
	return append(b, '}')
}

// Manifest is a pulled image manifest, validated for MCPG by ParseManifest.
type Manifest struct {
	SchemaVersion int
	MediaType     string // "" when absent (as MCPG pushes it)
	ArtifactType  string // "" when absent; never checked, like the host
	Config        Descriptor
	Layers        []Descriptor // exactly one, of LayerMediaType
}

// Layer is the package zip's descriptor.
func (m *Manifest) Layer() Descriptor { return m.Layers[0] }

// IncompatibleLayerError is a layer whose media type is not LayerMediaType (the host's
// IncompatibleLayerMediaTypeError).
type IncompatibleLayerError struct {
	Index     int
	MediaType string
}

func (e *IncompatibleLayerError) Error() string {
	return fmt.Sprintf("manifest: layers[%d] has media type %s; an MCPG plugin layer is %q (not an MCPG plugin artifact)",
		e.Index, textclip.Quote(e.MediaType), LayerMediaType)
}

// ParseManifest parses and validates a manifest the way the host's pull does (docs/contract.md §5.3):
// schemaVersion 2; a present mediaType must be an OCI or docker v2 image manifest type (an index is
// refused here: resolve it to a platform manifest first); every layer must be LayerMediaType; at
// least one layer. Stricter than the host: exactly one layer (the host would silently take the first
// of several; MCPG never pushes more, so more is refused as ambiguous), digests must be sha256 with
// lowercase hex, sizes non-negative, duplicate keys and trailing data refused, at most
// MaxManifestSize bytes. Unknown fields are ignored, as serde does.
func ParseManifest(b []byte) (*Manifest, error) {
	if len(b) > MaxManifestSize {
		return nil, fmt.Errorf("manifest: %d bytes; at most %d accepted", len(b), MaxManifestSize)
	}
	obj, err := decodeObject(b)
	if err != nil {
		return nil, fmt.Errorf("manifest: %v", err)
	}
	m := &Manifest{}
	sv, ok := obj["schemaVersion"]
	if !ok {
		return nil, errors.New("manifest: missing schemaVersion")
	}
	if n, err := strconv.Atoi(string(sv)); err != nil || n != 2 {
		return nil, fmt.Errorf("manifest: schemaVersion is %s; expected 2", clipJSON(sv))
	}
	m.SchemaVersion = 2
	if m.MediaType, err = optionalString(obj, "mediaType"); err != nil {
		return nil, fmt.Errorf("manifest: %v", err)
	}
	switch m.MediaType {
	case "", ManifestMediaType, DockerManifestMediaType:
	case IndexMediaType, DockerListMediaType:
		return nil, fmt.Errorf("manifest: is an image index (%s), not a plugin manifest", textclip.Clip(m.MediaType))
	default:
		return nil, fmt.Errorf("manifest: mediaType %s is not a manifest type (%s or %s)", textclip.Quote(m.MediaType), ManifestMediaType, DockerManifestMediaType)
	}
	if m.ArtifactType, err = optionalString(obj, "artifactType"); err != nil {
		return nil, fmt.Errorf("manifest: %v", err)
	}
	if _, isIndex := obj["manifests"]; isIndex && obj["layers"] == nil {
		return nil, errors.New("manifest: is an image index (has \"manifests\"), not a plugin manifest")
	}

	raw, ok := obj["config"]
	if !ok {
		return nil, errors.New("manifest: missing config")
	}
	if m.Config, err = parseDescriptor(raw, "config"); err != nil {
		return nil, fmt.Errorf("manifest: %v", err)
	}
	raw, ok = obj["layers"]
	if !ok {
		return nil, errors.New("manifest: missing layers")
	}
	var layers []json.RawMessage
	if err := json.Unmarshal(raw, &layers); err != nil || layers == nil {
		return nil, fmt.Errorf("manifest: layers is %s; expected an array", clipJSON(raw))
	}
	if len(layers) == 0 {
		return nil, errors.New("manifest: has no layers; an MCPG plugin has one layer of " + LayerMediaType)
	}
	for i, raw := range layers {
		d, err := parseDescriptor(raw, fmt.Sprintf("layers[%d]", i))
		if err != nil {
			return nil, fmt.Errorf("manifest: %v", err)
		}
		if d.MediaType != LayerMediaType {
			return nil, &IncompatibleLayerError{Index: i, MediaType: d.MediaType}
		}
		m.Layers = append(m.Layers, d)
	}
	if len(m.Layers) > 1 {
		return nil, fmt.Errorf("manifest: has %d layers; an MCPG plugin has exactly one (the gateway would take the first)", len(m.Layers))
	}
	return m, nil
}

func parseDescriptor(raw json.RawMessage, where string) (Descriptor, error) {
	obj, err := decodeObject(raw)
	if err != nil {
		return Descriptor{}, fmt.Errorf("%s: %v", where, err)
	}
	var d Descriptor
	if d.MediaType, err = requiredString(obj, "mediaType"); err != nil {
		return d, fmt.Errorf("%s: %v", where, err)
	}
	if d.Digest, err = requiredString(obj, "digest"); err != nil {
		return d, fmt.Errorf("%s: %v", where, err)
	}
	if err := checkDigest(d.Digest); err != nil {
		return d, fmt.Errorf("%s: %v", where, err)
	}
	if len(d.Digest) < 7 || d.Digest[:7] != digest.Prefix {
		return d, fmt.Errorf("%s: digest %s is not sha256; MCPG blobs are verified with sha256", where, textclip.Quote(d.Digest))
	}
	size, ok := obj["size"]
	if !ok {
		return d, fmt.Errorf("%s: missing size", where)
	}
	if d.Size, err = strconv.ParseInt(string(size), 10, 64); err != nil || d.Size < 0 {
		return d, fmt.Errorf("%s: size is %s; expected a non-negative integer", where, clipJSON(size))
	}
	return d, nil
}

// ParseConfig parses an MCPG config blob like the host's serde does: every field present with the
// right type, unknown fields ignored; stricter in refusing duplicate keys and trailing data.
// (The host ignores a config that fails to parse; callers may do the same.)
func ParseConfig(b []byte) (*Config, error) {
	if len(b) > MaxConfigSize {
		return nil, fmt.Errorf("config: %d bytes; at most %d accepted", len(b), MaxConfigSize)
	}
	obj, err := decodeObject(b)
	if err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	c := &Config{}
	for _, f := range []struct {
		key string
		dst *string
	}{{"id", &c.ID}, {"name", &c.Name}, {"class", &c.Class}, {"runtime", &c.Runtime},
		{"protocol_version", &c.ProtocolVersion}, {"schema", &c.Schema}} {
		if *f.dst, err = requiredString(obj, f.key); err != nil {
			return nil, fmt.Errorf("config: %v", err)
		}
	}
	raw, ok := obj["has_signature"]
	if !ok {
		return nil, errors.New("config: missing has_signature")
	}
	if s := string(raw); s == "true" || s == "false" {
		c.HasSignature = s == "true"
	} else {
		return nil, fmt.Errorf("config: has_signature is %s; expected true or false", clipJSON(raw))
	}
	return c, nil
}

// decodeObject reads exactly one JSON object, refusing invalid UTF-8 (Go would silently replace it),
// duplicate keys (serde refuses them for known fields; Go keeps the last) and trailing data.
func decodeObject(b []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(b) {
		return nil, errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	obj := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("invalid JSON: object key %v", tok)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("invalid JSON at %s: %v", textclip.Quote(key), err)
		}
		if _, dup := obj[key]; dup {
			return nil, fmt.Errorf("duplicate key %s", textclip.Quote(key))
		}
		obj[key] = v
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, fmt.Errorf("invalid JSON: unterminated object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return obj, nil
}

func requiredString(obj map[string]json.RawMessage, key string) (string, error) {
	if raw, ok := obj[key]; !ok || string(raw) == "null" {
		return "", fmt.Errorf("missing %s", key)
	}
	return optionalString(obj, key)
}

func optionalString(obj map[string]json.RawMessage, key string) (string, error) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" { // serde reads null as an absent Option
		return "", nil
	}
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("%s is %s; expected a string", key, clipJSON(raw))
	}
	return s, nil
}

// clipJSON shows a JSON value in an error line, shortened.
func clipJSON(raw []byte) string {
	if len(raw) > 60 {
		return string(raw[:60]) + "…"
	}
	return string(raw)
}
