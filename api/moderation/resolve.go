package moderation

import (
	"context"
	"fmt"
	"strings"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// Decision is what a moderator decides on a report.
type Decision struct {
	Action string // takedown or dismiss
	Note   string
}

// Check returns every problem with a decision, naming its field.
func (d Decision) Check() error {
	var c valid.Checker
	c.Check(d.Action == ActionTakedown || d.Action == ActionDismiss, "action", "must be takedown or dismiss")
	c.Length(d.Note, 0, MaxNote, "note")
	return c.Err()
}

// Resolve records a moderator's decision on a report awaiting one. A
// takedown of an open report removes the plugin, in the same transaction,
// and resolves the plugin's other open reports with it. On an appeal,
// which another moderator than the first must decide, a takedown keeps the
// plugin removed and a dismissal restores it.
func (s *Service) Resolve(ctx context.Context, u auth.User, id int64, d Decision) (store.Report, error) {
	if err := u.CheckRole(auth.RoleModerator); err != nil {
		return store.Report{}, err
	}
	d.Note = strings.TrimSpace(d.Note)
	if err := d.Check(); err != nil {
		return store.Report{}, err
	}
	var r store.Report
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = tx.LockReport(ctx, id); err != nil {
			return err
		}
		if err := resolvable(r, u); err != nil {
			return err
		}
		p, err := tx.LockPlugin(ctx, r.PluginSlug)
		if err != nil {
			return err
		}
		if r.Status == store.ReportAppealed {
			err = s.decideAppeal(ctx, tx, u, r, p, d)
		} else {
			err = s.decide(ctx, tx, u, r, p, d)
		}
		if err != nil {
			return err
		}
		r, err = tx.LockReport(ctx, id)
		return err
	})
	if err == nil {
		s.reg.Forget(r.PluginSlug) // a removed plugin is no longer run, a restored one is read again
	}
	return r, err
}

// resolvable refuses a decision on a report that awaits none, and on an
// appeal from the moderator who made the first decision.
func resolvable(r store.Report, u auth.User) error {
	switch {
	case r.Status == store.ReportResolved:
		return fmt.Errorf("%w: report %d is already resolved", store.ErrConflict, r.ID)
	case r.Status == store.ReportAppealed && r.FirstResolvedBy != nil && *r.FirstResolvedBy == u.ID:
		return fmt.Errorf("you made the decision under appeal; another moderator must resolve the appeal: %w", auth.ErrForbidden)
	}
	return nil
}

// decide makes the first decision on an open report.
func (s *Service) decide(ctx context.Context, tx *store.Tx, u auth.User, r store.Report, p store.Plugin, d Decision) error {
	res := store.Resolution{Action: d.Action, Note: d.Note, By: u.ID, At: s.Now()}
	if d.Action == ActionDismiss {
		return resolve(ctx, tx, u, r, res)
	}
	if p.Status != store.StatusRemoved {
		res.PreviousStatus = p.Status
		reason := removalReason(r, d.Note)
		if err := tx.RemovePlugin(ctx, p.ID, u.ID, reason); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, store.AuditEntry{ActorID: &u.ID, Action: "plugin.takedown", TargetType: "plugin",
			TargetID: p.Slug, Details: map[string]any{"reason": reason, "report": r.ID, "previous_status": p.Status}}); err != nil {
			return err
		}
	}
	if err := resolve(ctx, tx, u, r, res); err != nil {
		return err
	}
	return resolveOthers(ctx, tx, u, r, res)
}

// resolveOthers resolves, with a takedown, the plugin's other open reports.
func resolveOthers(ctx context.Context, tx *store.Tx, u auth.User, r store.Report, res store.Resolution) error {
	others, err := tx.PluginReports(ctx, r.PluginID)
	if err != nil {
		return err
	}
	res.PreviousStatus = ""
	res.Note = fmt.Sprintf("resolved with report %d", r.ID)
	for _, o := range others {
		if o.ID == r.ID || o.Status != store.ReportOpen {
			continue
		}
		if err := resolve(ctx, tx, u, o, res); err != nil {
			return err
		}
	}
	return nil
}

// decideAppeal decides an appeal: a takedown keeps the plugin removed, a
// dismissal restores it to the status it had.
func (s *Service) decideAppeal(ctx context.Context, tx *store.Tx, u auth.User, r store.Report, p store.Plugin, d Decision) error {
	if d.Action == ActionDismiss && p.Status == store.StatusRemoved && r.PreviousStatus != nil {
		if err := tx.RestorePlugin(ctx, p.ID, *r.PreviousStatus); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, store.AuditEntry{ActorID: &u.ID, Action: "plugin.restore", TargetType: "plugin",
			TargetID: p.Slug, Details: map[string]any{"report": r.ID, "status": *r.PreviousStatus}}); err != nil {
			return err
		}
	}
	return resolve(ctx, tx, u, r, store.Resolution{Action: d.Action, Note: d.Note, By: u.ID, At: s.Now()})
}

// resolve records a decision and audits it.
func resolve(ctx context.Context, tx *store.Tx, u auth.User, r store.Report, res store.Resolution) error {
	if err := tx.ResolveReport(ctx, r.ID, res); err != nil {
		return err
	}
	return audit(ctx, tx, u, "report.resolve", r, map[string]any{"plugin": r.PluginSlug, "action": res.Action,
		"note": res.Note, "appeal": r.Status == store.ReportAppealed})
}

// removalReason is what the plugin's owner reads: the report's reason and
// the moderator's note.
func removalReason(r store.Report, note string) string {
	reason := fmt.Sprintf("report %d: %s", r.ID, r.Reason)
	if note != "" {
		reason += " — " + note
	}
	return reason
}

// Appeal reopens, for another moderator, the report whose takedown removed
// the caller's plugin. A report is appealed once.
func (s *Service) Appeal(ctx context.Context, u auth.User, id int64, message string) (store.Report, error) {
	message = strings.TrimSpace(message)
	var c valid.Checker
	c.Length(message, 1, MaxAppeal, "message")
	if err := c.Err(); err != nil {
		return store.Report{}, err
	}
	var r store.Report
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = tx.LockReport(ctx, id); err != nil {
			return err
		}
		if err := appealable(r, u); err != nil {
			return err
		}
		at := s.Now()
		if err := tx.AppealReport(ctx, id, message, at, at.Add(s.SLA(r.Reason))); err != nil {
			return err
		}
		if err := audit(ctx, tx, u, "report.appeal", r, map[string]any{"plugin": r.PluginSlug}); err != nil {
			return err
		}
		r, err = tx.LockReport(ctx, id)
		return err
	})
	return r, err
}

// appealable refuses an appeal by anyone but the plugin's owner (404, as
// the report is not theirs to know of), of a report that took nothing
// down, or a second one.
func appealable(r store.Report, u auth.User) error {
	switch {
	case u.ID == 0 || r.PluginOwnerID != u.ID:
		return fmt.Errorf("report %d: %w", r.ID, store.ErrNotFound)
	case r.PreviousStatus == nil:
		return fmt.Errorf("%w: only the report whose takedown removed the plugin can be appealed", store.ErrConflict)
	case r.AppealedAt != nil:
		return fmt.Errorf("%w: this takedown was already appealed; an appeal is heard once", store.ErrConflict)
	}
	return nil
}
