package cabi

// Lifting a call's result out of guest memory (CanonicalABI.md "Loading", lift_flat_values), with
// the checks Wasmtime 44 makes, in its order, with its messages: the return pointer's alignment
// and bounds; then the value field by field in declaration order — a variant's or an option's
// discriminant; a string's alignment (2 for UTF-16 and latin1+utf16), bounds, hostcall fuel, then
// its encoding; a list's bounds, hostcall fuel, then alignment, then each element. The first
// failure ends the lift, as Rust's `?` does. Every length read from the guest is checked against
// the memory's size and the hostcall fuel before anything is allocated for it, so a lift copies
// at most HostcallFuel bytes whatever the guest wrote.

import (
	"encoding/binary"
	"fmt"
)

// LiftManifest lifts manifest()'s result; results are the core call's results.
func LiftManifest(o Options, results []uint64) (Manifest, error) {
	return liftResult(&o, &FuncManifest, results, func(l *lifter, p uint32) Manifest {
		return l.manifest(p, "plugin-manifest")
	})
}

// LiftGateDecision lifts evaluate-pre-dispatch's or evaluate-post-dispatch's result.
func LiftGateDecision(o Options, results []uint64) (GateDecision, error) {
	return liftResult(&o, &FuncEvaluatePreDispatch, results, func(l *lifter, p uint32) GateDecision {
		return l.gateDecision(p, "gate-decision")
	})
}

// LiftTransformResult lifts transform-arguments' or transform-output's result.
func LiftTransformResult(o Options, results []uint64) (TransformResult, error) {
	return liftResult(&o, &FuncTransformArguments, results, func(l *lifter, p uint32) TransformResult {
		return l.transformResult(p, "transform-result")
	})
}

// LiftIdentityResolution lifts resolve-identity's result.
func LiftIdentityResolution(o Options, results []uint64) (IdentityResolution, error) {
	return liftResult(&o, &FuncResolveIdentity, results, func(l *lifter, p uint32) IdentityResolution {
		return l.identityResolution(p, "identity-resolution")
	})
}

// liftResult reads a result the core function returned the address of (every result here
// flattens to more than MaxFlatResults values).
func liftResult[T any](o *Options, f *Func, results []uint64, read func(*lifter, uint32) T) (T, error) {
	var zero T
	if err := o.check(f, false); err != nil {
		return zero, err
	}
	if want := len(f.Core.Results); len(results) != want {
		return zero, fmt.Errorf("cabi: a function returning %s has %d core result, got %d", f.result.Name, want, len(results))
	}
	fuel := o.HostcallFuel
	if fuel == 0 {
		fuel = DefaultHostcallFuel
	}
	l := &lifter{mem: o.Memory, size: uint64(o.Memory.Size()), enc: o.Encoding, fuel: fuel, budget: fuel}
	ptr := uint32(results[0]) // an i32 result sits in the low 32 bits
	align, size := f.result.Align(), f.result.Size()
	if ptr%align != 0 {
		return zero, &Trap{Message: msgReturnNotAligned, Field: f.result.Name,
			Detail: fmt.Sprintf("the call returned its %s at 0x%x, expected a multiple of %d", f.result.Name, ptr, align)}
	}
	if uint64(ptr)+uint64(size) > l.size {
		return zero, &Trap{Message: msgReturnOutOfBounds, Field: f.result.Name,
			Detail: fmt.Sprintf("the call returned its %s at 0x%x; its %d bytes end past the memory's %d bytes", f.result.Name, ptr, size, l.size)}
	}
	v := read(l, ptr)
	if l.err != nil {
		return zero, l.err
	}
	return v, nil
}

type lifter struct {
	mem    Memory
	size   uint64 // the memory's size; a lift runs no guest code, so it cannot change
	enc    StringEncoding
	fuel   uint64 // hostcall fuel left
	budget uint64 // and at the start
	err    error  // the first failure; everything after it is skipped
}

func (l *lifter) trap(msg, field, detail string) {
	if l.err == nil {
		l.err = &Trap{Message: msg, Field: field, Detail: detail}
	}
}

