// Package moderation handles abuse reports: anyone reports a plugin, a
// moderator takes it down or dismisses the report against a clock, the
// plugin's owner may appeal a takedown once, to another moderator. Every
// step is written to the audit log in the transaction that makes it, and
// the takedown in the same transaction as the report's resolution.
package moderation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// DefaultSLA is the time a moderator has to act on a report of terrorist
// or illegal content: the 90 minutes the platforms committed to.
const DefaultSLA = 90 * time.Minute

// OtherSLA is the time a moderator has to act on every other report.
const OtherSLA = 24 * time.Hour

// Reasons a plugin can be reported for, in the order forms list them.
var reasons = []string{"terrorist_content", "illegal", "impersonation", "malware", "privacy", "misinformation", "other"}

// urgent are the reasons that run on the short clock.
var urgent = []string{"terrorist_content", "illegal"}

// Reasons lists the reasons a plugin can be reported for.
func Reasons() []string { return slices.Clone(reasons) }

// UrgentReasons lists the reasons whose clock is the takedown SLA.
func UrgentReasons() []string { return slices.Clone(urgent) }

// Actions a moderator takes on a report.
const (
	ActionTakedown = "takedown"
	ActionDismiss  = "dismiss"
)

// Limits of what a reporter, a moderator and an owner write.
const (
	MaxDetails = 5000
	MaxContact = 320
	MaxNote    = 2000
	MaxAppeal  = 5000
)

// Service is the moderation desk. Its clock decides due times.
type Service struct {
	store *store.Store
	reg   *registry.Service
	now   func() time.Time
	sla   time.Duration
}

// New returns the service. sla is the clock of terrorist and illegal
// content (0 means DefaultSLA); now is the service's clock (nil means
// time.Now).
func New(st *store.Store, reg *registry.Service, sla time.Duration, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if sla <= 0 {
		sla = DefaultSLA
	}
	return &Service{store: st, reg: reg, now: now, sla: sla}
}

// SLA returns how long a moderator has to act on a report for reason.
func (s *Service) SLA(reason string) time.Duration {
	if slices.Contains(urgent, reason) {
		return s.sla
	}
	return OtherSLA
}

// Now returns the service's time, as the database keeps it.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Input is a report as someone files it.
type Input struct {
	Reason  string
	Details string
	Contact string // optional: how a moderator may reach the reporter
}

// Check returns every problem with a report, naming its field.
func (in Input) Check() error {
	var c valid.Checker
	c.Check(slices.Contains(reasons, in.Reason), "reason", "must be one of "+strings.Join(reasons, ", "))
	c.Length(in.Details, 1, MaxDetails, "details")
	c.Length(in.Contact, 0, MaxContact, "contact")
	return c.Err()
}

// Report files a report about a plugin the caller (anyone, signed in or
// not) can see. Nothing identifies the reporter but the contact they give.
func (s *Service) Report(ctx context.Context, u auth.User, slug string, in Input) (store.Report, error) {
	in.Reason, in.Details, in.Contact = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Details), strings.TrimSpace(in.Contact)
	if err := in.Check(); err != nil {
		return store.Report{}, err
	}
	p, err := s.reg.Get(ctx, u, slug)
	if err != nil {
		return store.Report{}, err
	}
	var r store.Report
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		at := s.Now()
		if r, err = tx.InsertReport(ctx, store.NewReport{PluginID: p.ID, Reason: in.Reason, Details: in.Details,
			Contact: in.Contact, CreatedAt: at, DueAt: at.Add(s.SLA(in.Reason))}); err != nil {
			return err
		}
		return audit(ctx, tx, u, "report.create", r, map[string]any{"plugin": p.Slug, "reason": in.Reason})
	})
	return r, err
}

// Queue returns a page of reports for a moderator: those awaiting a
// decision (status ""), or those of one status, soonest due first.
func (s *Service) Queue(ctx context.Context, u auth.User, status string, pg store.Page) ([]store.Report, int, error) {
	if err := u.CheckRole(auth.RoleModerator); err != nil {
		return nil, 0, err
	}
	var c valid.Checker
	c.Check(status == "" || slices.Contains([]string{store.ReportOpen, store.ReportAppealed, store.ReportResolved}, status),
		"status", "must be open, appealed or resolved")
	if err := c.Err(); err != nil {
		return nil, 0, err
	}
	return s.store.ListReports(ctx, status, pg)
}

// Get returns a report to a moderator.
func (s *Service) Get(ctx context.Context, u auth.User, id int64) (store.Report, error) {
	if err := u.CheckRole(auth.RoleModerator); err != nil {
		return store.Report{}, err
	}
	return s.store.Report(ctx, id)
}

// Removal returns the report whose takedown removed a plugin the caller
// owns, for the owner's space; false when it was not removed on a report.
func (s *Service) Removal(ctx context.Context, u auth.User, p store.Plugin) (store.Report, bool, error) {
	if u.ID == 0 || p.OwnerID != u.ID {
		return store.Report{}, false, nil
	}
	list, err := s.store.PluginReports(ctx, p.ID)
	if err != nil {
		return store.Report{}, false, err
	}
	for _, r := range list {
		if r.PreviousStatus != nil {
			return r, true, nil
		}
	}
	return store.Report{}, false, nil
}

// audit records a step of a report in the transaction that makes it. The
// reporter's contact never goes there.
func audit(ctx context.Context, tx *store.Tx, u auth.User, action string, r store.Report, details map[string]any) error {
	var actor *int64
	if u.ID != 0 {
		actor = &u.ID
	}
	return tx.AppendAudit(ctx, store.AuditEntry{ActorID: actor, Action: action, TargetType: "report",
		TargetID: fmt.Sprint(r.ID), Details: details})
}
