package native

// Where a C call's arguments travel (docs/native-abi.md §6.1). A slot's parameters are described
// once, independently of the calling convention (a scalar word, a composite of a few words, an
// optional struct returned through a hidden pointer); a convention's rules turn that description
// into a layout — which register or stack word each argument takes, which aggregate travels as a
// pointer to a copy — and every call of the slot fills a fresh frame by that layout. Both rule sets
// are plain Go so that either can be tested on any machine; call_<arch>.go picks the one it runs.

import "fmt"

// param is one parameter of a C function.
type param struct {
	words     int  // size in 8-byte words
	composite bool // a struct (RStr, RString, RPluginContext, HostHandleRef…), not a scalar
}

var (
	scalar = param{words: 1}                  // an integer or a pointer
	pair   = param{words: 2, composite: true} // a 16-byte struct of two words: RStr
)

// aggregate is a struct of n words passed by value (RString is 4, RPluginContext 60).
func aggregate(n int) param { return param{words: n, composite: true} }

// signature is a C function's parameters in order, and the size in words of a struct it returns
// through a hidden pointer (0: the result, if any, comes back in the first return register).
type signature struct {
	sret   int
	params []param
}

// loc is where one argument word goes: integer register i (reg), or stack word i.
type loc struct {
	reg bool
	i   int
}

// placed is where one parameter went. A parameter passed by value takes words consecutive words
// from at on (all registers or all stack); one passed by reference is a caller-made copy of words
// words whose address takes the single word at.
type placed struct {
	at    loc
	words int
	byRef bool
	copy  int // byRef: offset in words of its copy among the call's copies
}

// layout is a signature placed by one convention's rules.
type layout struct {
	params     []placed
	sret       int  // words of the sret buffer (0: none)
	sretInReg0 bool // the sret pointer is the first integer argument (System V), not x8 (AAPCS64)
	stack      int  // stack words
	copies     int  // words of the by-reference copies
}

// convention is a calling convention's placement rules for integer-class arguments (no MCPG slot
// takes a float).
type convention struct {
	// regs is the number of integer argument registers.
	regs int
	// sretInReg0: the hidden result pointer takes the first argument register instead of its own.
	sretInReg0 bool
	// byRefOver: a composite larger than this many words is passed as a pointer to a caller-made
	// copy; 0: it is copied onto the stack instead.
	byRefOver int
	// closeRegsOnSpill: once a composite has gone to the stack for want of registers, no later
	// argument takes a register (AAPCS64 C.13 sets NGRN to 8; System V lets a later scalar in).
	closeRegsOnSpill bool
}

var (
	// sysV is System V x86-64 (linux and darwin amd64): rdi rsi rdx rcx r8 r9; a struct over 16
	// bytes is MEMORY class, copied onto the stack in argument order, and is returned through a
	// pointer passed in rdi; a 16-byte struct takes two registers if two are left, else the stack.
	sysV = convention{regs: 6, sretInReg0: true}
	// aapcs64 is the Arm 64-bit procedure call standard as linux/arm64 and Apple's arm64 use it for
	// these signatures (docs/native-abi.md §6.1 says where Apple differs and why that does not show
	// here): x0–x7; the result pointer in x8; a composite over 16 bytes is passed as a pointer to a
	// copy the caller makes; a 16-byte composite takes two consecutive registers if two are left,
	// otherwise it goes on the stack and so does everything after it.
	aapcs64 = convention{regs: 8, byRefOver: 2, closeRegsOnSpill: true}
)

// place lays sig out by c's rules.
func (c convention) place(sig signature) *layout {
	l := &layout{sret: sig.sret, params: make([]placed, len(sig.params))}
	next := 0 // next free register (NGRN)
	if sig.sret > 0 && c.sretInReg0 {
		l.sretInReg0 = true
		next = 1
	}
	onStack := func(n int) loc {
		at := loc{i: l.stack}
		l.stack += n
		return at
	}
	for i, p := range sig.params {
		if p.words < 1 {
			panic(fmt.Sprintf("parameter %d of %d words", i, p.words))
		}
		pl := placed{words: p.words}
		if p.composite && c.byRefOver > 0 && p.words > c.byRefOver {
			pl.byRef, pl.copy = true, l.copies
			l.copies += p.words
		}
		n := p.words // the words this parameter puts in registers or on the stack
		if pl.byRef {
			n = 1
		}
		switch {
		case p.composite && !pl.byRef && p.words > 2:
			pl.at = onStack(n) // MEMORY class
		case next+n <= c.regs:
			pl.at = loc{reg: true, i: next}
			next += n
		default:
			pl.at = onStack(n)
			if c.closeRegsOnSpill {
				next = c.regs
			}
		}
		l.params[i] = pl
	}
	return l
}

// describe shows a layout in the notation of docs/native-abi.md §2.4, regNames naming the registers.
func (l *layout) describe(regNames []string) string {
	s := ""
	if l.sret > 0 {
		if l.sretInReg0 {
			s = fmt.Sprintf("sret(%d)→%s", l.sret*8, regNames[0])
		} else {
			s = fmt.Sprintf("sret(%d)→x8", l.sret*8)
		}
	}
	for _, p := range l.params {
		if s != "" {
			s += " "
		}
		where := func(k int) string {
			if p.at.reg {
				return regNames[p.at.i+k]
			}
			return fmt.Sprintf("S%d", p.at.i+k)
		}
		switch {
		case p.byRef:
			s += fmt.Sprintf("&copy(%d)→%s", p.words*8, where(0))
		case p.words == 1:
			s += where(0)
		case p.at.reg:
			s += where(0) + "/" + where(p.words-1)
		default:
			s += fmt.Sprintf("S%d–S%d", p.at.i, p.at.i+p.words-1)
		}
	}
	return s
}

var (
	sysVRegs    = []string{"rdi", "rsi", "rdx", "rcx", "r8", "r9"}
	aapcs64Regs = []string{"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"}
)
