// Package ratelimit keeps one token bucket per key (a client address, an
// account) in memory. Each process keeps its own buckets: behind a load
// balancer with N replicas a client may get up to N times the rate.
package ratelimit

import (
	"sync"
	"time"
)

// Rate allows Burst events at once, then one more every Every.
type Rate struct {
	Burst int
	Every time.Duration
}

// PerMinute allows n events a minute to each key, all n at once if they
// come together; 0 allows every event.
func PerMinute(n int) Rate {
	if n <= 0 {
		return Rate{}
	}
	return Rate{Burst: n, Every: time.Minute / time.Duration(n)}
}

// PerHour allows n events an hour to each key, all n at once if they come
// together; 0 allows every event.
func PerHour(n int) Rate {
	if n <= 0 {
		return Rate{}
	}
	return Rate{Burst: n, Every: time.Hour / time.Duration(n)}
}

// maxKeys bounds memory: beyond it, buckets that have refilled are dropped.
const maxKeys = 100_000

// Limiter is a set of token buckets sharing one Rate. It is safe for
// concurrent use.
type Limiter struct {
	rate    Rate
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens  float64
	last    time.Time
	refused bool // the last Take was refused
}

// New returns a limiter allowing rate per key. now is its clock; nil means
// time.Now.
func New(rate Rate, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, now: now, buckets: make(map[string]*bucket)}
}

// Allow takes one token from key's bucket. When the bucket is empty it
// reports false and how long until a token is available. A nil Limiter
// allows everything.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	ok, wait, _ := l.Take(key)
	return ok, wait
}

// Take is Allow that also reports, when it refuses, whether this is the
// first refusal since key was last allowed: a caller can then record the
// start of a lock-out once rather than at every refused attempt.
func (l *Limiter) Take(key string) (ok bool, wait time.Duration, first bool) {
	if l == nil || l.rate.Burst <= 0 {
		return true, 0, false
	}
	t := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, found := l.buckets[key]
	if !found {
		if len(l.buckets) >= maxKeys {
			l.sweep(t)
		}
		b = &bucket{tokens: float64(l.rate.Burst), last: t}
		l.buckets[key] = b
	}
	b.refill(t, l.rate)
	if b.tokens >= 1 {
		b.tokens--
		b.refused = false
		return true, 0, false
	}
	first = !b.refused
	b.refused = true
	return false, time.Duration((1 - b.tokens) * float64(l.rate.Every)), first
}

// Refund gives back a token taken from key's bucket, for an event that
// turned out not to count (a correct password, when only failures are
// limited). A bucket never holds more than its burst.
func (l *Limiter) Refund(key string) {
	if l == nil || l.rate.Burst <= 0 {
		return
	}
	t := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		b.refill(t, l.rate)
		b.tokens = min(float64(l.rate.Burst), b.tokens+1)
	}
}

// Idle reports whether key's bucket is full, that is nothing was taken
// from it lately, and otherwise how long until it is.
func (l *Limiter) Idle(key string) (bool, time.Duration) {
	if l == nil || l.rate.Burst <= 0 {
		return true, 0
	}
	t := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return true, 0
	}
	b.refill(t, l.rate)
	if missing := float64(l.rate.Burst) - b.tokens; missing > 0 {
		return false, time.Duration(missing * float64(l.rate.Every))
	}
	return true, 0
}

func (b *bucket) refill(t time.Time, r Rate) {
	if elapsed := t.Sub(b.last); elapsed > 0 && r.Every > 0 {
		b.tokens = min(float64(r.Burst), b.tokens+float64(elapsed)/float64(r.Every))
		b.last = t
	}
}

// sweep drops buckets that are full again: forgetting them changes nothing.
func (l *Limiter) sweep(t time.Time) {
	for k, b := range l.buckets {
		b.refill(t, l.rate)
		if b.tokens >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
}
