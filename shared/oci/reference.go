package oci

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
)

// Docker Hub names (docker/distribution normalize.go, mirrored by oci-client's Reference).
const (
	DockerHubRegistry       = "docker.io"
	dockerHubLegacyRegistry = "index.docker.io"
	dockerHubOfficialPrefix = "library/"
)

// Limits of the distribution grammar.
const (
	MaxRepositoryLength = 255 // repository path, as oci-client and the registry check it
	MaxTagLength        = 128
	maxReferenceLength  = 4096 // hostile input guard; a valid reference is far shorter
)

// Reference is a parsed registry reference: Registry/Repository[:Tag][@Digest].
// Tag and Digest are "" when absent (an absent tag means "latest" on the wire; see Identifier).
type Reference struct {
	Registry   string // host[:port] or [ipv6][:port]
	Repository string // lowercase path components joined by "/"
	Tag        string
	Digest     string // algorithm:hex
}

// String is the reference's canonical text; ParseReference(r.String()) == r for any parsed r.
func (r Reference) String() string {
	s := r.Name()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Name is Registry/Repository, without tag or digest.
func (r Reference) Name() string {
	if r.Registry == "" {
		return r.Repository
	}
	return r.Registry + "/" + r.Repository
}

// Identifier is what the registry API addresses the manifest by: the digest when pinned, else the
// tag, else "latest" (oci-client's default).
func (r Reference) Identifier() string {
	switch {
	case r.Digest != "":
		return r.Digest
	case r.Tag != "":
		return r.Tag
	}
	return "latest"
}

// WithTag returns r addressed by tag instead (digest dropped).
func (r Reference) WithTag(tag string) Reference {
	r.Tag, r.Digest = tag, ""
	return r
}

// ReferenceError says what is wrong with a reference.
type ReferenceError struct {
	Ref    string
	Reason string
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("reference %q: %s", RedactUserinfo(e.Ref), e.Reason)
}

// ParseReference parses s with the docker/OCI distribution grammar oci-client's Reference accepts
// (docs/contract.md §5.2):
//
//	[registry/]repository[:tag][@algorithm:hex]
//
// The first "/"-component is the registry only when it contains "." or ":" or is "localhost"
// (IPv6 as "[::1]:5000"); otherwise, exactly like docker and the reference CLI, the registry is
// docker.io and a one-component repository gets the "library/" prefix ("audit:1" →
// docker.io/library/audit:1); index.docker.io is spelled docker.io. The gateway never does this — it
// prepends its default registry: call NormaliseReference first for gateway semantics.
//
// Stricter than oci-client where oci-client would only fail later at the registry: an uppercase
// first component ("Foo/bar") is a repository error rather than a registry named Foo, digest hex must
// be lowercase, and ports must be 0..65535. A missing tag stays "" (Identifier supplies "latest").
func ParseReference(s string) (Reference, error) {
	fail := func(format string, args ...any) (Reference, error) {
		return Reference{}, &ReferenceError{Ref: clipRef(RedactUserinfo(s)), Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case userinfoEnd(s) >= 0:
		return Reference{}, hint.Wrap(&ReferenceError{Ref: clipRef(RedactUserinfo(s)), Reason: "credentials do not belong in a reference"},
			"give the user with -u and the password with -p env:VAR or --password-stdin, or log in with docker")
	case s == "":
		return fail("empty reference")
	case len(s) > maxReferenceLength:
		return fail("%d bytes long; a reference is at most %d", len(s), maxReferenceLength)
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		return fail("a reference has no URL scheme; drop %q", s[:strings.Index(s, "//")+2])
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return fail("contains %s at byte %d; a reference is printable ASCII without spaces", describeByte(c), i)
		}
	}

	var r Reference
	name := s
	if at := strings.IndexByte(s, '@'); at >= 0 {
		name, r.Digest = s[:at], s[at+1:]
		if err := checkDigest(r.Digest); err != nil {
			return fail("%v", err)
		}
	}
	if lastColon, lastSlash := strings.LastIndexByte(name, ':'), strings.LastIndexByte(name, '/'); lastColon > lastSlash {
		name, r.Tag = name[:lastColon], name[lastColon+1:]
		if err := checkTag(r.Tag); err != nil {
			return fail("%v", err)
		}
	}
	if name == "" {
		return fail("missing repository name")
	}

	r.Registry, r.Repository = DockerHubRegistry, name
	if first, rest, ok := strings.Cut(name, "/"); ok && isRegistryLike(first) {
		if err := checkRegistry(first); err != nil {
			return fail("%v", err)
		}
		r.Registry, r.Repository = first, rest
	}
	if r.Registry == dockerHubLegacyRegistry {
		r.Registry = DockerHubRegistry
	}
	if err := checkRepository(r.Repository); err != nil {
		return fail("%v", err)
	}
	if r.Registry == DockerHubRegistry && !strings.Contains(r.Repository, "/") {
		r.Repository = dockerHubOfficialPrefix + r.Repository
	}
	if len(r.Repository) > MaxRepositoryLength {
		return fail("repository is %d characters; at most %d", len(r.Repository), MaxRepositoryLength)
	}
	return r, nil
}

// isRegistryLike is docker's (and the gateway's) "registry-shaped first component" test.
func isRegistryLike(first string) bool {
	return strings.ContainsAny(first, ".:") || first == "localhost"
}

// checkRegistry: host[:port], host = dotted DNS labels ([A-Za-z0-9], inner '-') or [IPv6].
func checkRegistry(reg string) error {
	host, port := reg, ""
	if strings.HasPrefix(reg, "[") {
		end := strings.IndexByte(reg, ']')
		if end < 0 {
			return fmt.Errorf("registry %q: missing ']' after the IPv6 address", reg)
		}
		host, port = reg[:end+1], reg[end+1:]
		if a, err := netip.ParseAddr(host[1:end]); err != nil || !a.Is6() || a.Zone() != "" {
			return fmt.Errorf("registry %q: %q is not an IPv6 address", reg, host[1:end])
		}
		if port != "" && !strings.HasPrefix(port, ":") {
			return fmt.Errorf("registry %q: expected ':port' after ']'", reg)
		}
		port = strings.TrimPrefix(port, ":")
		if reg[len(reg)-1] == ':' {
			return fmt.Errorf("registry %q: empty port", reg)
		}
	} else if i := strings.IndexByte(reg, ':'); i >= 0 {
		host, port = reg[:i], reg[i+1:]
		if port == "" {
			return fmt.Errorf("registry %q: empty port", reg)
		}
	}
	if port != "" {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return fmt.Errorf("registry %q: port %q is not a number from 0 to 65535", reg, port)
		}
	}
	if strings.HasPrefix(host, "[") {
		return nil
	}
	if host == "" {
		return fmt.Errorf("registry %q: empty host", reg)
	}
	for label := range strings.SplitSeq(host, ".") {
		if !validLabel(label) {
			return fmt.Errorf("registry %q: host label %q must be letters, digits and inner '-'", reg, label)
		}
	}
	return nil
}

func validLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !isAlnum(c) && c != '-' && !('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// checkRepository: components [a-z0-9]+ joined by '.', '_', '__' or runs of '-', separated by '/'.
func checkRepository(repo string) error {
	if strings.ToLower(repo) != repo {
		return fmt.Errorf("repository %q must be lowercase", repo)
	}
	for comp := range strings.SplitSeq(repo, "/") {
		if comp == "" {
			return fmt.Errorf("repository %q has an empty path component", repo)
		}
		if err := checkComponent(comp); err != nil {
			return fmt.Errorf("repository %q: component %q %v", repo, comp, err)
		}
	}
	return nil
}

func checkComponent(c string) error {
	if i := strings.IndexFunc(c, func(r rune) bool { return !isAlnumRune(r) && r != '.' && r != '_' && r != '-' }); i >= 0 {
		return fmt.Errorf("contains %q; allowed: a-z, 0-9, '.', '_', '-'", c[i:i+1])
	}
	if !isAlnum(c[0]) || !isAlnum(c[len(c)-1]) {
		return fmt.Errorf("must start and end with a lowercase letter or digit")
	}
	for sep := range strings.FieldsFuncSeq(c, isAlnumRune) {
		if sep != "." && sep != "_" && sep != "__" && strings.Trim(sep, "-") != "" {
			return fmt.Errorf("has separator %q; allowed: '.', '_', '__' or '-'s", sep)
		}
	}
	return nil
}

// checkTag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
func checkTag(tag string) error {
	switch {
	case tag == "":
		return fmt.Errorf("empty tag after ':'")
	case len(tag) > MaxTagLength:
		return fmt.Errorf("tag is %d characters; at most %d", len(tag), MaxTagLength)
	case tag[0] == '.' || tag[0] == '-':
		return fmt.Errorf("tag %q must start with a letter, digit or '_'", tag)
	}
	for i := 0; i < len(tag); i++ {
		if c := tag[i]; !isWord(c) && c != '.' && c != '-' {
			return fmt.Errorf("tag %q contains %q; allowed: letters, digits, '_', '.', '-'", tag, string(c))
		}
	}
	return nil
}

// digestHexLen is the encoded length of each algorithm oci-client accepts.
var digestHexLen = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// checkDigest: algorithm:hex with a supported algorithm and lowercase hex of its exact length.
func checkDigest(d string) error {
	algo, hexPart, ok := strings.Cut(d, ":")
	if !ok {
		return fmt.Errorf("digest %q must be algorithm:hex, e.g. sha256:<64 hex digits>", d)
	}
	want, known := digestHexLen[algo]
	if !known {
		return fmt.Errorf("digest algorithm %q is not supported (sha256, sha384, sha512)", algo)
	}
	if len(hexPart) != want {
		return fmt.Errorf("%s digest has %d hex digits; expected %d", algo, len(hexPart), want)
	}
	for i := 0; i < len(hexPart); i++ {
		if c := hexPart[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("digest %q: %q is not a lowercase hex digit", d, string(c))
		}
	}
	return nil
}

func isAlnum(c byte) bool     { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
func isAlnumRune(r rune) bool { return r < 0x80 && isAlnum(byte(r)) }
func isWord(c byte) bool      { return isAlnum(c) || 'A' <= c && c <= 'Z' || c == '_' }

func describeByte(c byte) string {
	if c == ' ' {
		return "a space"
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// clipRef keeps hostile input from flooding an error line.
func clipRef(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// RedactUserinfo hides the credentials of a reference written URL-style,
// "user:pass@host/repo" (or with a scheme), as "***@host/repo", so that no message, receipt or
// JSON report repeats a password. Everything else is returned unchanged; a one-component
// "repo@sha256:…" is a digest, not userinfo, and stays.
func RedactUserinfo(s string) string {
	if at := userinfoEnd(s); at >= 0 {
		start := 0
		if i := strings.Index(s, "://"); i >= 0 && i < at {
			start = i + 3
		}
		return s[:start] + "***" + s[at:]
	}
	return s
}

// userinfoEnd is the index of the '@' ending the userinfo of s, or -1 when s has none: an '@'
// before the first '/' of the authority, when a path follows or the part before it holds a ':'
// (user:pass). A digest's '@' comes after the repository.
func userinfoEnd(s string) int {
	rest, offset := s, 0
	if i := strings.Index(s, "://"); i >= 0 {
		rest, offset = s[i+3:], i+3
	}
	authority, _, hasPath := strings.Cut(rest, "/")
	at := strings.LastIndexByte(authority, '@')
	if at < 0 || !hasPath && !strings.Contains(authority[:at], ":") {
		return -1
	}
	return offset + at
}
