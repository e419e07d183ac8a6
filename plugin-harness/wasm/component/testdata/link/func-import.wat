(component (import "f" (func)))
