;; A core module with the canonical-ABI exports of a tool gate under their component names, and
;; no component around it: the gateway refuses it; Options.AllowCoreModule runs it.
(module
  (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 4096))
    (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      (local.set $p
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
        (then unreachable))
      (local.get $p))
    ;; plugin-manifest at 256: five (ptr, len) strings.
    (data (i32.const 256)
      "\00\02\00\00\1d\00\00\00"   ;; id: 512, 29
      "\20\02\00\00\05\00\00\00"   ;; version: 544, 5
      "\30\02\00\00\11\00\00\00"   ;; name: 560, 17
      "\40\02\00\00\09\00\00\00"   ;; plugin-class: 576, 9
      "\50\02\00\00\03\00\00\00")  ;; protocol-version: 592, 3
    (data (i32.const 512) "com.example.wasm-runtime-test")
    (data (i32.const 544) "0.1.0")
    (data (i32.const 560) "Wasm Runtime Test")
    (data (i32.const 576) "tool_gate")
    (data (i32.const 592) "1.0")
    ;; gate-decision at 1024: allow with metadata {"resource":"ok"} (string at 1100, 17 bytes).
    (data (i32.const 1024) "\00\00\00\00\01\00\00\00\4c\04\00\00\11\00\00\00")
    (data (i32.const 1100) "{\"resource\":\"ok\"}")
  (func (export "mcpg:plugin/tool-gate@0.1.0#manifest") (result i32) (i32.const 256))
  (func (export "mcpg:plugin/tool-gate@0.1.0#evaluate-pre-dispatch") (param i32) (result i32) (i32.const 1024))
  (func (export "mcpg:plugin/tool-gate@0.1.0#evaluate-post-dispatch") (param i32) (result i32) (i32.const 1024)))
