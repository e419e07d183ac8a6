(component (import "x:y/z" (instance (export "r" (type (sub resource))))))
