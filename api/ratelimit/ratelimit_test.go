package ratelimit

import (
	"strconv"
	"testing"
	"time"
)

func TestBurstThenRefill(t *testing.T) {
	clock := time.Unix(0, 0)
	l := New(Rate{Burst: 3, Every: 10 * time.Second}, func() time.Time { return clock })
	for i := range 3 {
		if ok, _ := l.Allow("ip"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("ip")
	if ok || wait != 10*time.Second {
		t.Fatalf("4th request: ok=%v wait=%v, want refused for 10s", ok, wait)
	}
	if ok, _ := l.Allow("other"); !ok {
		t.Fatal("another key shares the bucket")
	}
	clock = clock.Add(4 * time.Second)
	if ok, wait := l.Allow("ip"); ok || wait != 6*time.Second {
		t.Fatalf("after 4s: ok=%v wait=%v, want refused for 6s", ok, wait)
	}
	clock = clock.Add(6 * time.Second)
	if ok, _ := l.Allow("ip"); !ok {
		t.Fatal("token not refilled after 10s")
	}
}

func TestSweepKeepsMemoryBounded(t *testing.T) {
	clock := time.Unix(0, 0)
	l := New(Rate{Burst: 1, Every: time.Second}, func() time.Time { return clock })
	l.Allow("busy")
	for i := range maxKeys {
		l.Allow(strconv.Itoa(i))
	}
	clock = clock.Add(time.Minute)
	l.Allow("new")
	if n := len(l.buckets); n > 2 {
		t.Fatalf("%d buckets kept after sweep, want the new one only", n)
	}
}

func TestZeroRateAllowsEverything(t *testing.T) {
	l := New(Rate{}, nil)
	for range 100 {
		if ok, _ := l.Allow("k"); !ok {
			t.Fatal("zero rate refused a request")
		}
	}
}

func TestTakeReportsTheFirstRefusalOnly(t *testing.T) {
	clock := time.Unix(0, 0)
	l := New(Rate{Burst: 1, Every: 10 * time.Second}, func() time.Time { return clock })
	if ok, _, _ := l.Take("k"); !ok {
		t.Fatal("first event refused")
	}
	if ok, _, first := l.Take("k"); ok || !first {
		t.Fatalf("second event: ok=%v first=%v, want the first refusal", ok, first)
	}
	if ok, _, first := l.Take("k"); ok || first {
		t.Fatalf("third event: ok=%v first=%v, want a repeated refusal", ok, first)
	}
	clock = clock.Add(10 * time.Second)
	if ok, _, _ := l.Take("k"); !ok {
		t.Fatal("not allowed again after refilling")
	}
	if ok, _, first := l.Take("k"); ok || !first {
		t.Fatalf("after being allowed again: ok=%v first=%v, want a new first refusal", ok, first)
	}
}

func TestRefundAndIdle(t *testing.T) {
	clock := time.Unix(0, 0)
	l := New(Rate{Burst: 2, Every: 10 * time.Second}, func() time.Time { return clock })
	if idle, _ := l.Idle("k"); !idle {
		t.Fatal("an unused key is not idle")
	}
	l.Allow("k")
	if idle, wait := l.Idle("k"); idle || wait != 10*time.Second {
		t.Fatalf("after one event: idle=%v wait=%v, want busy for 10s", idle, wait)
	}
	l.Refund("k")
	l.Refund("k")
	if idle, _ := l.Idle("k"); !idle {
		t.Fatal("refunded key is not idle")
	}
	l.Allow("k")
	l.Allow("k")
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("refunds raised the bucket over its burst")
	}
}

func TestPerMinute(t *testing.T) {
	clock := time.Unix(0, 0)
	l := New(PerMinute(2), func() time.Time { return clock })
	l.Allow("ip")
	l.Allow("ip")
	if ok, wait := l.Allow("ip"); ok || wait != 30*time.Second {
		t.Fatalf("3rd of 2 a minute: ok=%v wait=%v, want refused for 30s", ok, wait)
	}
	if r := PerMinute(0); r.Burst != 0 {
		t.Fatalf("PerMinute(0) = %+v, want no limit", r)
	}
}

func TestNilLimiterAllowsEverything(t *testing.T) {
	var l *Limiter
	if ok, _ := l.Allow("ip"); !ok {
		t.Fatal("a nil limiter refused")
	}
}

func TestPerHour(t *testing.T) {
	clock := time.Unix(0, 0)
	l := New(PerHour(4), func() time.Time { return clock })
	for range 4 {
		l.Allow("ip")
	}
	if ok, wait := l.Allow("ip"); ok || wait != 15*time.Minute {
		t.Fatalf("5th of 4 an hour: ok=%v wait=%v, want refused for 15m", ok, wait)
	}
	if r := PerHour(0); r.Burst != 0 {
		t.Fatalf("PerHour(0) = %+v, want no limit", r)
	}
}
