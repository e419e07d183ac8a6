//go:build (linux || darwin) && (amd64 || arm64)

package native

// Making backend's calls (backend.go): the two-string slots, the ROption<RString> argument of
// list_resources and the ROption<RString> the schema slots return through sret
// (docs/native-kinds.md §1, §2).

import (
	"encoding/json"
	"fmt"
)

// ROption's tag (abi_stable, verified: docs/native-kinds.md §1): 0 is RSome, 1 is RNone.
const (
	tagRSome = 0
	tagRNone = 1
)

const wordsOptionRString = 5 // ROption<RString>: the tag word, then the RString

var (
	// register_profile, execute, execute_transaction(h, RString, RString) → RString
	sigTwoStringsToString = signature{sret: wordsRString, params: []param{scalar, aggregate(wordsRString), aggregate(wordsRString)}}
	// input_schema_json, output_schema_json(h, RString backend_name) → ROption<RString>
	sigStringToOptString = signature{sret: wordsOptionRString, params: []param{scalar, aggregate(wordsRString)}}
	// list_resources(h, RString backend_name, ROption<RString> cursor) → RString
	sigStringOptToString = signature{sret: wordsRString, params: []param{scalar, aggregate(wordsRString), aggregate(wordsOptionRString)}}

	twoStringsToStringCall = conv.place(sigTwoStringsToString)
	stringToOptStringCall  = conv.place(sigStringToOptString)
	stringOptToStringCall  = conv.place(sigStringOptToString)
)

// backendCall makes one call of a backend-only shape.
func (i *instance) backendCall(s *SlotSpec, fn uintptr, input json.RawMessage, text string) outcome {
	switch s.Call {
	case callTwoStringsToString:
		name, second, _ := s.pairArgs(input)
		c := twoStringsToStringCall.prepare()
		c.scalar(0, i.handle)
		i.lib.alloc.put(addrOf(c.aggregate(1)), name)
		i.lib.alloc.put(addrOf(c.aggregate(2)), second)
		c.call(fn)
		c.forget() // the plugin owns both arguments now
		return i.answer(s, addrOf(c.sret))
	case callStringOptToString:
		name, cursor, some := s.pairArgs(input)
		c := stringOptToStringCall.prepare()
		c.scalar(0, i.handle)
		i.lib.alloc.put(addrOf(c.aggregate(1)), name)
		opt := c.aggregate(2)
		if some {
			opt[0] = tagRSome
			i.lib.alloc.put(addrOf(opt[1:]), cursor)
		} else {
			opt[0] = tagRNone
		}
		c.call(fn)
		c.forget()
		o := i.answer(s, addrOf(c.sret))
		// A page that hands back the cursor it was asked for would loop resources/list forever.
		if raw, ok := o.value.(json.RawMessage); ok && some {
			if next := nextCursor(raw); next != nil && *next == cursor {
				o.violations = append(o.violations, fmt.Sprintf("%s.%s answered next_cursor %q, the cursor it was given: "+
					"a client paging resources/list would never finish", i.kind, s.Name, cursor))
			}
		}
		return o
	case callStringToOptString:
		c := stringToOptStringCall.prepare()
		c.scalar(0, i.handle)
		i.lib.alloc.put(addrOf(c.aggregate(1)), text)
		c.call(fn)
		c.forget()
		return i.optAnswer(s, addrOf(c.sret))
	}
	panic(fmt.Sprintf("slot %s: unknown call shape %d", s.Name, s.Call))
}

// optAnswer reads the ROption<RString> slot s returned at addr: RNone is null, RSome the string
// judged as answer judges it; any other tag is a layout the gateway would misread.
func (i *instance) optAnswer(s *SlotSpec, addr uintptr) outcome {
	switch tag := byteAt(addr); tag {
	case tagRNone:
		return outcome{value: nil}
	case tagRSome:
		if text, err := readString(addr + 8); err == nil && text == "" {
			drop(addr + 8)
			clear(wordsAt(addr + 8))
			return outcome{value: "", warnings: []string{fmt.Sprintf("%s.%s answered RSome(\"\"), which is not JSON: the gateway reads no schema", i.kind, s.Name)}}
		}
		return i.answer(s, addr+8)
	default:
		// The string's words cannot be trusted to be an RString: leaked rather than freed blind.
		return outcome{violations: []string{fmt.Sprintf("%s.%s returned an ROption<RString> with tag %d; expected 0 (RSome) or 1 (RNone)", i.kind, s.Name, tag)}}
	}
}
