//go:build (linux || darwin) && (amd64 || arm64)

package native

import (
	"maps"
	"slices"
)

// RPluginContext is 60 words (docs/native-abi.md §2.2); these are its word offsets.
const (
	ctxWords       = 60
	ctxRequestID   = 0
	ctxSessionID   = 4 // ROption<RString>: tag word, then the RString
	ctxToolName    = 9
	ctxSurface     = 13
	ctxIdentity    = 17 // RPluginIdentity, 39 words
	ctxTransport   = 56
	idKind         = 0
	idTrust        = 4
	idSubject      = 8 // ROption<RString>
	idAuthProvider = 13
	idIssuer       = 18
	idRoles        = 23
	idGroups       = 27
	idScopes       = 31
	idAttributes   = 35
	sizeRString    = 32
	sizeKeyValue   = 64
	optionSome     = 0
	optionNone     = 1
	sizeGate       = 168
	sizeTransform  = 40
	sizeResolution = 320
)

// encodeContext writes a fresh RPluginContext the plugin will own (it consumes every string and
// vector in it) into the first 60 words of w, ready to be pushed as stack arguments.
func (a *alloc) encodeContext(c *Context, w []uintptr) {
	base := addrOf(w[:ctxWords])
	at := func(i int) uintptr { return base + uintptr(i)*8 }
	a.begin()
	defer a.flush()
	a.put(at(ctxRequestID), c.RequestID)
	a.putOption(at(ctxSessionID), c.SessionID)
	a.put(at(ctxToolName), c.ToolName)
	a.put(at(ctxSurface), c.Surface)
	a.encodeIdentity(at(ctxIdentity), &c.Identity)
	a.put(at(ctxTransport), c.Transport)
}

func (a *alloc) putOption(addr uintptr, s *string) {
	if s == nil {
		setWord(addr, optionNone)
		a.put(addr+8, "") // payload unused; keep it well-formed
		return
	}
	setWord(addr, optionSome)
	a.put(addr+8, *s)
}

func (a *alloc) encodeIdentity(addr uintptr, id *Identity) {
	at := func(i int) uintptr { return addr + uintptr(i)*8 }
	a.put(at(idKind), id.Kind)
	a.put(at(idTrust), id.TrustLevel)
	a.putOption(at(idSubject), id.SubjectID)
	a.putOption(at(idAuthProvider), id.AuthProvider)
	a.putOption(at(idIssuer), id.Issuer)
	a.putStrings(at(idRoles), id.Roles)
	a.putStrings(at(idGroups), id.Groups)
	a.putStrings(at(idScopes), id.Scopes)
	keys := slices.Sorted(maps.Keys(id.Attributes)) // a BTreeMap on the host: RKeyValue entries arrive sorted
	buf := a.putVec(at(idAttributes), sizeKeyValue, len(keys))
	for i, k := range keys {
		a.put(buf+uintptr(i*sizeKeyValue), k)
		a.put(buf+uintptr(i*sizeKeyValue)+sizeRString, id.Attributes[k])
	}
}

func (a *alloc) putStrings(addr uintptr, xs []string) {
	buf := a.putVec(addr, sizeRString, len(xs))
	for i, x := range xs {
		a.put(buf+uintptr(i*sizeRString), x)
	}
}
