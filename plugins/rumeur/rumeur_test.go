package rumeur

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/pluginstest"
)

func TestConformance(t *testing.T) { pluginstest.Run(t, New()) }

func TestEveryRumourIsCitedAndTranslated(t *testing.T) {
	d := New().data
	cited := func(name string, sources []string) {
		t.Helper()
		if len(sources) == 0 {
			t.Errorf("%s has no source", name)
		}
		for _, s := range sources {
			if u, err := url.Parse(s); err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s cites %q, which is not an https URL", name, s)
			}
		}
	}
	for _, r := range d.Rumours {
		cited(r.ID, r.Sources)
		for _, lang := range []string{"fr", "en"} {
			if r.Event[lang] == "" || r.Claim[lang] == "" || r.Debunk[lang] == "" || d.Verdicts[r.Verdict][lang] == "" {
				t.Errorf("%s lacks %s text (or has unknown verdict %q)", r.ID, lang, r.Verdict)
			}
		}
		if _, err := time.Parse(time.DateOnly, r.Date); err != nil {
			t.Errorf("%s: date %q is not YYYY-MM-DD", r.ID, r.Date)
		}
		for _, g := range r.groups {
			for _, tm := range g.terms {
				if g.weight <= 0 || len(tm.words) == 0 {
					t.Errorf("%s has an empty term or a keyword group without weight", r.ID)
				}
			}
		}
	}
	for _, a := range d.Advice {
		cited("advice "+a.Text["en"], a.Sources)
		if a.Text["fr"] == "" || a.Text["en"] == "" {
			t.Errorf("advice %q is not in both languages", a.Text)
		}
	}
}

func invoke(t *testing.T, input any) Answer {
	t.Helper()
	raw, _ := json.Marshal(input)
	out, err := New().Invoke(context.Background(), raw)
	if err != nil {
		t.Fatalf("Invoke(%s): %v", raw, err)
	}
	var a Answer
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

type in struct {
	Message  string `json:"message"`
	Language string `json:"language,omitempty"`
}

func TestRecognisesDebunkedRumoursHoweverWorded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, message, want string // want "" when nothing should match
	}{
		{"doctored photo, in French", "URGENT : l'un des kamikazes de Paris était un sikh converti, regardez la photo avec son coran", "jubbal-photo"},
		{"doctored photo, in English", "BREAKING: one of the #ParisAttacks bombers was a Sikh convert, see the pic with his Quran", "jubbal-photo"},
		{"capitals and no accents", "LES RETROVISEURS DE LA VOITURE DES KOUACHI ONT CHANGE DE COULEUR, ON NOUS MENT", "charlie-retroviseurs"},
		{"typos", "Les rétrovisuers de la voiture des Kuoachi ont changé de couleur", "charlie-retroviseurs"},
		{"airport CCTV", "CCTV video of the explosion at Brussels airport this morning!!", "domodedovo-bruxelles"},
		{"metro video", "Vidéo de l'explosion dans le métro à Maelbeek", "minsk-maelbeek"},
		{"concert photo", "Photo du Bataclan juste avant l'attaque :(", "bataclan-photo-dublin"},
		{"Calais fire", "La jungle de Calais brûle en représailles aux attentats de Paris", "incendie-calais"},
		{"Les Halles", "Fusillade en cours aux Halles !!! Ne sortez pas", "fusillade-halles"},
		{"République", "Coups de feu place de la République, tout le monde court", "coups-de-feu-republique"},
		{"unrelated", "The town council meets on Tuesday at 6 pm to discuss the new library.", ""},
		{"a tribute, not a rumour", "Hommage aux victimes du Bataclan ce soir à 19h", ""},
		{"plain news of a fire", "Incendie à Calais cette nuit", ""},
		{"plain news of the attack", "Explosion à l'aéroport de Bruxelles", ""},
		{"words that look like keywords", "Quelle douleur ! Je vais au palais des congrès en métro, il y a des salles partout", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := invoke(t, in{Message: tt.message})
			switch {
			case tt.want == "" && len(a.Matches) > 0:
				t.Fatalf("matched %s (%.2f), want nothing", a.Matches[0].ID, a.Matches[0].Score)
			case tt.want != "" && (len(a.Matches) == 0 || a.Matches[0].ID != tt.want):
				t.Fatalf("matches %+v, want %s first", a.Matches, tt.want)
			}
		})
	}
}

