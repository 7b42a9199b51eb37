package web_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/riposte-civic/riposte/api/auth"
)

// TestBrowserResetAForgottenPassword goes from the sign-in page to a new
// password through the development mail page, auditing every page.
func TestBrowserResetAForgottenPassword(t *testing.T) {
	e := newEnv(t)
	e.user("ada@example.org", auth.RoleParticipant)
	tb := e.openTab(t, "en")
	tb.open("/signin")
	tb.do(chromedp.Click(chromedp.CSS(`main a[href="/password-reset"]`)))
	tb.until(`location.pathname === "/password-reset"`)
	tb.do(chromedp.SendKeys(chromedp.ID("email"), "ada@example.org"), chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	tb.until(`(document.querySelector("main .notice") || {textContent: ""}).textContent.includes("is on its way")`)
	if _, err := e.MailRelay.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}

	tb.open("/dev/mail")
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main a[href*="/password-reset/confirm?token="]').href`))
	if err != nil {
		t.Fatalf("no reset link on /dev/mail: %v", err)
	}
	// The link points at the platform's public URL; the test server
	// listens elsewhere, so follow it there.
	link, err := url.Parse(href)
	if err != nil {
		t.Fatal(err)
	}
	tb.open(link.RequestURI())
	tb.do(chromedp.SendKeys(chromedp.ID("password"), "a brand new password"), chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	tb.notice("Your new password is set: sign in with it. All your sessions are signed out and your API tokens revoked.")

	tb.do(chromedp.SendKeys(chromedp.ID("email"), "ada@example.org"), chromedp.SendKeys(chromedp.ID("password"), "a brand new password"),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)))
	tb.until(`location.search.includes("done=signedin")`)
	tb.open("/account")
}
