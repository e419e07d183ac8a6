;; A plain core module carrying the tool-gate exports under their legacy core names, with no
;; component wrapper. The gateway compiles plugin.wasm with Component::from_binary, which refuses
;; a core module before anything runs.
(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $next))
    (global.set $next (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  ;; Every export answers the same zeroed 40-byte area: an allow with no fields, or an empty
  ;; manifest.
  (func (export "mcpg:plugin/tool-gate@0.1.0#manifest") (result i32) (i32.const 1024))
  (func (export "mcpg:plugin/tool-gate@0.1.0#evaluate-pre-dispatch") (param i32) (result i32)
    (i32.const 1024))
  (func (export "mcpg:plugin/tool-gate@0.1.0#evaluate-post-dispatch") (param i32) (result i32)
    (i32.const 1024)))
