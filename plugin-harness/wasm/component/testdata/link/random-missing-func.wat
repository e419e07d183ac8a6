(component (import "wasi:random/random@0.2.0" (instance (export "get-random-u32" (func)))))
