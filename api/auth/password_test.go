package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// cheap keeps tests fast; production uses OWASPParams.
func cheap() Params { return Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} }

func TestOWASPParams(t *testing.T) {
	p := OWASPParams()
	if p.Memory != 19456 || p.Time != 2 || p.Threads != 1 {
		t.Fatalf("OWASPParams = %+v, want m=19456 KiB, t=2, p=1", p)
	}
}

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(OWASPParams(), 2)
	enc, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q not in PHC argon2id form with OWASP parameters", enc)
	}
	if ok, stale, err := h.Verify(ctx, enc, "correct horse"); !ok || stale || err != nil {
		t.Fatalf("Verify(right) = %v, %v, %v", ok, stale, err)
	}
	if ok, _, err := h.Verify(ctx, enc, "correct horsE"); ok || err != nil {
		t.Fatalf("Verify(wrong) = %v, %v", ok, err)
	}
	enc2, _ := h.Hash(ctx, "correct horse")
	if enc2 == enc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestStaleParamsReported(t *testing.T) {
	ctx := context.Background()
	old, _ := NewHasher(cheap(), 1).Hash(ctx, "password1")
	ok, stale, err := NewHasher(OWASPParams(), 1).Verify(ctx, old, "password1")
	if !ok || !stale || err != nil {
		t.Fatalf("Verify = %v, %v, %v; want ok and stale", ok, stale, err)
	}
}

func TestMalformedHashes(t *testing.T) {
	h := NewHasher(cheap(), 1)
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$a2V5"} {
		if ok, _, err := h.Verify(context.Background(), enc, "x"); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want an error", enc, ok, err)
		}
	}
}

func TestHashingIsBounded(t *testing.T) {
	h := NewHasher(cheap(), 1)
	release, err := h.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The one slot is taken: a caller with a deadline gives up with ErrBusy.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "password1"); !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash with all slots taken: err = %v, want ErrBusy", err)
	}
	// Past the queue bound, callers are refused at once.
	var wg sync.WaitGroup
	block, stop := context.WithCancel(context.Background())
	for range h.maxWaiting {
		wg.Go(func() { h.acquire(block) })
	}
	for h.waiting.Load() < h.maxWaiting {
		time.Sleep(time.Millisecond)
	}
	if _, err := h.acquire(context.Background()); !errors.Is(err, ErrBusy) {
		t.Fatalf("acquire past the queue bound: err = %v, want ErrBusy", err)
	}
	stop()
	wg.Wait()
	release()
}
