package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// OWASPParams returns the argon2id parameters the OWASP Password Storage
// Cheat Sheet recommends: 19 MiB of memory, 2 passes, 1 lane.
func OWASPParams() Params {
	return Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Hasher hashes and verifies passwords with argon2id. Each hash holds
// Params.Memory for its duration, so at most a fixed number run at once and
// a bounded number wait; beyond that Hash and Verify fail with ErrBusy
// rather than let memory grow with the number of requests.
type Hasher struct {
	params     Params
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	dummyOnce  sync.Once
	dummy      string
}

// NewHasher returns a hasher using params, running at most concurrency
// hashes at once and queueing at most 64 times that many.
func NewHasher(params Params, concurrency int) *Hasher {
	concurrency = max(concurrency, 1)
	return &Hasher{params: params, slots: make(chan struct{}, concurrency), maxWaiting: int64(64 * concurrency)}
}

// acquire waits for a hashing slot.
func (h *Hasher) acquire(ctx context.Context) (release func(), err error) {
	if h.waiting.Add(1) > h.maxWaiting {
		h.waiting.Add(-1)
		return nil, ErrBusy
	}
	defer h.waiting.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
}

// Hash returns the PHC-formatted argon2id hash of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	rand.Read(salt)
	release, err := h.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return encodeHash(h.params, salt, h.derive(h.params, salt, password)), nil
}

func (h *Hasher) derive(p Params, salt []byte, password string) []byte {
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

func encodeHash(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("auth: malformed password hash")

func decodeHash(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return Params{}, nil, nil, errBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 || p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return Params{}, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// Verify reports whether password matches encoded, and whether encoded was
// made with other parameters than the hasher's and should be replaced.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, stale bool, err error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	release, err := h.acquire(ctx)
	if err != nil {
		return false, false, err
	}
	defer release()
	got := h.derive(p, salt, password)
	return subtle.ConstantTimeCompare(got, key) == 1, p != h.params, nil
}

// VerifyNothing spends the time a Verify would, for callers that have no
// hash to check (an unknown account) but must not answer faster.
func (h *Hasher) VerifyNothing(ctx context.Context, password string) error {
	h.dummyOnce.Do(func() {
		salt := make([]byte, h.params.SaltLen)
		rand.Read(salt)
		h.dummy = encodeHash(h.params, salt, h.derive(h.params, salt, rand.Text()))
	})
	_, _, err := h.Verify(ctx, h.dummy, password)
	return err
}
