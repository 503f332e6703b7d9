// Package parallel runs independent work on every core.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls f for each index below n, on as many goroutines as Go runs at
// once, the caller's among them, and returns when every call has. Each
// call must touch only what its index owns.
func For(n int, f func(i int)) {
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
			f(i)
		}
	}
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
