// Package mail composes the messages Riposte sends and relays them from
// the database's mail outbox to an SMTP server, or, without one, to the
// log.
package mail

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"

	"github.com/riposte-civic/riposte/api/store"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// Languages are the languages messages are written in; the first is the
// default.
var Languages = []string{"fr", "en"}

// Kinds of messages. Security messages are sent whatever the account's
// preferences and carry no List-Unsubscribe.
const (
	KindPasswordReset   = "password_reset"
	KindPasswordChanged = "password_changed"
	KindVerifyEmail     = "verify_email"
	KindRegisterTaken   = "register_taken"
	KindChangeEmail     = "change_email"    // the link, to the new address
	KindEmailChanging   = "email_changing"  // the notice, to the old address
	KindTeamInvitation  = "team_invitation" // a captain's invitation, to the invited address
	KindOrgInvitation   = "org_invitation"  // an organisation owner's invitation, to the invited address
)

// Composer writes messages in their recipient's language, with links to
// the public URL.
type Composer struct {
	publicURL string
	domain    string // right-hand side of Message-IDs
	text      map[string]*texttemplate.Template
	html      map[string]*htmltemplate.Template
}

// NewComposer returns a composer whose links point into publicURL.
func NewComposer(publicURL string) (*Composer, error) {
	u, err := url.Parse(publicURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("mail: public URL %q has no host", publicURL)
	}
	c := &Composer{publicURL: strings.TrimSuffix(publicURL, "/"), domain: u.Hostname(),
		text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, lang := range Languages {
		names := []string{"templates/" + lang + ".tmpl", "templates/" + lang + ".notify.tmpl"}
		if c.text[lang], err = texttemplate.New(lang).Funcs(texttemplate.FuncMap{"lines": lines}).ParseFS(templateFiles, names...); err != nil {
			return nil, err
		}
		if c.html[lang], err = htmltemplate.New(lang).Funcs(htmltemplate.FuncMap{"lines": lines}).ParseFS(templateFiles, names...); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Recipient is who a message goes to.
type Recipient struct {
	Email    string
	Name     string
	Language string // fr or en; anything else is read as fr
}

// Link returns the absolute URL of a path of the site with a query.
func (c *Composer) Link(path string, query url.Values) string {
	if len(query) == 0 {
		return c.publicURL + path
	}
	return c.publicURL + path + "?" + query.Encode()
}

// Compose writes a message of a kind to a recipient. data fills the
// templates besides the recipient's Name and Email; a Link is expected
// by every kind so far. unsubscribe is the List-Unsubscribe URL of a
// notification, empty for a security message.
func (c *Composer) Compose(kind string, to Recipient, data map[string]string, unsubscribe string) (store.Mail, error) {
	lang := to.Language
	if c.text[lang] == nil {
		lang = Languages[0]
	}
	fields := map[string]string{"Name": to.Name, "Email": to.Email}
	for k, v := range data {
		fields[k] = v
	}
	var subject, text, html bytes.Buffer
	if err := c.text[lang].ExecuteTemplate(&subject, kind+".subject", fields); err != nil {
		return store.Mail{}, fmt.Errorf("compose %s: %w", kind, err)
	}
	if err := c.text[lang].ExecuteTemplate(&text, kind+".text", fields); err != nil {
		return store.Mail{}, fmt.Errorf("compose %s: %w", kind, err)
	}
	if err := c.html[lang].ExecuteTemplate(&html, kind+".html", fields); err != nil {
		return store.Mail{}, fmt.Errorf("compose %s: %w", kind, err)
	}
	return store.Mail{MessageID: c.messageID(), Kind: kind, Recipient: to.Email, Language: lang,
		Subject: strings.TrimSpace(subject.String()), Text: text.String(), HTML: wrapHTML(lang, html.String()),
		Unsubscribe: unsubscribe}, nil
}

// lines splits a field holding a list, one item a line, for templates
// to range over.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// messageID returns a new Message-ID, without its angle brackets.
func (c *Composer) messageID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b) + "@" + c.domain
}

// wrapHTML makes a whole document of an HTML part.
func wrapHTML(lang, body string) string {
	return `<!doctype html><html lang="` + lang + `"><head><meta charset="utf-8"></head><body>` + body + "</body></html>"
}
