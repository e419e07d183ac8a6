package wasip2

// wasi:filesystem with no preopens: get-directories is empty, so the guest can never hold a
// descriptor or a directory-entry stream, and every method of theirs traps on its handle
// before it runs. The methods are still linked, with their full types, because the gateway
// links them and a component importing them must instantiate.

var (
	rDescriptor     = &ResourceType{Interface: "wasi:filesystem/types", Name: "descriptor"}
	rDirEntryStream = &ResourceType{Interface: "wasi:filesystem/types", Name: "directory-entry-stream"}
)

var (
	descriptorType = enum("descriptor-type", "unknown", "block-device", "character-device",
		"directory", "fifo", "symbolic-link", "regular-file", "socket")
	descriptorFlags = flags("descriptor-flags", "read", "write", "file-integrity-sync",
		"data-integrity-sync", "requested-write-sync", "mutate-directory")
	pathFlags      = flags("path-flags", "symlink-follow")
	openFlags      = flags("open-flags", "create", "directory", "exclusive", "truncate")
	descriptorStat = record("descriptor-stat",
		"type", descriptorType,
		"link-count", tU64,
		"size", tU64,
		"data-access-timestamp", optionOf(datetime),
		"data-modification-timestamp", optionOf(datetime),
		"status-change-timestamp", optionOf(datetime))
	newTimestamp   = variant("new-timestamp", "no-change", nil, "now", nil, "timestamp", datetime)
	directoryEntry = record("directory-entry", "type", descriptorType, "name", tString)
	fsErrorCode    = enum("error-code", "access", "would-block", "already", "bad-descriptor",
		"busy", "deadlock", "quota", "exist", "file-too-large", "illegal-byte-sequence",
		"in-progress", "interrupted", "invalid", "io", "is-directory", "loop", "too-many-links",
		"message-size", "name-too-long", "no-device", "no-entry", "no-lock",
		"insufficient-memory", "insufficient-space", "not-directory", "not-empty",
		"not-recoverable", "unsupported", "no-tty", "no-such-device", "overflow",
		"not-permitted", "pipe", "read-only", "invalid-seek", "text-file-busy", "cross-device")
	advice            = enum("advice", "normal", "sequential", "random", "will-need", "dont-need", "no-reuse")
	metadataHashValue = record("metadata-hash-value", "lower", tU64, "upper", tU64)
)

// noDescriptor is the body of every descriptor and directory-entry-stream method: lifting
// self already failed, since no such handle can exist.
func noDescriptor(c *call, a []any) (any, error) {
	return nil, trapf("internal: %s reached with a resource the host never creates", a[0].(*Resource).Type)
}

func init() {
	res := func(ok *Type) *Type { return resultOf(ok, fsErrorCode) }
	d := func(name string, params []any, result *Type) *funcDef {
		return method(rDescriptor, name, params, result, noDescriptor)
	}
	define("wasi:filesystem/types", []*ResourceType{rDescriptor, rDirEntryStream},
		[]*ResourceType{rInputStream, rOutputStream, rError},
		d("read-via-stream", args("offset", tU64), res(own(rInputStream))),
		d("write-via-stream", args("offset", tU64), res(own(rOutputStream))),
		d("append-via-stream", nil, res(own(rOutputStream))),
		d("advise", args("offset", tU64, "length", tU64, "advice", advice), res(nil)),
		d("sync-data", nil, res(nil)),
		d("get-flags", nil, res(descriptorFlags)),
		d("get-type", nil, res(descriptorType)),
		d("set-size", args("size", tU64), res(nil)),
		d("set-times", args("data-access-timestamp", newTimestamp, "data-modification-timestamp", newTimestamp), res(nil)),
		d("read", args("length", tU64, "offset", tU64), res(tupleOf(tBytes, tBool))),
		d("write", args("buffer", tBytes, "offset", tU64), res(tU64)),
		d("read-directory", nil, res(own(rDirEntryStream))),
		d("sync", nil, res(nil)),
		d("create-directory-at", args("path", tString), res(nil)),
		d("stat", nil, res(descriptorStat)),
		d("stat-at", args("path-flags", pathFlags, "path", tString), res(descriptorStat)),
		d("set-times-at", args("path-flags", pathFlags, "path", tString,
			"data-access-timestamp", newTimestamp, "data-modification-timestamp", newTimestamp), res(nil)),
		d("link-at", args("old-path-flags", pathFlags, "old-path", tString,
			"new-descriptor", borrow(rDescriptor), "new-path", tString), res(nil)),
		d("open-at", args("path-flags", pathFlags, "path", tString, "open-flags", openFlags,
			"flags", descriptorFlags), res(own(rDescriptor))),
		d("readlink-at", args("path", tString), res(tString)),
		d("remove-directory-at", args("path", tString), res(nil)),
		d("rename-at", args("old-path", tString, "new-descriptor", borrow(rDescriptor), "new-path", tString), res(nil)),
		d("symlink-at", args("old-path", tString, "new-path", tString), res(nil)),
		d("unlink-file-at", args("path", tString), res(nil)),
		d("is-same-object", args("other", borrow(rDescriptor)), tBool),
		d("metadata-hash", nil, res(metadataHashValue)),
		d("metadata-hash-at", args("path-flags", pathFlags, "path", tString), res(metadataHashValue)),
		method(rDirEntryStream, "read-directory-entry", nil, res(optionOf(directoryEntry)), noDescriptor),
		// Only errors of filesystem streams carry a code, and there are none here.
		fn("filesystem-error-code", args("err", borrow(rError)), optionOf(fsErrorCode), func(c *call, a []any) (any, error) {
			return none, nil
		}),
	)
	define("wasi:filesystem/preopens", nil, []*ResourceType{rDescriptor},
		fn("get-directories", nil, listOf(tupleOf(own(rDescriptor), tString)), emptyList),
	)
}
