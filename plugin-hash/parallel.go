package main

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// inOrder runs work(i) for every i in [0, n) on up to GOMAXPROCS goroutines and calls done(i) on
// the calling goroutine in order of i, each as soon as work(i) has finished. Many small files are
// then hashed side by side, one file per core, while output keeps the order of the arguments; one
// large file still gets its own read-ahead and its zip and artifact hashed side by side. With one
// core (or one file) everything runs here, in turn.
func inOrder(n int, work, done func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
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