// read returns n bytes at addr, which the caller has bounds-checked.
func (l *lifter) read(addr uint32, n uint32, field string) []byte {
	if n == 0 {
		return nil
	}
	b, ok := l.mem.Read(addr, n)
	if !ok || uint32(len(b)) != n {
		if l.err == nil {
			l.err = fmt.Errorf("cabi: %s: reading %d bytes at 0x%x failed although the memory reports %d bytes", field, n, addr, l.size)
		}
		return make([]byte, n)
	}
	return b
}

func (l *lifter) u8(addr uint32, field string) uint8 { return l.read(addr, 1, field)[0] }

func (l *lifter) u16(addr uint32, field string) uint16 {
	return binary.LittleEndian.Uint16(l.read(addr, 2, field))
}

func (l *lifter) u32(addr uint32, field string) uint32 {
	return binary.LittleEndian.Uint32(l.read(addr, 4, field))
}

// consume charges n bytes of hostcall fuel; false when there is not that much left.
func (l *lifter) consume(n uint64, field, what string) bool {
	if n > l.fuel {
		l.trap(msgHostcallFuel, field, fmt.Sprintf("%s would copy %d bytes, %d of the lift's %d-byte hostcall budget are left", what, n, l.fuel, l.budget))
		return false
	}
	l.fuel -= n
	return true
}

// str lifts the string whose (pointer, length) pair is at addr.
func (l *lifter) str(addr uint32, field string) string { return l.strAt(addr, field, -1, "") }

// strAt is str for element index of a list (index ≥ 0), or a tuple field (suffix) of one; the
// element's name is only formatted when something is wrong with it.
func (l *lifter) strAt(addr uint32, list string, index int, suffix string) string {
	if l.err != nil {
		return ""
	}
	return l.strRange(l.u32(addr, list), l.u32(addr+4, list), list, index, suffix)
}

// strRange lifts a string from its pointer and its length in code units (tagged for latin1+utf16).
func (l *lifter) strRange(ptr, units uint32, list string, index int, suffix string) string {
	if l.err != nil {
		return ""
	}
	field := list
	if index >= 0 {
		defer func() {
			if t, ok := l.err.(*Trap); ok && t.Field == list {
				t.Field = fmt.Sprintf("%s[%d]%s", list, index, suffix)
			}
		}()
	}
	byteLen, align := uint64(units), uint32(1)
	utf16 := false
	switch l.enc {
	case UTF16:
		byteLen, align, utf16 = 2*uint64(units), 2, true
	case Latin1UTF16:
		align = 2
		if units&utf16Tag != 0 {
			byteLen, utf16 = 2*uint64(units^utf16Tag), true
		}
	}
	if ptr%align != 0 {
		l.trap(msgStringNotAligned(align), field, fmt.Sprintf("a %s string at 0x%x, expected a multiple of %d", l.enc, ptr, align))
		return ""
	}
	if uint64(ptr)+byteLen > l.size {
		l.trap(msgStringOutOfBounds, field, fmt.Sprintf("a string of %d bytes at 0x%x ends past the memory's %d bytes", byteLen, ptr, l.size))
		return ""
	}
	if !l.consume(byteLen, field, "the string") {
		return ""
	}
	raw := l.read(ptr, uint32(byteLen), field)
	if l.err != nil {
		return ""
	}
	var s, problem string
	switch {
	case utf16:
		s, problem = decodeUTF16(raw)
	case l.enc == Latin1UTF16:
		s = decodeLatin1(raw)
	default:
		if problem = rustUTF8Error(raw); problem == "" {
			s = string(raw)
		}
	}
	if problem != "" {
		encoding := "UTF-8"
		if utf16 {
			encoding = "UTF-16"
		}
		l.trap(problem, field, fmt.Sprintf("the %d bytes at 0x%x are not valid %s", byteLen, ptr, encoding))
		return ""
	}
	return s
}

func (l *lifter) optStr(addr uint32, field string) *string {
	if l.err != nil {
		return nil
	}
	switch d := l.u8(addr, field); d {
	case 0:
		return nil
	case 1:
		s := l.str(addr+payloadOption, field)
		return &s
	default:
		l.trap(msgOptionDiscriminant, field, fmt.Sprintf("option discriminant %d, expected 0 (none) or 1 (some)", d))
		return nil
	}
}

