//go:build linux || darwin

#include "textflag.h"

// bigcall is a C-ABI (AAPCS64) function that purego.SyscallN calls with x0 = *frame. It makes the
// call the frame describes: x0–x7 from regs, x8 (the indirect result register, which SyscallN
// always passes as 0) from x8, and any number of stack words; the arguments are placed by abi.go's
// aapcs64 rules (docs/native-abi.md §6.1).
//
// frame layout (see call.go): fn @0, regs[8] @8 (x0–x7), x8 @72, nstack @80, stack @88 (pointer
// to nstack words), r0 @96, r1 @104.
//
// It keeps the frame pointer in x19 across the call and saves every register AAPCS64 makes the
// callee preserve that it touches or that Go's assembler may use behind its back (x27 is REGTMP):
// x19–x28, with a frame record (x29, x30) that x29 addresses, as Apple's platforms require at all
// times. It never touches x18, the platform register Apple reserves; nor d8–d15.
TEXT ·bigcall(SB), NOSPLIT|NOFRAME, $0
	STP.W (R29, R30), -96(RSP)
	MOVD  RSP, R29
	STP   (R19, R20), 16(RSP)
	STP   (R21, R22), 32(RSP)
	STP   (R23, R24), 48(RSP)
	STP   (R25, R26), 64(RSP)
	STP   (R27, g), 80(RSP)
	MOVD  R0, R19            // R19 = frame, callee-saved across the call

	// Reserve the stack words, rounded up to keep SP 16-byte aligned as the ABI requires.
	MOVD  80(R19), R20       // nstack
	LSL   $3, R20, R21
	ADD   $15, R21, R21
	AND   $~15, R21, R21
	MOVD  RSP, R22
	SUB   R21, R22, R22
	MOVD  R22, RSP

	// Copy the words in argument order: word 0 at the lowest address (the NSAA starts at SP).
	MOVD  88(R19), R23
	MOVD  $0, R24
copy:
	CMP   R20, R24
	BGE   loaded
	MOVD  (R23)(R24<<3), R25
	MOVD  R25, (R22)(R24<<3)
	ADD   $1, R24, R24
	B     copy

loaded:
	MOVD  8(R19), R0
	MOVD  16(R19), R1
	MOVD  24(R19), R2
	MOVD  32(R19), R3
	MOVD  40(R19), R4
	MOVD  48(R19), R5
	MOVD  56(R19), R6
	MOVD  64(R19), R7
	MOVD  72(R19), R8
	MOVD  0(R19), R9
	CALL  (R9)
	MOVD  R0, 96(R19)
	MOVD  R1, 104(R19)

	MOVD  R29, RSP           // drop the stack words
	LDP   16(RSP), (R19, R20)
	LDP   32(RSP), (R21, R22)
	LDP   48(RSP), (R23, R24)
	LDP   64(RSP), (R25, R26)
	LDP   80(RSP), (R27, g)
	LDP.P 96(RSP), (R29, R30)
	RET

// bigcallAddr returns bigcall's ABI0 entry point, the address purego calls.
TEXT ·bigcallAddr(SB), NOSPLIT, $0-8
	MOVD $·bigcall(SB), R0
	MOVD R0, ret+0(FP)
	RET

// bigcallN makes several calls in one trip to the system stack: x0 = *batch {count @0, frames @8},
// the frames contiguous, 112 bytes each (docs/native-abi.md §6.3).
TEXT ·bigcallN(SB), NOSPLIT|NOFRAME, $0
	STP.W (R29, R30), -32(RSP)
	MOVD  RSP, R29
	STP   (R19, R20), 16(RSP)
	MOVD  0(R0), R19         // count
	MOVD  8(R0), R20         // frames

next:
	CBZ   R19, done
	MOVD  R20, R0
	CALL  ·bigcall(SB)
	ADD   $112, R20, R20
	SUB   $1, R19, R19
	B     next

done:
	LDP   16(RSP), (R19, R20)
	LDP.P 32(RSP), (R29, R30)
	RET

// bigcallNAddr returns bigcallN's ABI0 entry point.
TEXT ·bigcallNAddr(SB), NOSPLIT, $0-8
	MOVD $·bigcallN(SB), R0
	MOVD R0, ret+0(FP)
	RET
