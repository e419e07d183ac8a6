(component (import "mcpg:plugin/types@0.1.0" (instance (type (record (field "a" u8))) (export "r" (type (eq 0))) (type (enum "x" "y")) (export "e" (type (eq 2))))))
