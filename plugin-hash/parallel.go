package main

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// maxWorkers bounds memory, not speed: a large package in flight holds about 8 MiB (read-ahead
// buffers for the zip and the artifact, the inflater's), so four stay well inside the 64 MiB
// every command gets, on any number of cores.
const maxWorkers = 4

// inOrder runs work(i) for every i in [0, n) on up to GOMAXPROCS (at most maxWorkers) goroutines
// and calls done(i) on the calling goroutine in order of i, each as soon as work(i) has finished.
// Many small files are then hashed side by side, one file per core, while output keeps the order
// of the arguments; one large file still gets its own read-ahead and its zip and artifact hashed
// side by side. With one core (or one file) everything runs here, in turn.
func inOrder(n int, work, done func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), maxWorkers, n)
	if workers <= 1 {
		for i := range n {
			work(i)
			done(i)
		}
		return
	}
	finished := make([]chan struct{}, n)
	for i := range finished {
		finished[i] = make(chan struct{})
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				work(i)
				close(finished[i])
			}
		})
	}
	for i := range n {
		<-finished[i]
		done(i)
	}
	wg.Wait()
}
