package contrediscours

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/pluginstest"
)

func TestConformance(t *testing.T) { pluginstest.Run(t, New()) }

func isHTTPS(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

func TestEveryResourceIsCitedAndTranslated(t *testing.T) {
	d := New().data
	kinds := []string{"website", "helpline", "video", "testimony", "campaign", "guide", "reporting"}
	for _, r := range d.Resources {
		if len(r.Sources) == 0 {
			t.Errorf("%s has no source", r.ID)
		}
		for _, s := range r.Sources {
			if !isHTTPS(s) {
				t.Errorf("%s cites %q, which is not an https URL", r.ID, s)
			}
		}
		if r.URL != "" && !isHTTPS(r.URL) {
			t.Errorf("%s links to %q, which is not an https URL", r.ID, r.URL)
		}
		for _, lang := range []string{"fr", "en"} {
			if r.Title[lang] == "" || r.Description[lang] == "" || (len(r.Hours) > 0 && r.Hours[lang] == "") {
				t.Errorf("%s lacks %s text", r.ID, lang)
			}
		}
		if !slices.Contains(kinds, r.Kind) || len(r.Country) != 2 || len(r.Themes) == 0 {
			t.Errorf("%s: kind %q, country %q, themes %v", r.ID, r.Kind, r.Country, r.Themes)
		}
		for _, th := range r.Themes {
			if _, ok := d.Themes[th]; !ok {
				t.Errorf("%s has unknown theme %q", r.ID, th)
			}
		}
	}
}

func invoke(t *testing.T, input string) Answer {
	t.Helper()
	out, err := New().Invoke(context.Background(), json.RawMessage(input))
	if err != nil {
		t.Fatalf("Invoke(%s): %v", input, err)
	}
	var a Answer
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func ids(a Answer) []string {
	var out []string
	for _, r := range a.Resources {
		out = append(out, r.ID)
	}
	return out
}

func TestAnswersEachThemeWithItsResources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, theme, want string
		has, hasNot       []string
	}{
		{"worried family", "worried-family", "worried-family",
			[]string{"numero-vert", "temoignages-familles", "signes-radicalisation", "act-early"}, []string{"on-te-manipule"}},
		{"family, in French, with spaces and capitals", " Famille ", "worried-family", []string{"numero-vert"}, nil},
		{"recruitment, in French", "Recrutement", "recruitment",
			[]string{"stop-djihadisme", "video-stop-djihadisme", "toujours-le-choix", "pharos"}, []string{"signes-radicalisation"}},
		{"victimisation, American spelling", "victimization", "victimisation", []string{"video-stop-djihadisme"}, []string{"act-early"}},
		{"departure as hijra", "HIJRA", "departure", []string{"numero-vert", "temoignages-familles"}, []string{"on-te-manipule"}},
		{"conspiracy, with an accent", "Théorie du complot", "conspiracy", []string{"on-te-manipule"}, []string{"numero-vert"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := invoke(t, `{"theme":`+quote(tt.theme)+`}`)
			got := ids(a)
			if a.Theme != tt.want {
				t.Fatalf("theme %q, want %q", a.Theme, tt.want)
			}
			for _, id := range tt.has {
				if !slices.Contains(got, id) {
					t.Errorf("%v lacks %s", got, id)
				}
			}
			for _, id := range tt.hasNot {
				if slices.Contains(got, id) {
					t.Errorf("%v should not list %s", got, id)
				}
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestEveryThemeHasResources(t *testing.T) {
	t.Parallel()
	for theme := range New().data.Themes {
		if a := invoke(t, `{"theme":"`+theme+`"}`); len(a.Resources) == 0 {
			t.Errorf("theme %s has no resource", theme)
		}
	}
}

func TestAnswersInTheRequestedLanguage(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]string{"fr": "Du lundi au vendredi", "en": "Monday to Friday"} {
		a := invoke(t, `{"theme":"worried-family","language":"`+lang+`"}`)
		var line Resource
		for _, r := range a.Resources {
			if r.ID == "numero-vert" {
				line = r
			}
		}
		if line.Phone != "0 800 00 56 96" || !strings.HasPrefix(line.Hours, want) || a.Language != lang {
			t.Errorf("%s: the freephone line reads %q, %q", lang, line.Phone, line.Hours)
		}
	}
}

func TestRejectsInputsItCannotAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, path string
	}{
		{"unknown theme", `{"theme":"cuisine"}`, "input.theme"},
		{"empty theme", `{"theme":""}`, "input.theme"},
		{"unsupported language", `{"theme":"recruitment","language":"ar"}`, "input.language"},
		{"not an object", `["recruitment"]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New().Invoke(context.Background(), json.RawMessage(tt.input))
			var ie *plugins.InputError
			if !errors.As(err, &ie) || ie.Path != tt.path {
				t.Fatalf("got %v, want an input error at %q", err, tt.path)
			}
			if tt.path == "input.theme" && !strings.Contains(ie.Message, "worried-family") {
				t.Errorf("the error does not list the themes: %s", ie.Message)
			}
		})
	}
}

func TestAnswersReadAsResults(t *testing.T) { pluginstest.Presented(t, New(), "fr", "en", "ar") }
