(component (import "wasi:io/poll@0.2.0" (instance (export "nope" (type (sub resource))))))
