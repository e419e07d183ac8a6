(component (type (record (field "a" u8))) (import "t" (type (eq 0))))
