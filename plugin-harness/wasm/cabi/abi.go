package cabi

// The canonical ABI's layout rules (WebAssembly/component-model design/mvp/CanonicalABI.md,
// "Alignment", "Element Size", "Flattening"), for exactly the kinds of value the MCPG worlds use.
// Every offset and core signature in this package is computed from these rules rather than typed
// in by hand, so the spec decides; abi_test.go pins the results.

import "fmt"

// ValType is a core WebAssembly value type, in its binary encoding (the same bytes as wazero's
// api.ValueType), so a runtime can compare a core export's signature with CoreSig directly.
type ValType byte

const (
	I32 ValType = 0x7f
	I64 ValType = 0x7e
)

func (v ValType) String() string {
	switch v {
	case I32:
		return "i32"
	case I64:
		return "i64"
	}
	return fmt.Sprintf("valtype(0x%02x)", byte(v))
}

// The limits on flat values for a synchronous function (CanonicalABI.md "Flattening").
const (
	MaxFlatParams  = 16
	MaxFlatResults = 1
)

type kind uint8

const (
	kindU16 kind = iota + 1
	kindS32
	kindU64
	kindString
	kindList
	kindRecord  // tuples are records with fields named 0, 1, …
	kindVariant // options are variant { none, some(T) }
)

// witType is a component-level value type of the MCPG worlds.
type witType struct {
	Name   string
	kind   kind
	elem   *witType // list
	fields []field  // record
	cases  []vcase  // variant
}

type field struct {
	name string
	t    *witType
}

type vcase struct {
	name string
	t    *witType // nil: no payload
}

func prim(name string, k kind) *witType { return &witType{Name: name, kind: k} }

func list(elem *witType) *witType {
	return &witType{Name: "list<" + elem.Name + ">", kind: kindList, elem: elem}
}

func record(name string, fields ...field) *witType {
	return &witType{Name: name, kind: kindRecord, fields: fields}
}

func tuple(ts ...*witType) *witType {
	name := "tuple<"
	fs := make([]field, len(ts))
	for i, t := range ts {
		fs[i] = field{fmt.Sprint(i), t}
		if i > 0 {
			name += ","
		}
		name += t.Name
	}
	return &witType{Name: name + ">", kind: kindRecord, fields: fs}
}

func variant(name string, cases ...vcase) *witType {
	return &witType{Name: name, kind: kindVariant, cases: cases}
}

func option(t *witType) *witType {
	return variant("option<"+t.Name+">", vcase{"none", nil}, vcase{"some", t})
}

// discriminantSize is the byte size of a variant's case index: u8 up to 256 cases, u16 up to
// 65536, u32 beyond (CanonicalABI.md discriminant_type).
func discriminantSize(n int) uint32 {
	switch {
	case n <= 1<<8:
		return 1
	case n <= 1<<16:
		return 2
	}
	return 4
}

func alignTo(n, align uint32) uint32 { return (n + align - 1) / align * align }

// Align is the type's alignment in linear memory (wasm32).
func (t *witType) Align() uint32 {
	switch t.kind {
	case kindU16:
		return 2
	case kindS32:
		return 4
	case kindU64:
		return 8
	case kindString, kindList:
		return 4
	case kindRecord:
		a := uint32(1)
		for _, f := range t.fields {
			a = max(a, f.t.Align())
		}
		return a
	case kindVariant:
		return max(discriminantSize(len(t.cases)), t.maxCaseAlign())
	}
	panic("cabi: unknown kind") // unreachable: Types are built only in this package
}

func (t *witType) maxCaseAlign() uint32 {
	a := uint32(1)
	for _, c := range t.cases {
		if c.t != nil {
			a = max(a, c.t.Align())
		}
	}
	return a
}

// Size is the type's element size in linear memory (wasm32).
func (t *witType) Size() uint32 {
	switch t.kind {
	case kindU16:
		return 2
	case kindS32:
		return 4
	case kindU64:
		return 8
	case kindString, kindList:
		return 8 // pointer, length
	case kindRecord:
		var s uint32
		for _, f := range t.fields {
			s = alignTo(s, f.t.Align()) + f.t.Size()
		}
		return alignTo(s, t.Align())
	case kindVariant:
		s := t.PayloadOffset()
		var cs uint32
		for _, c := range t.cases {
			if c.t != nil {
				cs = max(cs, c.t.Size())
			}
		}
		return alignTo(s+cs, t.Align())
	}
	panic("cabi: unknown kind")
}

// PayloadOffset is where a variant's payload starts: after the discriminant, aligned to the
// largest case alignment.
func (t *witType) PayloadOffset() uint32 {
	return alignTo(discriminantSize(len(t.cases)), t.maxCaseAlign())
}

