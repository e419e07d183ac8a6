(component (import "mcpg:plugin/types@0.1.0" (instance)) (import "wasi:http/outgoing-handler@0.2.0" (instance (export "handle" (func)))) (import "zzz" (func)))
