package mail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// Kinds of notification. Each can be turned off per account, in the
// account's settings or through the List-Unsubscribe link it carries.
const (
	KindJudgeAssigned     = "judge_assigned"
	KindCollaboratorAdded = "collaborator_added"
	KindVersionPublished  = "version_published"
	KindResultsPublished  = "results_published"
	KindDeadlineReminder  = "deadline_reminder"
	KindTeamActivity      = "team_activity"
)

// Notifications lists the kinds of notification, in the order settings
// show them.
var Notifications = []string{KindJudgeAssigned, KindCollaboratorAdded, KindVersionPublished,
	KindResultsPublished, KindDeadlineReminder, KindTeamActivity}

// UnsubscribePath is the page a List-Unsubscribe link opens (GET) or
// posts to (RFC 8058 one-click POST).
const UnsubscribePath = "/unsubscribe"

// SettingsPath is where an account's notification settings are shown.
const SettingsPath = "/account#notifications"

// ErrBadUnsubscribe is a List-Unsubscribe token that was not issued here.
var ErrBadUnsubscribe = errors.New("mail: unknown unsubscribe link")

// Notifier queues notifications for accounts that did not turn their
// kind off, each with a link that turns that kind off.
type Notifier struct {
	store    *store.Store
	composer *Composer
	key      []byte // signs List-Unsubscribe tokens
}

// NewNotifier returns a notifier; secret (the platform's signing secret)
// keys the List-Unsubscribe tokens, so they cannot be guessed and need
// no storage.
func NewNotifier(st *store.Store, c *Composer, secret []byte) *Notifier {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("riposte list-unsubscribe"))
	return &Notifier{store: st, composer: c, key: m.Sum(nil)}
}

// Composer is the composer the notifier writes with.
func (n *Notifier) Composer() *Composer { return n.composer }

// Queue is what a notification is queued through: the store, or a
// transaction so that it commits with its cause.
type Queue interface {
	NotificationOff(ctx context.Context, userID int64, kind string) (bool, error)
	EnqueueMail(ctx context.Context, m store.Mail) error
}

// Notify queues a notification of a kind to an account, unless the
// account turned that kind off or is disabled. data fills the templates.
func (n *Notifier) Notify(ctx context.Context, q Queue, kind string, to store.User, data map[string]string) error {
	if to.Disabled {
		return nil
	}
	off, err := q.NotificationOff(ctx, to.ID, kind)
	if err != nil || off {
		return err
	}
	unsubscribe := n.composer.Link(UnsubscribePath, url.Values{"token": {n.UnsubscribeToken(to.ID, kind)}})
	fields := map[string]string{"Unsubscribe": unsubscribe, "Settings": n.composer.Link(SettingsPath, nil)}
	for k, v := range data {
		fields[k] = v
	}
	m, err := n.composer.Compose(kind, Recipient{Email: to.Email, Name: to.Name, Language: to.Language}, fields, unsubscribe)
	if err != nil {
		return err
	}
	return q.EnqueueMail(ctx, m)
}

// UnsubscribeToken is the token of the link that turns a kind off for an
// account: "user.kind.signature".
func (n *Notifier) UnsubscribeToken(userID int64, kind string) string {
	payload := strconv.FormatInt(userID, 10) + "." + kind
	return payload + "." + n.sign(payload)
}

func (n *Notifier) sign(payload string) string {
	m := hmac.New(sha256.New, n.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ParseUnsubscribe returns the account and the kind of an unsubscribe
// token, or ErrBadUnsubscribe.
func (n *Notifier) ParseUnsubscribe(token string) (userID int64, kind string, err error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || !slices.Contains(Notifications, parts[1]) {
		return 0, "", ErrBadUnsubscribe
	}
	if !hmac.Equal([]byte(n.sign(parts[0]+"."+parts[1])), []byte(parts[2])) {
		return 0, "", ErrBadUnsubscribe
	}
	if userID, err = strconv.ParseInt(parts[0], 10, 64); err != nil {
		return 0, "", ErrBadUnsubscribe
	}
	return userID, parts[1], nil
}

// Unsubscribe turns off the kind of notification a token names, for its
// account. It returns the kind.
func (n *Notifier) Unsubscribe(ctx context.Context, token string) (string, error) {
	userID, kind, err := n.ParseUnsubscribe(token)
	if err != nil {
		return "", err
	}
	if err := n.store.SetNotification(ctx, userID, kind, false); err != nil {
		return "", fmt.Errorf("unsubscribe: %w", err)
	}
	return kind, nil
}

// Preferences returns, for each kind of notification, whether an account
// receives it.
func (n *Notifier) Preferences(ctx context.Context, userID int64) (map[string]bool, error) {
	off, err := n.store.NotificationsOff(ctx, userID)
	if err != nil {
		return nil, err
	}
	prefs := make(map[string]bool, len(Notifications))
	for _, k := range Notifications {
		prefs[k] = !slices.Contains(off, k)
	}
	return prefs, nil
}

// SetPreferences turns kinds of notification on or off for an account;
// kinds not named keep their setting. An unknown kind is a valid.Errors
// naming it, and nothing changes.
func (n *Notifier) SetPreferences(ctx context.Context, userID int64, prefs map[string]bool) error {
	var c valid.Checker
	for k := range prefs {
		c.Check(slices.Contains(Notifications, k), k, "is not a kind of notification")
	}
	if err := c.Err(); err != nil {
		return err
	}
	return n.store.InTx(ctx, func(tx *store.Tx) error {
		for k, on := range prefs {
			if err := tx.SetNotification(ctx, userID, k, on); err != nil {
				return err
			}
		}
		return nil
	})
}
