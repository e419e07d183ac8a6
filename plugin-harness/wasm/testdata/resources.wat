
;; A tool-gate component that defines a resource and uses canon resource.new, resource.rep and
;; resource.drop from a second core module: evaluate-pre-dispatch makes a handle for rep 42, reads
;; the rep back (trapping if it is not 42), drops it and allows with metadata {"resource":"ok"};
;; evaluate-post-dispatch asks for the rep of the handle it dropped, which traps.
(component
  (type $r (resource (rep i32)))
  (core func $rnew (canon resource.new $r))
  (core func $rrep (canon resource.rep $r))
  (core func $rdrop (canon resource.drop $r))
  (core module $user
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "check") (result i32)
      (local $h i32)
      (local.set $h (call $new (i32.const 42)))
      (if (i32.ne (call $rep (local.get $h)) (i32.const 42)) (then unreachable))
      (call $drop (local.get $h))
      (local.get $h))
    (func (export "use-dropped") (param i32) (result i32) (call $rep (local.get 0))))
  (core instance $u (instantiate $user
    (with "" (instance (export "new" (func $rnew)) (export "rep" (func $rrep)) (export "drop" (func $rdrop))))))
  (core module $m
    (import "user" "check" (func $check (result i32)))
    (import "user" "use-dropped" (func $use (param i32) (result i32)))
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
    (func (export "manifest") (result i32) (i32.const 256))
    (func (export "evaluate-pre-dispatch") (param i32) (result i32)
      (drop (call $check))
      (i32.const 1024))
    (func (export "evaluate-post-dispatch") (param i32) (result i32)
      (drop (call $use (i32.const 1)))
      (i32.const 1024)))
  (core instance $i (instantiate $m (with "user" (instance $u))))
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
