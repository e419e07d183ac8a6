;; Core modules on which the harness's fuel metering (fuel.go) is held to Wasmtime 44's, export by
;; export: gen.sh runs each case of fuel-oracle.py under Wasmtime and records in fuel.oracle.json
;; the fuel used, the smallest budget that lets the call finish and what a budget one smaller gives
;; (the trap, its backtrace, the fuel the store reports). The module imports a host function and
;; an immutable global (from the module "env"); its own globals, element segment and data segment
;; refer to them, so renumbering the globals is exercised as well as the charging.
(module $fuel
  (import "env" "host" (func $host))
  (import "env" "base" (global $base i32))
  (memory (export "memory") 1)
  (table $t 8 funcref)
  (global $counter (mut i32) (i32.const 0))
  (global $big (mut i64) (i64.const 7))
  (global $derived i32 (global.get $base))
  (global $sum i32 (i32.add (global.get $base) (i32.const 3)))
  (elem (table $t) (global.get $base) func $leaf $add1 $spin $leaf)
  (elem declare func $ops)
  (data (i32.const 16) "fuel metering")
  (data $passive "0123456789")
  (type $unary (func (param i32) (result i32)))
  (type $nullary (func (result i32)))

  (func $leaf (result i32) i32.const 1)
  (func $add1 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $spin (result i32) (loop $l (br $l)) i32.const 0)

  ;; Straight-line code: every operator but nop and drop costs 1.
  (func (export "straight") (result i32)
    nop
    i32.const 1 i32.const 2 i32.add
    i32.const 3 drop
    i32.const 4 i32.const 5 i32.const 0 select
    i32.add
    nop nop
    (select (result i32) (i32.const 6) (i32.const 7) (i32.const 1))
    i32.mul)

  ;; Many kinds of operators, each costing 1 (memory.fill and memory.copy whatever their length).
  (func $ops (export "ops") (result i32) (local i64 f32 f64 v128)
    (local.set 0 (i64.rotl (i64.mul (i64.const 3) (i64.add (i64.const 1) (i64.const 2))) (i64.const 7)))
    (local.set 1 (f32.sqrt (f32.convert_i32_s (i32.const 9))))
    (local.set 2 (f64.promote_f32 (local.get 1)))
    (drop (i64.trunc_sat_f64_s (local.get 2)))
    (drop (i32.extend8_s (i32.const 255)))
    (local.set 3 (i32x4.add (v128.const i32x4 1 2 3 4) (i32x4.splat (i32.const 5))))
    (drop (i32x4.extract_lane 2 (local.get 3)))
    (memory.fill (i32.const 1000) (i32.const 7) (i32.const 30000))
    (memory.copy (i32.const 40000) (i32.const 1000) (i32.const 20000))
    (memory.init $passive (i32.const 100) (i32.const 0) (i32.const 10))
    (drop (memory.grow (i32.const 1)))
    (drop (memory.size))
    (drop (ref.is_null (ref.null func)))
    (drop (ref.is_null (ref.func $ops)))
    (drop (table.size $t))
    (drop (table.get $t (i32.const 0)))
    (table.set $t (i32.const 7) (ref.func $ops))
    (drop (table.grow $t (ref.null func) (i32.const 2)))
    (table.fill $t (i32.const 8) (ref.null func) (i32.const 2))
    (i32.store (i32.const 200) (i32.wrap_i64 (i64.load32_u (i32.const 16))))
    (drop (i32.load (i32.const 200)))
    (global.set $counter (i32.add (global.get $counter) (global.get $derived)))
    (global.set $big (i64.extend_i32_u (global.get $sum)))
    (i32.wrap_i64 (global.get $big)))

  ;; Blocks and branches: blocks cost nothing, each br, br_if and br_table costs 1.
  (func (export "blocks") (param i32) (result i32) (local i32)
    (block $out
      (block $b2
        (block $b1
          (block $b0
            (br_table $b0 $b1 $b2 $out (local.get 0)))
          (local.set 1 (i32.const 10))
          (br $out))
        (local.set 1 (i32.const 20))
        (br_if $out (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1))))
      (block $inner
        (br_if $inner (i32.const 0))
        (local.set 1 (i32.const 30)))
      (nop))
    (local.get 1))

  ;; if and else: the arm not taken costs nothing.
  (func (export "ifelse") (param i32) (result i32) (local i32)
    (if (local.get 0)
      (then (local.set 1 (i32.const 1)) (local.set 1 (i32.add (local.get 1) (i32.const 2))))
      (else (local.set 1 (i32.const 7))))
    (if (i32.gt_u (local.get 0) (i32.const 5))
      (then (local.set 1 (i32.mul (local.get 1) (i32.const 3)))))
    (if (result i32) (local.get 1) (then (i32.const 100)) (else (i32.const 200))))

  ;; Loops: a check at every loop header; nested loops.
  (func (export "loops") (param i32) (result i32) (local i32 i32)
    (loop $outer
      (local.set 2 (i32.const 3))
      (loop $inner
        (local.set 1 (i32.add (local.get 1) (local.get 2)))
        (br_if $inner (local.tee 2 (i32.sub (local.get 2) (i32.const 1)))))
      (br_if $outer (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))

  ;; A loop whose last iterations run straight-line code past the last check.
  (func (export "tail") (param i32) (result i32) (local i32)
    (loop $l
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.set 1 (i32.const 1))
    (local.set 1 (i32.add (local.get 1) (local.get 1)))
    (local.set 1 (i32.add (local.get 1) (local.get 1)))
    (local.set 1 (i32.add (local.get 1) (local.get 1)))
    (local.set 1 (i32.add (local.get 1) (local.get 1)))
    (local.get 1))

  ;; Calls: the same callee called from several places (the harness routes those through markers).
  (func (export "calls") (param i32) (result i32)
    (i32.add
      (i32.add (call $leaf) (call $add1 (local.get 0)))
      (i32.add (call $leaf) (call $add1 (call $add1 (local.get 0))))))

  ;; call_indirect through the table (base is where the element segment starts).
  (func (export "indirect") (param i32) (result i32)
    (i32.add
      (call_indirect $t (type $nullary) (global.get $base))
      (call_indirect $t (type $unary) (local.get 0) (i32.add (global.get $base) (i32.const 1)))))

  ;; Tail calls.
  (func $count (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (return (i32.const 42))))
    (return_call $count (i32.sub (local.get 0) (i32.const 1))))
  (func (export "tailcall") (param i32) (result i32)
    (drop (call $count (local.get 0)))
    (return_call_indirect $t (type $unary) (local.get 0) (i32.add (global.get $base) (i32.const 1))))

  ;; The host costs nothing but the call.
  (func (export "host") (result i32)
    (call $host)
    (call $host)
    (i32.const 5))

  ;; Leaving the function by a branch to its label.
  (func (export "exit") (param i32) (result i32)
    (i32.const 11)
    (br_if 0 (i32.eq (local.get 0) (i32.const 1)))
    (drop)
    (drop (block $b (result i32)
      (br_table $b 1 (i32.const 12) (i32.sub (local.get 0) (i32.const 2)))))
    (i32.const 13))

  ;; Code no branch reaches costs nothing, loops and calls in it included.
  (func (export "dead") (param i32) (result i32)
    (block $b
      (br $b)
      (loop $never (call $leaf) (br $never))
      (drop (call $leaf)))
    (if (local.get 0) (then (return (i32.const 1)) (drop (call $leaf))))
    (i32.const 2))

  ;; Traps: the fuel the store reports is what was written back last (before a call, at return,
  ;; at unreachable).
  (func (export "unreachable") (param i32) (result i32)
    (drop (call $leaf))
    (local.set 0 (i32.add (local.get 0) (i32.const 1)))
    (if (local.get 0) (then unreachable))
    unreachable)
  (func (export "div") (param i32) (result i32)
    (drop (call $leaf))
    (i32.div_u (i32.const 10) (local.get 0)))
  (func (export "oob") (param i32) (result i32)
    (global.set $counter (i32.const 1))
    (i32.load (local.get 0)))

  ;; Locals: Wasmtime places an entry check at the function's last declaration of locals (here
  ;; the f64 after 130 i32s, whose count takes two bytes).
  (func (export "locals") (param i32) (result i32)
    (local i64 i64 f32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local f64)
    (local.set 133 (i32.const 4))
    (i32.add (local.get 0) (local.get 133)))

  ;; Runaway guests: a spin behind calls, and a recursion.
  (func (export "spin") (result i32)
    (drop (call $leaf))
    (call_indirect $t (type $nullary) (i32.add (global.get $base) (i32.const 2))))
  (func $deep (export "deep") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (call $deep (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0)))))