// FieldOffsets are a record's field offsets, in declaration order.
func (t *witType) FieldOffsets() []uint32 {
	offs := make([]uint32, len(t.fields))
	var s uint32
	for i, f := range t.fields {
		s = alignTo(s, f.t.Align())
		offs[i] = s
		s += f.t.Size()
	}
	return offs
}

// Flat is the type's flattening into core values.
func (t *witType) Flat() []ValType {
	switch t.kind {
	case kindU16, kindS32:
		return []ValType{I32}
	case kindU64:
		return []ValType{I64}
	case kindString, kindList:
		return []ValType{I32, I32}
	case kindRecord:
		var flat []ValType
		for _, f := range t.fields {
			flat = append(flat, f.t.Flat()...)
		}
		return flat
	case kindVariant:
		var flat []ValType
		for _, c := range t.cases {
			if c.t == nil {
				continue
			}
			for i, v := range c.t.Flat() {
				if i < len(flat) {
					flat[i] = join(flat[i], v)
				} else {
					flat = append(flat, v)
				}
			}
		}
		return append([]ValType{I32}, flat...) // any discriminant flattens to i32
	}
	panic("cabi: unknown kind")
}

// join is the flat type two variant cases share at one position (no floats occur here).
func join(a, b ValType) ValType {
	if a == b {
		return a
	}
	return I64
}

// The WIT types of package mcpg:plugin@0.1.0, interface types, in declaration order: the order is
// the ABI.
var (
	tU16       = prim("u16", kindU16)
	tS32       = prim("s32", kindS32)
	tU64       = prim("u64", kindU64)
	tString    = prim("string", kindString)
	tOptString = option(tString)
	tStrings   = list(tString)
	tPair      = tuple(tString, tString)
	tPairs     = list(tPair)

	tIdentity = record("plugin-identity",
		field{"kind", tString},
		field{"trust-level", tString},
		field{"subject-id", tOptString},
		field{"auth-provider", tOptString},
		field{"issuer", tOptString},
		field{"roles", tStrings},
		field{"groups", tStrings},
		field{"scopes", tStrings},
		field{"attributes", tPairs},
	)
	tContext = record("plugin-context",
		field{"request-id", tString},
		field{"session-id", tOptString},
		field{"tool-name", tString},
		field{"surface", tString},
		field{"identity", tIdentity},
		field{"transport", tString},
	)
	tManifest = record("plugin-manifest",
		field{"id", tString},
		field{"version", tString},
		field{"name", tString},
		field{"plugin-class", tString},
		field{"protocol-version", tString},
	)
	tGateAllow = record("gate-allow",
		field{"metadata", tOptString},
		field{"modified-arguments", tOptString},
		field{"modified-result", tOptString},
	)
	tGateDenial = record("gate-denial",
		field{"http-status", tU16},
		field{"code", tS32},
		field{"message", tString},
		field{"error-data", tOptString},
	)
	tGateChallenge = record("gate-challenge",
		field{"http-status", tU16},
		field{"code", tS32},
		field{"message", tString},
		field{"challenge-data", tString},
	)
	tGateDecision = variant("gate-decision",
		vcase{"allow", tGateAllow},
		vcase{"deny", tGateDenial},
		vcase{"challenge", tGateChallenge},
	)
	tTransformResult = variant("transform-result",
		vcase{"unchanged", nil},
		vcase{"modified", tString},
		vcase{"error", tString},
	)
	tIdentityResolution = variant("identity-resolution",
		vcase{"resolved", tIdentity},
		vcase{"none", nil},
		vcase{"invalid", tString},
	)
)

// Field offsets, named after the WIT fields; computed once from the rules above.
var (
	offIdentity  = tIdentity.FieldOffsets()
	offContext   = tContext.FieldOffsets()
	offManifest  = tManifest.FieldOffsets()
	offAllow     = tGateAllow.FieldOffsets()
	offDenial    = tGateDenial.FieldOffsets()
	offChallenge = tGateChallenge.FieldOffsets()
	offPair      = tPair.FieldOffsets()

	payloadOption     = tOptString.PayloadOffset()
	payloadGate       = tGateDecision.PayloadOffset()
	payloadTransform  = tTransformResult.PayloadOffset()
	payloadResolution = tIdentityResolution.PayloadOffset()
)

// Field indices into the offset tables, in WIT declaration order.
const (
	idKind = iota
	idTrustLevel
	idSubjectID
	idAuthProvider
	idIssuer
	idRoles
	idGroups
	idScopes
	idAttributes
)

const (
	ctxRequestID = iota
	ctxSessionID
	ctxToolName
	ctxSurface
	ctxIdentity
	ctxTransport
)

const (
	mfID = iota
	mfVersion
	mfName
	mfPluginClass
	mfProtocolVersion
)

const (
	allowMetadata = iota
	allowModifiedArguments
	allowModifiedResult
)

// gate-denial and gate-challenge share their first three fields.
const (
	gateHTTPStatus = iota
	gateCode
	gateMessage
	gateData // error-data or challenge-data
)
