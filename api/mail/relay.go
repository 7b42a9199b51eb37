package mail

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riposte-civic/riposte/api/store"
)

// Relay drains the mail outbox into a sender. Each pass leases a batch of
// due messages and sends them one at a time, marking each sent as soon as
// the server accepted it; a failure sets the message's next attempt, with
// exponential backoff and jitter. A message is leased for longer than a
// send may take, so that no other relay (one per replica) sends it
// meanwhile. What remains is the window between the server's acceptance
// and the mark: a crash there sends the message again, with the same
// Message-ID, once its lease ends (docs/operators.md).
type Relay struct {
	store  *store.Store
	sender Sender
	log    *slog.Logger
	now    func() time.Time

	batch   int
	lease   time.Duration
	idle    time.Duration
	timeout time.Duration

	sent, failed prometheus.Counter
}

// Relay defaults. The lease outlasts a whole batch of sends at their
// timeout.
const (
	relayBatch     = 20
	relayTimeout   = 30 * time.Second
	relayLease     = relayBatch*relayTimeout + time.Minute
	relayIdle      = time.Second
	backoffBase    = 2 * time.Second
	backoffCeiling = 10 * time.Minute
	relayReminder  = 10 * time.Minute
)

// NewRelay returns a relay from st's mail outbox to sender; metrics, when
// not nil, receives counters of sent and failed messages.
func NewRelay(st *store.Store, sender Sender, log *slog.Logger, metrics prometheus.Registerer) *Relay {
	r := &Relay{store: st, sender: sender, log: log, now: time.Now,
		batch: relayBatch, lease: relayLease, idle: relayIdle, timeout: relayTimeout,
		sent:   prometheus.NewCounter(prometheus.CounterOpts{Name: "riposte_mail_sent_total", Help: "E-mail messages handed to the mail server (or the log)."}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "riposte_mail_failures_total", Help: "Attempts to send an e-mail message that failed and will be retried."})}
	if metrics != nil {
		metrics.MustRegister(r.sent, r.failed)
	}
	return r
}

// SetIdle sets how long the relay waits between passes when there is
// nothing to do or sending fails.
func (r *Relay) SetIdle(d time.Duration) { r.idle = d }

// SetClock replaces the relay's clock, for tests of backoff.
func (r *Relay) SetClock(now func() time.Time) { r.now = now }

// Run drains the outbox until ctx ends. While sending fails, it logs the
// start of the outage once, a reminder at most every ten minutes, and the
// end of the outage once.
func (r *Relay) Run(ctx context.Context) {
	var o outage
	for ctx.Err() == nil {
		n, err := r.Drain(ctx)
		if ctx.Err() != nil {
			return
		}
		r.watch(ctx, &o, n, err)
		if n < r.batch || err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(r.idle):
			}
		}
	}
}

// outage is what a relay remembers of failing sends.
type outage struct {
	since, reminded time.Time // zero while messages flow
}

// watch logs what changed about an outage after a pass.
func (r *Relay) watch(ctx context.Context, o *outage, n int, err error) {
	now := r.now()
	switch {
	case o.since.IsZero() && err != nil:
		*o = outage{since: now, reminded: now}
		r.log.Warn("e-mail messages cannot be sent; they will be retried", "via", r.sender.Name(),
			"pending", r.pending(ctx), "error", err)
	case o.since.IsZero():
	case err == nil && n > 0:
		r.log.Info("e-mail messages are flowing again", "via", r.sender.Name(), "after", now.Sub(o.since).Round(time.Second))
		*o = outage{}
	case err != nil && now.Sub(o.reminded) >= relayReminder:
		o.reminded = now
		r.log.Warn("e-mail messages still cannot be sent; they will be retried", "via", r.sender.Name(),
			"pending", r.pending(ctx), "for", now.Sub(o.since).Round(time.Second), "error", err)
	}
}

func (r *Relay) pending(ctx context.Context) any {
	n, err := r.store.PendingMail(ctx)
	if err != nil {
		return "unknown"
	}
	return n
}

// Drain runs one pass: it sends the due messages it can lease and reports
// how many were sent, and the last error met.
func (r *Relay) Drain(ctx context.Context) (int, error) {
	batch, err := r.store.ClaimMail(ctx, r.batch, r.now(), r.lease)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	sent := 0
	var last error
	for _, m := range batch {
		if last != nil {
			// The server just failed: leave the rest of the batch for
			// the next attempt rather than knock on a closed door.
			r.fail(ctx, m, last)
			continue
		}
		if err := r.send(ctx, m); err != nil {
			last = err
			r.fail(ctx, m, err)
			continue
		}
		sent++
	}
	return sent, last
}

// send hands one message to the sender and marks it sent.
func (r *Relay) send(ctx context.Context, m store.QueuedMail) error {
	sctx, cancel := context.WithTimeout(ctx, r.timeout)
	err := r.sender.Send(sctx, m)
	cancel()
	if err != nil {
		return err
	}
	r.sent.Inc()
	// The mark must land even if ctx ends now: the message is gone.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := r.store.MarkMailSent(mctx, m.ID, r.now(), r.sender.Keeps()); err != nil {
		r.log.Error("an e-mail message was sent but could not be marked so; it may be sent again", "message_id", m.MessageID, "error", err)
	}
	return nil
}

func (r *Relay) fail(ctx context.Context, m store.QueuedMail, cause error) {
	r.failed.Inc()
	if err := r.store.FailMail(ctx, m.ID, cause.Error(), r.now().Add(backoff(m.Attempts))); err != nil && ctx.Err() == nil {
		r.log.Warn("recording a failed e-mail", "message_id", m.MessageID, "error", err)
	}
}

// backoff is how long to wait before the attempt after the n-th: doubling
// from two seconds up to ten minutes, with jitter so that replicas do not
// retry in step.
func backoff(attempts int) time.Duration {
	d := backoffCeiling
	if attempts < 20 {
		d = min(backoffCeiling, backoffBase<<max(attempts-1, 0))
	}
	return d/2 + rand.N(d/2+1)
}
