(component (type $f (func (result u64))) (import "wasi:random/random@0.2.0-rc-2023-11-10" (instance (export "get-random-u64" (func (type $f))))))
