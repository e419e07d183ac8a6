//go:build linux || darwin

#include "textflag.h"

// bigcall is a C-ABI (System V x86-64) function that purego.SyscallN calls with rdi = *frame. It makes
// the call the frame describes with any number of stack words, which purego alone caps at 26
// (make needs 27, evaluate_pre_dispatch 63; docs/native-abi.md §2.4, §6.1). The arguments are
// placed by abi.go's sysV rules.
//
// frame layout (see call.go): fn @0, regs[8] @8 (rdi rsi rdx rcx r8 r9; the last two unused), x8 @72
// (unused here: the sret pointer is regs[0]), nstack @80, stack @88 (pointer to nstack words),
// r0 @96, r1 @104.
TEXT ·bigcall(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BP
	MOVQ  SP, BP
	PUSHQ BX
	PUSHQ R12
	MOVQ  DI, BX          // BX = frame, callee-saved across the call

	// Reserve the stack words, 16-byte aligned at the call as the ABI requires.
	MOVQ  80(BX), CX
	MOVQ  CX, AX
	SHLQ  $3, AX
	SUBQ  AX, SP
	ANDQ  $~15, SP

	// Copy the words in argument order: word 0 at the lowest address.
	MOVQ  88(BX), SI
	XORQ  DX, DX
copy:
	CMPQ  DX, CX
	JGE   loaded
	MOVQ  (SI)(DX*8), AX
	MOVQ  AX, (SP)(DX*8)
	INCQ  DX
	JMP   copy

loaded:
	MOVQ  8(BX), DI
	MOVQ  16(BX), SI
	MOVQ  24(BX), DX
	MOVQ  32(BX), CX
	MOVQ  40(BX), R8
	MOVQ  48(BX), R9
	MOVQ  0(BX), R11
	XORL  AX, AX          // no vector registers used by a variadic callee
	CALL  R11
	MOVQ  AX, 96(BX)
	MOVQ  DX, 104(BX)

	LEAQ  -16(BP), SP
	POPQ  R12
	POPQ  BX
	POPQ  BP
	RET

// bigcallAddr returns bigcall's ABI0 entry point, the address purego calls.
TEXT ·bigcallAddr(SB), NOSPLIT, $0-8
	LEAQ ·bigcall(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// bigcallN makes several calls in one trip to the system stack: rdi = *batch {count @0, frames @8},
// the frames contiguous, 112 bytes each. Building a context takes a dozen allocator calls; one
// cgocall for all of them instead of one each is most of the per-call budget (docs/native-abi.md §6.3).
TEXT ·bigcallN(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BP
	MOVQ  SP, BP
	PUSHQ BX
	PUSHQ R12
	MOVQ  0(DI), R12
	MOVQ  8(DI), BX

next:
	TESTQ R12, R12
	JZ    done
	MOVQ  BX, DI
	CALL  ·bigcall(SB)
	ADDQ  $112, BX
	DECQ  R12
	JMP   next

done:
	POPQ R12
	POPQ BX
	POPQ BP
	RET

// bigcallNAddr returns bigcallN's ABI0 entry point.
TEXT ·bigcallNAddr(SB), NOSPLIT, $0-8
	LEAQ ·bigcallN(SB), AX
	MOVQ AX, ret+0(FP)
	RET
