package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/riposte-civic/riposte/api/store"
)

// Sender hands one message on. Keeps says whether the outbox should keep
// the bodies of sent messages (for the development mail page).
type Sender interface {
	Send(ctx context.Context, m store.QueuedMail) error
	Keeps() bool
	Name() string
}

var (
	_ Sender = (*SMTP)(nil)
	_ Sender = (*LogSender)(nil)
)

// SMTP sends messages to an SMTP server, one connection per message.
type SMTP struct {
	host     string
	port     int
	user     string
	password string
	from     string
	tls      gomail.TLSPolicy
	auth     gomail.SMTPAuthType
}

// ParseSMTPURL checks an smtp://[user:password@]host[:port] URL (port 587
// by default). STARTTLS is required, unless the host is a loopback address
// or localhost, where it is used when offered.
func ParseSMTPURL(raw, from string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" || u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("must be smtp://user:password@host:port")
	}
	s := &SMTP{host: u.Hostname(), port: 587, from: from, tls: gomail.TLSMandatory, auth: gomail.SMTPAuthAutoDiscover}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("has an invalid port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	if isLoopback(s.host) {
		// Nothing leaves the machine: credentials may go in the clear
		// to a development server (Mailpit) that offers no STARTTLS.
		s.tls, s.auth = gomail.TLSOpportunistic, gomail.SMTPAuthPlainNoEnc
	}
	return s, nil
}

// isLoopback says whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// Addr is the server's host:port, for logs.
func (s *SMTP) Addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// Name names the sender in logs.
func (s *SMTP) Name() string { return "smtp " + s.Addr() }

// Keeps is false: the bodies of sent messages are not kept.
func (s *SMTP) Keeps() bool { return false }

// Send delivers one message in one SMTP transaction.
func (s *SMTP) Send(ctx context.Context, m store.QueuedMail) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTLSPolicy(s.tls), gomail.WithTimeout(20 * time.Second)}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(s.auth),
			gomail.WithUsername(s.user), gomail.WithPassword(s.password))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// message builds the MIME message of an outbox row: text and HTML
// alternatives, its fixed Message-ID, and List-Unsubscribe when it is a
// notification.
func (s *SMTP) message(m store.QueuedMail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	if err := msg.To(m.Recipient); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetGenHeader(gomail.HeaderContentLang, m.Language)
	if m.Unsubscribe != "" {
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click") // RFC 8058
	}
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}

// LogSender writes messages to the log instead of sending them, when no
// SMTP server is configured. In development it logs their text and keeps
// their bodies for the development mail page; in production it logs only
// who a message was for and what about, since a text may hold a reset link.
type LogSender struct {
	log         *slog.Logger
	development bool
}

// NewLogSender returns a sender writing to log; development says whether
// the text of messages may be logged and kept.
func NewLogSender(log *slog.Logger, development bool) *LogSender {
	return &LogSender{log: log, development: development}
}

// Name names the sender in logs.
func (l *LogSender) Name() string { return "log" }

// Keeps is true in development: the development mail page shows sent
// messages.
func (l *LogSender) Keeps() bool { return l.development }

// Send logs the message; it cannot fail.
func (l *LogSender) Send(_ context.Context, m store.QueuedMail) error {
	if !l.development {
		l.log.Warn("e-mail not sent (no SMTP server configured)", "to", m.Recipient, "kind", m.Kind,
			"message_id", m.MessageID)
		return nil
	}
	l.log.Info("e-mail not sent (no SMTP server configured)", "to", m.Recipient, "subject", m.Subject,
		"message_id", m.MessageID, "text", m.Text)
	return nil
}