// list checks a list of n elem values at ptr, each charged hostSize bytes of hostcall fuel; false
// once it has trapped.
func (l *lifter) list(ptr, n uint32, elem *witType, hostSize uint64, field string) bool {
	if l.err != nil {
		return false
	}
	size := uint64(elem.Size())
	if uint64(ptr)+uint64(n)*size > l.size {
		l.trap(msgListOutOfBounds, field, fmt.Sprintf("%d elements of %d bytes at 0x%x end past the memory's %d bytes", n, size, ptr, l.size))
		return false
	}
	if !l.consume(uint64(n)*hostSize, field, fmt.Sprintf("the list of %d elements", n)) {
		return false
	}
	if ptr%elem.Align() != 0 {
		l.trap(msgListNotAligned, field, fmt.Sprintf("the list at 0x%x, expected a multiple of %d", ptr, elem.Align()))
		return false
	}
	return true
}

// initialCap bounds what is reserved before the elements are read: a long list that fails at
// its first element must not have cost its whole length.
func initialCap(n uint32) int { return int(min(n, 64)) }

func (l *lifter) strings(addr uint32, field string) []string {
	if l.err != nil {
		return nil
	}
	ptr, n := l.u32(addr, field), l.u32(addr+4, field)
	if !l.list(ptr, n, tString, hostStringSize, field) || n == 0 {
		return nil
	}
	out := make([]string, 0, initialCap(n))
	for i := range n {
		s := l.strAt(ptr+i*tString.Size(), field, int(i), "")
		if l.err != nil {
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (l *lifter) pairs(addr uint32, field string) []Pair {
	if l.err != nil {
		return nil
	}
	return l.pairsRange(l.u32(addr, field), l.u32(addr+4, field), field)
}

func (l *lifter) pairsRange(ptr, n uint32, field string) []Pair {
	if !l.list(ptr, n, tPair, hostPairSize, field) || n == 0 {
		return nil
	}
	out := make([]Pair, 0, initialCap(n))
	for i := range n {
		e := ptr + i*tPair.Size()
		name := l.strAt(e+offPair[0], field, int(i), ".0")
		value := l.strAt(e+offPair[1], field, int(i), ".1")
		if l.err != nil {
			return nil
		}
		out = append(out, Pair{name, value})
	}
	return out
}

func (l *lifter) identity(p uint32, field string) Identity {
	at := func(i int) uint32 { return p + offIdentity[i] }
	f := func(i int) string { return field + "." + tIdentity.fields[i].name }
	return Identity{
		Kind:         l.str(at(idKind), f(idKind)),
		TrustLevel:   l.str(at(idTrustLevel), f(idTrustLevel)),
		SubjectID:    l.optStr(at(idSubjectID), f(idSubjectID)),
		AuthProvider: l.optStr(at(idAuthProvider), f(idAuthProvider)),
		Issuer:       l.optStr(at(idIssuer), f(idIssuer)),
		Roles:        l.strings(at(idRoles), f(idRoles)),
		Groups:       l.strings(at(idGroups), f(idGroups)),
		Scopes:       l.strings(at(idScopes), f(idScopes)),
		Attributes:   l.pairs(at(idAttributes), f(idAttributes)),
	}
}

// context lifts a plugin-context; the host never lifts one from a guest, but tests read back
// what LowerPreDispatch and friends stored.
func (l *lifter) context(p uint32, field string) Context {
	at := func(i int) uint32 { return p + offContext[i] }
	f := func(i int) string { return field + "." + tContext.fields[i].name }
	return Context{
		RequestID: l.str(at(ctxRequestID), f(ctxRequestID)),
		SessionID: l.optStr(at(ctxSessionID), f(ctxSessionID)),
		ToolName:  l.str(at(ctxToolName), f(ctxToolName)),
		Surface:   l.str(at(ctxSurface), f(ctxSurface)),
		Identity:  l.identity(at(ctxIdentity), f(ctxIdentity)),
		Transport: l.str(at(ctxTransport), f(ctxTransport)),
	}
}

func (l *lifter) manifest(p uint32, field string) Manifest {
	at := func(i int) uint32 { return p + offManifest[i] }
	f := func(i int) string { return field + "." + tManifest.fields[i].name }
	return Manifest{
		ID:              l.str(at(mfID), f(mfID)),
		Version:         l.str(at(mfVersion), f(mfVersion)),
		Name:            l.str(at(mfName), f(mfName)),
		PluginClass:     l.str(at(mfPluginClass), f(mfPluginClass)),
		ProtocolVersion: l.str(at(mfProtocolVersion), f(mfProtocolVersion)),
	}
}

func (l *lifter) variantTrap(t *witType, d uint32, field string) {
	names := ""
	for i, c := range t.cases {
		if i > 0 {
			names += ", "
		}
		names += fmt.Sprintf("%d (%s)", i, c.name)
	}
	l.trap(msgVariantDiscriminant(d), field, fmt.Sprintf("%s discriminant %d, expected %s", t.Name, d, names))
}

func (l *lifter) gateDecision(p uint32, field string) GateDecision {
	d := l.u8(p, field)
	payload := p + payloadGate
	switch d {
	case 0:
		at := func(i int) uint32 { return payload + offAllow[i] }
		f := func(i int) string { return field + ".allow." + tGateAllow.fields[i].name }
		return GateDecision{Case: GateAllowCase, Allow: GateAllow{
			Metadata:          l.optStr(at(allowMetadata), f(allowMetadata)),
			ModifiedArguments: l.optStr(at(allowModifiedArguments), f(allowModifiedArguments)),
			ModifiedResult:    l.optStr(at(allowModifiedResult), f(allowModifiedResult)),
		}}
	case 1:
		at := func(i int) uint32 { return payload + offDenial[i] }
		f := func(i int) string { return field + ".deny." + tGateDenial.fields[i].name }
		return GateDecision{Case: GateDenyCase, Deny: GateDenial{
			HTTPStatus: l.u16(at(gateHTTPStatus), f(gateHTTPStatus)),
			Code:       int32(l.u32(at(gateCode), f(gateCode))),
			Message:    l.str(at(gateMessage), f(gateMessage)),
			ErrorData:  l.optStr(at(gateData), f(gateData)),
		}}
	case 2:
		at := func(i int) uint32 { return payload + offChallenge[i] }
		f := func(i int) string { return field + ".challenge." + tGateChallenge.fields[i].name }
		return GateDecision{Case: GateChallengeCase, Challenge: GateChallenge{
			HTTPStatus:    l.u16(at(gateHTTPStatus), f(gateHTTPStatus)),
			Code:          int32(l.u32(at(gateCode), f(gateCode))),
			Message:       l.str(at(gateMessage), f(gateMessage)),
			ChallengeData: l.str(at(gateData), f(gateData)),
		}}
	}
	l.variantTrap(tGateDecision, uint32(d), field)
	return GateDecision{}
}

func (l *lifter) transformResult(p uint32, field string) TransformResult {
	switch d := l.u8(p, field); d {
	case 0:
		return TransformResult{Case: TransformUnchanged}
	case 1:
		return TransformResult{Case: TransformModified, Text: l.str(p+payloadTransform, field+".modified")}
	case 2:
		return TransformResult{Case: TransformError, Text: l.str(p+payloadTransform, field+".error")}
	default:
		l.variantTrap(tTransformResult, uint32(d), field)
		return TransformResult{}
	}
}

func (l *lifter) identityResolution(p uint32, field string) IdentityResolution {
	switch d := l.u8(p, field); d {
	case 0:
		return IdentityResolution{Case: ResolutionResolved, Identity: l.identity(p+payloadResolution, field+".resolved")}
	case 1:
		return IdentityResolution{Case: ResolutionNone}
	case 2:
		return IdentityResolution{Case: ResolutionInvalid, Reason: l.str(p+payloadResolution, field+".invalid")}
	default:
		l.variantTrap(tIdentityResolution, uint32(d), field)
		return IdentityResolution{}
	}
}
