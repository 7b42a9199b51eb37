package mail_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

func newComposer(t *testing.T) *mail.Composer {
	t.Helper()
	c, err := mail.NewComposer("https://riposte.example.org")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// queue composes and queues a password reset to each recipient.
func queue(t *testing.T, st *store.Store, c *mail.Composer, to ...mail.Recipient) []store.Mail {
	t.Helper()
	var out []store.Mail
	for _, r := range to {
		m, err := c.Compose(mail.KindPasswordReset, r, map[string]string{"Link": c.Link("/password-reset", nil) + "?token=t-" + r.Email}, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.EnqueueMail(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func newSMTPRelay(t *testing.T, st *store.Store, srv *mailtest.Server, log *slog.Logger) *mail.Relay {
	t.Helper()
	sender, err := mail.ParseSMTPURL(srv.URL(), "Riposte <noreply@riposte.example.org>")
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewRelay(st, sender, log, nil)
}

func TestMessagesArriveWithBothPartsInTheRecipientsLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := mailtest.Start(t)
		c := newComposer(t)
		queued := queue(t, st, c, mail.Recipient{Email: "ana@example.org", Name: "Ana", Language: "fr"},
			mail.Recipient{Email: "bob@example.org", Name: "Bob", Language: "en"})
		r := newSMTPRelay(t, st, srv, slog.New(slog.DiscardHandler))
		if n, err := r.Drain(t.Context()); err != nil || n != 2 {
			t.Fatalf("Drain = %d, %v; want 2 sent", n, err)
		}
		got := srv.Messages()
		if len(got) != 2 {
			t.Fatalf("the server received %d messages, want 2", len(got))
		}
		for i, want := range []struct{ to, lang, subject, text string }{
			{"ana@example.org", "fr", "Choisir un nouveau mot de passe Riposte", "ouvrez ce lien dans les 30 minutes"},
			{"bob@example.org", "en", "Choose a new Riposte password", "open this link within 30 minutes"},
		} {
			m := got[i]
			if len(m.To) != 1 || m.To[0] != want.to || m.From != "noreply@riposte.example.org" {
				t.Errorf("message %d went from %q to %v", i, m.From, m.To)
			}
			if s := m.Subject; s != want.subject {
				t.Errorf("message %d subject %q, want %q", i, s, want.subject)
			}
			if l := m.Header.Get("Content-Language"); l != want.lang {
				t.Errorf("message %d Content-Language %q, want %q", i, l, want.lang)
			}
			if id := m.Header.Get("Message-Id"); id != "<"+queued[i].MessageID+">" {
				t.Errorf("message %d Message-ID %q, want <%s>", i, id, queued[i].MessageID)
			}
			link := "https://riposte.example.org/password-reset?token=t-" + want.to
			if !strings.Contains(m.Text, want.text) || !strings.Contains(m.Text, link) {
				t.Errorf("message %d text part lacks %q or the link:\n%s", i, want.text, m.Text)
			}
			if !strings.Contains(m.HTML, `<a href="`+link+`">`) || !strings.Contains(m.HTML, `lang="`+want.lang+`"`) {
				t.Errorf("message %d HTML part lacks the link or its language:\n%s", i, m.HTML)
			}
			if u := m.Header.Get("List-Unsubscribe"); u != "" {
				t.Errorf("security message %d carries List-Unsubscribe %q", i, u)
			}
		}
		if n, err := r.Drain(t.Context()); err != nil || n != 0 {
			t.Errorf("a second pass sent %d messages (%v); want none", n, err)
		}
		if n, _ := st.PendingMail(t.Context()); n != 0 {
			t.Errorf("%d messages still pending", n)
		}
	})
}

func TestNotificationsCarryListUnsubscribe(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	srv := mailtest.Start(t)
	c := newComposer(t)
	m, err := c.Compose(mail.KindPasswordChanged, mail.Recipient{Email: "ana@example.org", Name: "Ana"},
		map[string]string{"Link": "https://riposte.example.org/x"}, "https://riposte.example.org/account#notifications")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnqueueMail(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if _, err := newSMTPRelay(t, st, srv, slog.New(slog.DiscardHandler)).Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(1)[0]
	if u := got.Header.Get("List-Unsubscribe"); u != "<https://riposte.example.org/account#notifications>" {
		t.Errorf("List-Unsubscribe = %q", u)
	}
	if p := got.Header.Get("List-Unsubscribe-Post"); p != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", p)
	}
}

func TestRelaySurvivesAnOutageAndSendsEachMessageOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := mailtest.Start(t)
		c := newComposer(t)
		var logs bytes.Buffer
		r := newSMTPRelay(t, st, srv, slog.New(slog.NewTextHandler(&logs, nil)))
		var clock atomic.Int64
		clock.Store(time.Now().UnixNano())
		r.SetClock(func() time.Time { return time.Unix(0, clock.Load()) })
		advance := func() { clock.Add(int64(11 * time.Minute)) }
		r.SetIdle(5 * time.Millisecond)

		srv.Stop()
		var to []mail.Recipient
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			to = append(to, mail.Recipient{Email: name + "@example.org", Name: name, Language: "en"})
		}
		queued := queue(t, st, c, to...)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		// Let the relay fail a few times, its clock moving past the backoff.
		for range 5 {
			time.Sleep(30 * time.Millisecond)
			advance()
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d messages arrived while the server was down", n)
		}
		if n, _ := st.PendingMail(t.Context()); n != len(queued) {
			t.Fatalf("%d messages pending during the outage, want %d", n, len(queued))
		}
		srv.Restart()
		// A send that began before the restart may still fail and put its
		// message off: keep the clock moving until everything has arrived.
		for deadline := time.Now().Add(30 * time.Second); len(srv.Messages()) < len(queued) && time.Now().Before(deadline); {
			advance()
			time.Sleep(20 * time.Millisecond)
		}
		got := srv.Messages()
		time.Sleep(100 * time.Millisecond) // room for a duplicate to show up
		cancel()
		<-done
		seen := map[string]int{}
		for _, m := range srv.Messages() {
			seen[m.Header.Get("Message-Id")]++
		}
		for _, q := range queued {
			if n := seen["<"+q.MessageID+">"]; n != 1 {
				t.Errorf("message to %s arrived %d times, want once", q.Recipient, n)
			}
		}
		if len(got) != len(queued) || len(srv.Messages()) != len(queued) {
			t.Errorf("the server received %d messages, want %d", len(srv.Messages()), len(queued))
		}
		for _, line := range []string{"e-mail messages cannot be sent; they will be retried", "e-mail messages are flowing again"} {
			if strings.Count(logs.String(), line) != 1 {
				t.Errorf("the log says %q %d times, want once:\n%s", line, strings.Count(logs.String(), line), logs.String())
			}
		}
	})
}

// Without an SMTP server, messages go to the log: with their text in
// development, where /dev/mail shows them; in production only whom they
// were for and what about, since a text may carry a reset link.
func TestLogSenderKeepsTextsOutOfProductionLogs(t *testing.T) {
	for _, development := range []bool{true, false} {
		var out bytes.Buffer
		sender := mail.NewLogSender(slog.New(slog.NewTextHandler(&out, nil)), development)
		m := store.QueuedMail{Mail: store.Mail{MessageID: "m1@riposte.example.org", Kind: mail.KindPasswordReset,
			Recipient: "ada@example.org", Subject: "Reset", Text: "https://riposte.example.org/password-reset/confirm?token=rps_secret"}}
		if err := sender.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		logged := out.String()
		if !strings.Contains(logged, "ada@example.org") || !strings.Contains(logged, "e-mail not sent") {
			t.Errorf("development %v: the log does not say which message was not sent: %s", development, logged)
		}
		if strings.Contains(logged, "rps_secret") != development || sender.Keeps() != development {
			t.Errorf("development %v: the text logged %v, bodies kept %v", development, strings.Contains(logged, "rps_secret"), sender.Keeps())
		}
	}
}
