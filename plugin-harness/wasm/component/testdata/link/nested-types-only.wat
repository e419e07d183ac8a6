(component (import "x:y/z" (instance (export "inner" (instance (type (record (field "a" u8))) (export "r" (type (eq 0))))))))
