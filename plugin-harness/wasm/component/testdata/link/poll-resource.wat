(component (import "wasi:io/poll@0.2.0" (instance (export "pollable" (type (sub resource))))))
