(component (import "x:y/z" (instance (export "inner" (instance (export "f" (func)))))))
