// Package parallel runs independent work on every core.
package parallel

import (
	"runtime"
	"sync"
)

// For calls f for each index below n, on as many goroutines as Go runs at
// once, and returns when every call has. Each call must touch only what
// its index owns.
func For(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
