// Package watch runs a check at a steady pace in the background, telling
// the log once when it starts failing and once when it works again, rather
// than at every failed round.
package watch

import (
	"context"
	"log/slog"
	"time"
)

// Every runs check every interval until ctx ends. When a round fails after
// one that worked (or the first fails), it logs a warning: "<what> failed;
// <meanwhile>", meanwhile saying what the platform does instead; when a
// round works after failures, it logs "<what> works again". A round ended
// by ctx is not a failure.
func Every(ctx context.Context, interval time.Duration, check func(context.Context) error, log *slog.Logger, what, meanwhile string) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		err := check(ctx)
		switch {
		case err != nil && !failing && ctx.Err() == nil:
			log.Warn(what+" failed; "+meanwhile, "error", err)
			failing = true
		case err == nil && failing:
			log.Info(what + " works again")
			failing = false
		}
	}
}