func TestRanksMatchesByScore(t *testing.T) {
	t.Parallel()
	a := invoke(t, in{Message: "Vidéo CCTV de l'explosion à l'aéroport de Bruxelles, et une autre vidéo de l'explosion dans le métro Maelbeek"})
	if len(a.Matches) != 2 {
		t.Fatalf("want both Brussels rumours, got %+v", a.Matches)
	}
	first, second := a.Matches[0], a.Matches[1]
	if first.Score < second.Score || first.Score > 1 || second.Score < Threshold {
		t.Errorf("scores out of order or range: %s %.2f, %s %.2f", first.ID, first.Score, second.ID, second.Score)
	}
}

func TestDebunksInTheRequestedLanguageWithSources(t *testing.T) {
	t.Parallel()
	msg := "Photo inside the Bataclan just before the shooting"
	for lang, want := range map[string]string{"fr": "Hors contexte", "en": "Out of context"} {
		a := invoke(t, in{Message: msg, Language: lang})
		if len(a.Matches) == 0 {
			t.Fatalf("%s: no match", lang)
		}
		m := a.Matches[0]
		if m.VerdictLabel != want || !strings.HasPrefix(m.Debunk, want) || !strings.Contains(m.Debunk, "Dublin") || len(m.Sources) == 0 {
			t.Errorf("%s: %+v", lang, m)
		}
	}
}

func TestNoMatchGivesAnEmptyListAndAdvice(t *testing.T) {
	t.Parallel()
	raw, _ := json.Marshal(in{Message: "Rendez-vous demain à la bibliothèque municipale", Language: "en"})
	out, err := New().Invoke(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"matches":[]`) {
		t.Errorf("no match should be an empty list: %s", out)
	}
	var a Answer
	json.Unmarshal(out, &a)
	if len(a.Advice) == 0 || !strings.Contains(a.Advice[0].Text, "reverse image search") {
		t.Errorf("advice missing or not in English: %+v", a.Advice)
	}
}

func TestRejectsMessagesItCannotCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, path string
	}{
		{"blank message", `{"message":"   "}`, "input.message"},
		{"punctuation only", `{"message":"!!! ??? ..."}`, "input.message"},
		{"too long", `{"message":"` + strings.Repeat("é", MaxMessage+1) + `"}`, "input.message"},
		{"unsupported language", `{"message":"Bataclan","language":"de"}`, "input.language"},
		{"not an object", `"Bataclan"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New().Invoke(context.Background(), json.RawMessage(tt.input))
			var ie *plugins.InputError
			if !errors.As(err, &ie) || ie.Path != tt.path {
				t.Fatalf("got %v, want an input error at %q", err, tt.path)
			}
		})
	}
}

func TestAcceptsAMessageOfTheMaximumLength(t *testing.T) {
	t.Parallel()
	msg := strings.Repeat("Bataclan ", MaxMessage/9) // 9 characters a word
	if a := invoke(t, in{Message: msg}); a.Matches == nil {
		t.Fatal("no answer for a long message")
	}
}

func TestStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New().Invoke(ctx, json.RawMessage(`{"message":"Photo du Bataclan"}`))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestAnswersReadAsResults(t *testing.T) { pluginstest.Presented(t, New(), "fr", "en", "ar") }

func TestConcludesWithTheVerdictOrSaysNothingMatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   in
		want string
	}{
		{in{Message: "URGENT : l'un des kamikazes de Paris était un sikh converti, regardez la photo avec son coran", Language: "fr"},
			"Faux : ce message ressemble à une rumeur démentie (Attentats du 13 novembre 2015, Paris)."},
		{in{Message: "CCTV video of the explosion at Brussels airport this morning!!", Language: "en"},
			"Out of context: this message resembles a debunked rumour (Brussels attacks, 22 March 2016)."},
		{in{Message: "The town council meets on Tuesday.", Language: "en"},
			"No known debunked rumour resembles this message. That does not make it true: check it with the advice below."},
	} {
		if a := invoke(t, tc.in); a.Conclusion != tc.want {
			t.Errorf("%q: conclusion %q, want %q", tc.in.Message, a.Conclusion, tc.want)
		}
	}
}
