package api_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
)

// registrationTimingSamples is how many registrations of each kind one
// measurement times; registrationTimingTries is how many measurements a
// loaded machine gets before a difference counts.
const (
	registrationTimingSamples = 60
	registrationTimingTries   = 3
)

func TestRegistrationTakesAsLongForNewAndTakenAddresses(t *testing.T) {
	if testing.Short() {
		t.Skip("times many registrations")
	}
	srv := mailtest.Start(t)
	eachDialect(t, func(t *testing.T, e *env) {
		n := 0
		register := func(email string) time.Duration {
			n++
			start := time.Now()
			e.do(req{method: "POST", path: "/api/v1/auth/register", remote: fmt.Sprintf("10.1.%d.%d:4000", n/250, n%250),
				body: map[string]string{"email": email, "password": "correct horse battery", "name": "Ada"}}).want(202)
			return time.Since(start)
		}
		var fresh, taken time.Duration
		for try := range registrationTimingTries {
			var f, k []time.Duration
			for i := range registrationTimingSamples + 5 {
				e.Account(fmt.Sprintf("taken-%d-%d@example.org", try, i), auth.RoleParticipant)
			}
			for i := range registrationTimingSamples + 5 {
				old := fmt.Sprintf("taken-%d-%d@example.org", try, i)
				// Interleaved, and in alternating order, so that a slow
				// spell of the machine falls on both kinds alike.
				a, b := fmt.Sprintf("new-%d-%d@example.org", try, i), old
				if i%2 == 1 {
					a, b = b, a
				}
				da, db := register(a), register(b)
				if i < 5 {
					continue // warm-up
				}
				if i%2 == 1 {
					da, db = db, da
				}
				f, k = append(f, da), append(k, db)
			}
			fresh, taken = median(f), median(k)
			t.Logf("median of %d: new address %v, taken address %v", registrationTimingSamples, fresh, taken)
			if within(fresh, taken, 0.2) {
				return
			}
		}
		t.Errorf("registration's median time differs by more than 20%% between new (%v) and taken (%v) addresses", fresh, taken)
	}, withSMTP(t, srv), withHashing(timingHashing))
}

// timingHashing costs a few milliseconds, like the server's hashing
// dominates the work of a registration, so that skipping it for one kind
// of address shows; the tests' usual hashing costs next to nothing.
var timingHashing = auth.Params{Memory: 1024, Time: 8, Threads: 1, SaltLen: 16, KeyLen: 32}

func withHashing(p auth.Params) option { return func(o *options) { o.Hasher = auth.NewHasher(p, 2) } }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// within says whether a and b differ by at most frac of the larger.
func within(a, b time.Duration, frac float64) bool {
	return float64(max(a, b)-min(a, b)) <= frac*float64(max(a, b))
}
