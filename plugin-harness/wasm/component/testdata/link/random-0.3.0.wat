(component (type $f (func (result u64))) (import "wasi:random/random@0.3.0" (instance (export "get-random-u64" (func (type $f))))))
