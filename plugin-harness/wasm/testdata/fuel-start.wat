;; A start function draws on the call's budget: the store's fuel is set before instantiation.
(module $start
  (global $g (mut i32) (i32.const 0))
  (func $init (local i32)
    (local.set 0 (i32.const 50))
    (loop $l
      (global.set $g (i32.add (global.get $g) (local.get 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
  (start $init)
  (func (export "get") (result i32) (global.get $g)))
