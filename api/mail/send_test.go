package mail_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/mail/mailtest"
	"github.com/riposte-civic/riposte/api/store"
)

func TestSMTPURLsAreChecked(t *testing.T) {
	for _, bad := range []string{"", "mail.example.org:587", "smtps://mail.example.org", "http://mail.example.org",
		"smtp://", "smtp://mail.example.org:0", "smtp://mail.example.org:70000", "smtp://mail.example.org:port",
		"smtp://mail.example.org/path"} {
		if _, err := mail.ParseSMTPURL(bad, "noreply@example.org"); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
	for url, addr := range map[string]string{
		"smtp://user:pass@mail.example.org":  "mail.example.org:587",
		"smtp://mail.example.org:2525":       "mail.example.org:2525",
		"smtp://user:p%40ss@127.0.0.1:1025/": "127.0.0.1:1025",
		"smtp://[::1]:1025":                  "[::1]:1025",
		"smtp://localhost":                   "localhost:587",
	} {
		s, err := mail.ParseSMTPURL(url, "noreply@example.org")
		if err != nil || s.Addr() != addr {
			t.Errorf("%q: %v, address %v, want %s", url, err, s, addr)
		}
	}
}

// nonLoopback returns an address of this machine that is not loopback.
func nonLoopback(t *testing.T) string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no IPv4 address besides loopback")
	return ""
}

// Outside loopback, a server that offers no STARTTLS receives nothing:
// neither the credentials nor the message. On loopback (Mailpit), the
// same server receives both.
func TestSMTPRequiresSTARTTLSOutsideLoopback(t *testing.T) {
	m := store.QueuedMail{Mail: store.Mail{MessageID: "m1@riposte.example.org", Kind: mail.KindPasswordReset,
		Recipient: "ana@example.org", Language: "fr", Subject: "s", Text: "t", HTML: "<p>h</p>"}, CreatedAt: time.Now()}

	remote := mailtest.StartOn(t, nonLoopback(t))
	s, err := mail.ParseSMTPURL(remote.URL(), "noreply@riposte.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), m); err == nil || !strings.Contains(strings.ToLower(err.Error()), "starttls") {
		t.Errorf("sending without STARTTLS to %s: %v, want a refusal naming STARTTLS", s.Addr(), err)
	}
	if got := remote.Messages(); len(got) != 0 {
		t.Errorf("the server received %d messages without STARTTLS", len(got))
	}

	local := mailtest.Start(t)
	if s, err = mail.ParseSMTPURL(local.URL(), "noreply@riposte.example.org"); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("sending to loopback: %v", err)
	}
	if got := local.Wait(1); got[0].To[0] != "ana@example.org" {
		t.Errorf("loopback server received %+v", got[0])
	}
}
