(component (import "wasi:cli/exit@0.2.12" (instance (export "exit-with-code" (func (param "c" u8))))))
