(component (import "t" (type (sub resource))))
