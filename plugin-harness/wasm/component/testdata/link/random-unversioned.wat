(component (type $f (func (result u64))) (import "wasi:random/random" (instance (export "get-random-u64" (func (type $f))))))
