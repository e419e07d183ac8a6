(component (import "wasi:clocks/timezone@0.2.0" (instance (export "display" (func)))))
