;; A tool-gate-plugin component (the gate allows everything, without metadata) with one more core
;; module: it defines an externref table and grows it with table.grow. The gateway's Wasmtime is
;; built without garbage collection, which externref needs, so it refuses the component at compile.
(component
  (core module $ext
    (table $t 1 externref)
    (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null extern) (local.get 0))))
  (core instance $ext (instantiate $ext))
  (core module $m
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 4096))
    ;; A bump allocator for the parameters the host lowers into guest memory.
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
      "\00\02\00\00\19\00\00\00"   ;; id: 512, 25
      "\20\02\00\00\05\00\00\00"   ;; version: 544, 5
      "\30\02\00\00\0d\00\00\00"   ;; name: 560, 13
      "\40\02\00\00\09\00\00\00"   ;; plugin-class: 576, 9
      "\50\02\00\00\03\00\00\00")  ;; protocol-version: 592, 3
    (data (i32.const 512) "com.example.wasm-wat-gate")
    (data (i32.const 544) "0.3.1")
    (data (i32.const 560) "Wasm WAT Gate")
    (data (i32.const 576) "tool_gate")
    (data (i32.const 592) "1.0")
    (func (export "manifest") (result i32) (i32.const 256))
    (func (export "evaluate-pre-dispatch") (param i32) (result i32) (i32.const 1088))
    (func (export "evaluate-post-dispatch") (param i32) (result i32) (i32.const 1088)))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "cabi_realloc" (core func $realloc))

  ;; The types of mcpg:plugin/types@0.1.0 that tool-gate uses, each exported before use so the
  ;; exported functions only refer to named types.
  (type $identity' (record
    (field "kind" string) (field "trust-level" string)
    (field "subject-id" (option string)) (field "auth-provider" (option string))
    (field "issuer" (option string))
    (field "roles" (list string)) (field "groups" (list string)) (field "scopes" (list string))
    (field "attributes" (list (tuple string string)))))
  (export $identity "plugin-identity" (type $identity'))
  (type $context' (record
    (field "request-id" string) (field "session-id" (option string)) (field "tool-name" string)
    (field "surface" string) (field "identity" $identity) (field "transport" string)))
  (export $context "plugin-context" (type $context'))
  (type $manifest' (record
    (field "id" string) (field "version" string) (field "name" string)
    (field "plugin-class" string) (field "protocol-version" string)))
  (export $manifest "plugin-manifest" (type $manifest'))
  (type $allow' (record
    (field "metadata" (option string)) (field "modified-arguments" (option string))
    (field "modified-result" (option string))))
  (export $allow "gate-allow" (type $allow'))
  (type $denial' (record
    (field "http-status" u16) (field "code" s32) (field "message" string)
    (field "error-data" (option string))))
  (export $denial "gate-denial" (type $denial'))
  (type $challenge' (record
    (field "http-status" u16) (field "code" s32) (field "message" string)
    (field "challenge-data" string)))
  (export $challenge "gate-challenge" (type $challenge'))
  (type $decision' (variant (case "allow" $allow) (case "deny" $denial) (case "challenge" $challenge)))
  (export $decision "gate-decision" (type $decision'))

  (func $manifest-f (result $manifest)
    (canon lift (core func $i "manifest") (memory $mem)))
  (func $pre (param "ctx" $context) (param "arguments" string) (param "meta" (option string))
      (param "config" string) (result $decision)
    (canon lift (core func $i "evaluate-pre-dispatch") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (func $post (param "ctx" $context) (param "arguments" string) (param "result" string)
      (param "execution-duration-ms" u64) (param "config" string) (result $decision)
    (canon lift (core func $i "evaluate-post-dispatch") (memory $mem) (realloc $realloc) string-encoding=utf8))
  (instance $gate
    (export "plugin-context" (type $context))
    (export "plugin-manifest" (type $manifest))
    (export "gate-decision" (type $decision))
    (export "manifest" (func $manifest-f))
    (export "evaluate-pre-dispatch" (func $pre))
    (export "evaluate-post-dispatch" (func $post)))
  (export "mcpg:plugin/tool-gate@0.1.0" (instance $gate)))
