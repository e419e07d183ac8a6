;; A hand-written tool-gate-plugin component that grows its tables with table.grow by as many
;; elements as the tool name asks: `table.grow.<n>` grows a funcref table of 1 element with no
;; maximum, `table.grow-max.<n>` one of 1 element with a maximum of 10 (n in decimal, modulo
;; 2^32). evaluate-pre-dispatch then allows with metadata {"table_grow":<what table.grow
;; returned, as a signed i32>,"table_size":<the table's size after it>}; any other tool is
;; allowed without metadata, and so is every evaluate-post-dispatch.
(component
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
    (table $free 1 funcref)
    (table $bounded 1 10 funcref)
    (data (i32.const 640) "table.grow.")
    (data (i32.const 656) "table.grow-max.")
    (data (i32.const 688) "{\"table_grow\":")
    (data (i32.const 704) ",\"table_size\":")
    ;; Whether the string at $p (length $n) starts with the $k bytes at $q.
    (func $has-prefix (param $p i32) (param $n i32) (param $q i32) (param $k i32) (result i32)
      (local $i i32)
      (if (i32.lt_u (local.get $n) (local.get $k)) (then (return (i32.const 0))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
          (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                      (i32.load8_u (i32.add (local.get $q) (local.get $i))))
            (then (return (i32.const 0))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.const 1))
    ;; The decimal digits from $p to $end, modulo 2^32.
    (func $number (param $p i32) (param $end i32) (result i32)
      (local $v i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10))
                                 (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next)))
      (local.get $v))
    ;; Writes $v (signed) in decimal at $at; returns where it ends.
    (func $itoa (param $v i32) (param $at i32) (result i32)
      (local $n i64) (local $p i32)
      (local.set $n (i64.extend_i32_s (local.get $v)))
      (if (i64.lt_s (local.get $n) (i64.const 0))
        (then
          (i32.store8 (local.get $at) (i32.const 45))
          (local.set $at (i32.add (local.get $at) (i32.const 1)))
          (local.set $n (i64.sub (i64.const 0) (local.get $n)))))
      (local.set $p (i32.const 3020))
      (loop $digit
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
        (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
        (br_if $digit (i64.ne (local.get $n) (i64.const 0))))
      (memory.copy (local.get $at) (local.get $p) (i32.sub (i32.const 3020) (local.get $p)))
      (i32.add (local.get $at) (i32.sub (i32.const 3020) (local.get $p))))
    ;; gate-decision at 1024: allow with metadata {"table_grow":$grew,"table_size":$size} at 2048.
    (func $allow (param $grew i32) (param $size i32) (result i32)
      (local $end i32)
      (memory.copy (i32.const 2048) (i32.const 688) (i32.const 14))
      (local.set $end (call $itoa (local.get $grew) (i32.const 2062)))
      (memory.copy (local.get $end) (i32.const 704) (i32.const 14))
      (local.set $end (call $itoa (local.get $size) (i32.add (local.get $end) (i32.const 14))))
      (i32.store8 (local.get $end) (i32.const 125))
      (i32.store (i32.const 1028) (i32.const 1))
      (i32.store (i32.const 1032) (i32.const 2048))
      (i32.store (i32.const 1036) (i32.sub (i32.add (local.get $end) (i32.const 1)) (i32.const 2048)))
      (i32.const 1024))
    ;; ctx.tool-name is the string at offset 20 of the parameter area.
    (func (export "evaluate-pre-dispatch") (param $params i32) (result i32)
      (local $p i32) (local $n i32)
      (local.set $p (i32.load offset=20 (local.get $params)))
      (local.set $n (i32.load offset=24 (local.get $params)))
      (if (call $has-prefix (local.get $p) (local.get $n) (i32.const 640) (i32.const 11))
        (then (return (call $allow
          (table.grow $free (ref.null func)
            (call $number (i32.add (local.get $p) (i32.const 11)) (i32.add (local.get $p) (local.get $n))))
          (table.size $free)))))
      (if (call $has-prefix (local.get $p) (local.get $n) (i32.const 656) (i32.const 15))
        (then (return (call $allow
          (table.grow $bounded (ref.null func)
            (call $number (i32.add (local.get $p) (i32.const 15)) (i32.add (local.get $p) (local.get $n))))
          (table.size $bounded)))))
      ;; An allow with nothing: 1088 is never written, so all zeros.
      (i32.const 1088))
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
