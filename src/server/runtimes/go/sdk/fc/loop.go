package fc

import (
	"context"
	"log"
	"time"
)

// serve polls for invocations until ctx ends, running each one in its own
// goroutine and polling again at once, so several can be in flight.
func serve(ctx context.Context, client *apiClient, fn *Function) error {
	delay := time.Duration(0)
	for {
		inv, err := client.next(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			log.Printf("failed to get invoke request due to %v", err)
			// Back off a little while the API is unreachable rather than
			// spinning.
			if delay < time.Second {
				delay += 50 * time.Millisecond
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(delay):
			}
			continue
		}
		delay = 0
		go fn.handle(client, inv)
	}
}
