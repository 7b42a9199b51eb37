package store

import (
	"context"
	"fmt"
	"time"
)

// NotificationsOff lists the kinds of notification an account turned off.
func (q queries) NotificationsOff(ctx context.Context, userID int64) ([]string, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT kind FROM notification_opt_outs WHERE user_id = $1 ORDER BY kind`, userID)
	if err != nil {
		return nil, fmt.Errorf("notifications off: %w", err)
	}
	kinds, err := collect(rows, func(r interface{ Scan(...any) error }) (string, error) {
		var k string
		return k, r.Scan(&k)
	})
	if err != nil {
		return nil, fmt.Errorf("notifications off: %w", err)
	}
	return kinds, nil
}

// NotificationOff says whether an account turned a kind of notification
// off.
func (q queries) NotificationOff(ctx context.Context, userID int64, kind string) (bool, error) {
	var off bool
	err := q.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM notification_opt_outs WHERE user_id = $1 AND kind = $2)`,
		userID, kind).Scan(&off)
	if err != nil {
		return false, fmt.Errorf("notification off: %w", err)
	}
	return off, nil
}

// SetNotification turns a kind of notification on or off for an account.
// Doing it twice changes nothing.
func (q queries) SetNotification(ctx context.Context, userID int64, kind string, on bool) error {
	var err error
	if on {
		_, err = q.w.ExecContext(ctx, `DELETE FROM notification_opt_outs WHERE user_id = $1 AND kind = $2`, userID, kind)
	} else {
		_, err = q.w.ExecContext(ctx, `INSERT INTO notification_opt_outs (user_id, kind, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id, kind) DO NOTHING`, userID, kind, now())
	}
	if err != nil {
		return fmt.Errorf("set notification: %w", mapError(err))
	}
	return nil
}

// ClaimReminder records that a reminder is queued and reports whether it
// was not already: false means another process, or an earlier run,
// queued it. Call it in the transaction that queues the message.
func (q queries) ClaimReminder(ctx context.Context, reminder string) (bool, error) {
	res, err := q.w.ExecContext(ctx, `INSERT INTO notification_reminders (reminder, created_at) VALUES ($1, $2)
		ON CONFLICT (reminder) DO NOTHING`, reminder, now())
	if err != nil {
		return false, fmt.Errorf("claim reminder: %w", mapError(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// HackathonsClosingBetween lists the editions whose results are not
// published and whose submission or judging deadline falls in
// (from, to], for deadline reminders.
func (q queries) HackathonsClosingBetween(ctx context.Context, from, to time.Time) ([]Hackathon, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+hackathonColumns+` FROM hackathons
		WHERE results_published_at IS NULL AND (submission_deadline > $1 AND submission_deadline <= $2
			OR judging_deadline > $1 AND judging_deadline <= $2)
		ORDER BY id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("hackathons closing: %w", err)
	}
	hs, err := collect(rows, scanHackathon)
	if err != nil {
		return nil, fmt.Errorf("hackathons closing: %w", err)
	}
	return hs, nil
}

// ParticipantsWithoutEntry lists the enabled participants who own a
// plugin that is not removed but have no entry in an edition, neither as
// owner nor as collaborator: those a submission reminder is for.
func (q queries) ParticipantsWithoutEntry(ctx context.Context, hackathonID int64) ([]User, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT `+prefixed("u", userColumns)+` FROM users u
		WHERE u.role = 'participant' AND NOT u.disabled
			AND EXISTS (SELECT 1 FROM plugins p WHERE p.owner_id = u.id AND p.status <> 'removed')
			AND NOT EXISTS (SELECT 1 FROM submissions s JOIN plugins p ON p.id = s.plugin_id
				WHERE s.hackathon_id = $1 AND (p.owner_id = u.id
					OR EXISTS (SELECT 1 FROM plugin_collaborators c WHERE c.plugin_id = p.id AND c.user_id = u.id)))
		ORDER BY u.id`, hackathonID)
	if err != nil {
		return nil, fmt.Errorf("participants without entry: %w", err)
	}
	us, err := collect(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("participants without entry: %w", err)
	}
	return us, nil
}
