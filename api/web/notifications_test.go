package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/riposte-civic/riposte/api/auth"
)

func TestNotificationSettingsWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	u := e.user("ada@example.org", auth.RoleJudge)
	b := e.browser()
	b.signIn("ada@example.org")
	b.get("/account").want(t, http.StatusOK, `<h2 id="notifications">E-mail notifications</h2>`,
		`name="judge_assigned" value="on" checked`, `name="results_published" value="on" checked`, "I am given entries to review")

	// Only the ticked boxes are posted: every other kind turns off.
	saved := b.post("/account/notifications", url.Values{"results_published": {"on"}})
	if saved.StatusCode != http.StatusSeeOther || saved.Header.Get("Location") != "/account?done=notifications#notifications" {
		t.Fatalf("saving: %d to %q", saved.StatusCode, saved.Header.Get("Location"))
	}
	page := b.get("/account?done=notifications").want(t, http.StatusOK, "Your notification settings are saved.",
		`name="results_published" value="on" checked`, `name="judge_assigned" value="on">`)
	prefs, err := e.Notifier.Preferences(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if prefs["judge_assigned"] || prefs["deadline_reminder"] || !prefs["results_published"] {
		t.Errorf("after saving only results_published: %v\n%s", prefs, page.body)
	}
}

func TestUnsubscribePageAsksBeforeTurningOff(t *testing.T) {
	e := newEnv(t)
	u := e.user("ada@example.org", auth.RoleJudge)
	token := e.Notifier.UnsubscribeToken(u.ID, "results_published")
	b := e.browser() // not signed in: the link is enough
	b.get("/unsubscribe?token="+url.QueryEscape(token)).want(t, http.StatusOK,
		"Stop e-mails sent when an edition I entered publishes its results?", `<button type="submit">Stop these e-mails</button>`)
	if prefs, _ := e.Notifier.Preferences(t.Context(), u.ID); !prefs["results_published"] {
		t.Fatal("opening the link turned the notification off")
	}
	b.get("/unsubscribe?token="+url.QueryEscape(token+"x")).want(t, http.StatusNotFound, "This link is not valid.")
	b.post("/unsubscribe", url.Values{"token": {token}}).want(t, http.StatusOK,
		"Done: you will no longer receive e-mails sent when an edition I entered publishes its results.")
	if prefs, _ := e.Notifier.Preferences(t.Context(), u.ID); prefs["results_published"] || !prefs["judge_assigned"] {
		t.Errorf("after unsubscribing from results: %v", prefs)
	}
	b.get("/unsubscribe").want(t, http.StatusOK, "You can also choose which e-mails you receive", `href="/account#notifications"`)
	b.lang = "fr"
	b.get("/unsubscribe?token="+url.QueryEscape(token)).want(t, http.StatusOK, "Ne plus recevoir ces e-mails")
}

// The account page chooses the language of the account's e-mail, French
// until then, without JavaScript.
func TestAccountPageChoosesTheLanguageOfEMail(t *testing.T) {
	e := newEnv(t)
	u := e.user("ada@example.org", auth.RoleParticipant)
	b := e.browser()
	b.signIn("ada@example.org")
	b.get("/account").want(t, http.StatusOK, `<h2 id="language">Language of e-mails</h2>`, `<option value="fr" lang="fr" selected>Français</option>`)
	saved := b.post("/account/language", url.Values{"language": {"en"}})
	if saved.StatusCode != http.StatusSeeOther || saved.Header.Get("Location") != "/account?done=language#language" {
		t.Fatalf("saving: %d to %q", saved.StatusCode, saved.Header.Get("Location"))
	}
	b.get("/account?done=language").want(t, http.StatusOK, "Riposte will write to you in the language you chose.",
		`<option value="en" lang="en" selected>English</option>`)
	if got, err := e.store.UserByID(t.Context(), u.ID); err != nil || got.Language != "en" {
		t.Errorf("the account's language is %q (%v), want en", got.Language, err)
	}
	if r := b.post("/account/language", url.Values{"language": {"de"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("language de: %d, want 422", r.StatusCode)
	}
}
