package mail_test

import (
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

func TestEveryNotificationIsWrittenInBothLanguages(t *testing.T) {
	c := newComposer(t)
	data := map[string]string{"Link": "https://riposte.example.org/l", "Edition": "Paris 2026", "Deadline": "2026-03-15 09:00 UTC",
		"Entries": "Alerte (alerte)\nBouclier (bouclier)", "Plugin": "Alerte", "Slug": "alerte", "By": "Bo", "Version": "1.1.0",
		"Results": "https://riposte.example.org/r", "Unsubscribe": "https://riposte.example.org/u", "Settings": "https://riposte.example.org/s",
		"Event": "joined", "Team": "Les Veilleurs", "Member": "Ana"}
	for _, kind := range mail.Notifications {
		for _, lang := range mail.Languages {
			m, err := c.Compose(kind, mail.Recipient{Email: "ana@example.org", Name: "Ana", Language: lang}, data, "https://riposte.example.org/u")
			if err != nil {
				t.Fatalf("%s in %s: %v", kind, lang, err)
			}
			for part, body := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
				if strings.Contains(body, "<no value>") || body == "" {
					t.Errorf("%s in %s: the %s lacks a value:\n%s", kind, lang, part, body)
				}
			}
			if !strings.Contains(m.Text, "https://riposte.example.org/u") || !strings.Contains(m.HTML, `href="https://riposte.example.org/u"`) {
				t.Errorf("%s in %s: no unsubscribe link in both parts", kind, lang)
			}
		}
	}
}

func TestUnsubscribeTokensCannotBeForged(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	n := mail.NewNotifier(st, newComposer(t), []byte("a signing secret of at least thirty-two bytes"))
	other := mail.NewNotifier(st, newComposer(t), []byte("another signing secret, also thirty-two bytes"))
	tok := n.UnsubscribeToken(7, mail.KindJudgeAssigned)
	if id, kind, err := n.ParseUnsubscribe(tok); err != nil || id != 7 || kind != mail.KindJudgeAssigned {
		t.Fatalf("a token issued here: %d %q %v", id, kind, err)
	}
	for _, bad := range []string{other.UnsubscribeToken(7, mail.KindJudgeAssigned), strings.Replace(tok, "7.", "8.", 1),
		strings.Replace(tok, mail.KindJudgeAssigned, mail.KindResultsPublished, 1), "7.password_reset." + strings.Split(tok, ".")[2], "", "a.b"} {
		if _, _, err := n.ParseUnsubscribe(bad); err != mail.ErrBadUnsubscribe {
			t.Errorf("token %q: %v, want ErrBadUnsubscribe", bad, err)
		}
	}
}

func TestTeamInvitationIsWrittenInBothLanguages(t *testing.T) {
	c := newComposer(t)
	data := map[string]string{"Link": "https://riposte.example.org/teams/invitations/tok", "Edition": "Paris 2026",
		"Team": "Les Veilleurs", "By": "Bo"}
	want := map[string]string{"fr": "vous invite", "en": "invites you"}
	for _, lang := range mail.Languages {
		m, err := c.Compose(mail.KindTeamInvitation, mail.Recipient{Email: "ana@example.org", Language: lang}, data, "")
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for part, body := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
			if strings.Contains(body, "<no value>") || !strings.Contains(body, want[lang]) || !strings.Contains(body, "Les Veilleurs") {
				t.Errorf("%s: the %s lacks a value or is not in its language:\n%s", lang, part, body)
			}
		}
		if !strings.Contains(m.Text, data["Link"]) || !strings.Contains(m.HTML, `href="`+data["Link"]+`"`) || m.Unsubscribe != "" {
			t.Errorf("%s: the link is not in both parts, or an account message carries List-Unsubscribe", lang)
		}
	}
}

func TestTeamActivityNamesEachEventInBothLanguages(t *testing.T) {
	c := newComposer(t)
	want := map[string][2]string{ // event → words in en, fr
		"joined":   {"Ana joined your team Les Veilleurs", "Ana a rejoint votre équipe Les Veilleurs"},
		"left":     {"Ana left your team Les Veilleurs", "Ana a quitté votre équipe Les Veilleurs"},
		"removed":  {"Bo removed Ana from the team", "Bo a retiré Ana de l'équipe"},
		"captain":  {"Bo handed the captaincy of Les Veilleurs (Paris 2026) to Ana", "Bo a confié le rôle de capitaine de Les Veilleurs (Paris 2026) à Ana"},
		"feedback": {"Abri, which brings the challenge Shelters of Paris 2026, left feedback", "Abri, qui porte le défi Shelters de Paris 2026, a laissé un retour"},
	}
	for event, words := range want {
		data := map[string]string{"Event": event, "Team": "Les Veilleurs", "Edition": "Paris 2026", "Member": "Ana", "By": "Bo",
			"Org": "Abri", "Challenge": "Shelters", "Plugin": "Alerte", "Message": "Could it work offline?", "Link": "https://riposte.example.org/l",
			"Unsubscribe": "https://riposte.example.org/u", "Settings": "https://riposte.example.org/s"}
		for i, lang := range []string{"en", "fr"} {
			m, err := c.Compose(mail.KindTeamActivity, mail.Recipient{Email: "cy@example.org", Name: "Cy", Language: lang}, data, "https://riposte.example.org/u")
			if err != nil {
				t.Fatalf("%s in %s: %v", event, lang, err)
			}
			if !strings.Contains(m.Text, words[i]) || !strings.Contains(m.Subject, "Ana") && event != "feedback" || strings.Contains(m.Text+m.Subject, "<no value>") {
				t.Errorf("%s in %s: %q\n%s", event, lang, m.Subject, m.Text)
			}
			if (event == "feedback") != strings.Contains(m.Text, "Could it work offline?") {
				t.Errorf("%s in %s: the message is shown only with feedback:\n%s", event, lang, m.Text)
			}
		}
	}
}
