package signalement

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/pluginstest"
)

func TestConformance(t *testing.T) { pluginstest.Run(t, New()) }

func TestEveryEntryIsCitedAndTranslated(t *testing.T) {
	d := New().data
	check := func(name string, texts []text, sources []string) {
		t.Helper()
		if len(sources) == 0 {
			t.Errorf("%s has no source", name)
		}
		for _, s := range sources {
			if u, err := url.Parse(s); err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s cites %q, which is not an https URL", name, s)
			}
		}
		for _, tx := range texts {
			for _, lang := range []string{"fr", "en"} {
				if strings.TrimSpace(tx[lang]) == "" {
					t.Errorf("%s has no %s text", name, lang)
				}
			}
		}
	}
	check("PHAROS", []text{d.Pharos.How}, d.Pharos.Sources)
	for _, pf := range d.Platforms {
		check(pf.ID, []text{pf.How}, pf.Sources)
		if u, err := url.Parse(pf.URL); err != nil || u.Scheme != "https" {
			t.Errorf("%s: reporting page %q is not an https URL", pf.ID, pf.URL)
		}
	}
	for _, it := range d.Include {
		check("include "+it.Text["en"], []text{it.Text}, it.Sources)
	}
	for _, it := range d.Advice {
		check("advice "+it.Text["en"], []text{it.Text}, it.Sources)
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

func TestRecognisesThePlatformFromTheAddressOrTheName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, want string // want "" for an unknown platform
	}{
		{"Facebook post", `{"url":"https://www.facebook.com/page/posts/1"}`, "facebook"},
		{"Facebook mobile, no scheme", `{"url":"m.facebook.com/story.php?id=1"}`, "facebook"},
		{"fb.com short domain", `{"url":"https://fb.com/x"}`, "facebook"},
		{"Instagram post", `{"url":"https://www.instagram.com/p/abc/"}`, "instagram"},
		{"old Twitter address", `{"url":"https://twitter.com/a/status/1"}`, "x"},
		{"X address without scheme", `{"url":"x.com/a/status/1"}`, "x"},
		{"YouTube short link", `{"url":"https://youtu.be/abc"}`, "youtube"},
		{"YouTube watch page", `{"url":"https://www.youtube.com/watch?v=abc"}`, "youtube"},
		{"TikTok share link", `{"url":"https://vm.tiktok.com/ZM1/"}`, "tiktok"},
		{"Telegram channel", `{"url":"https://t.me/somechannel/12"}`, "telegram"},
		{"upper-case host", `{"url":"HTTPS://WWW.YOUTUBE.COM/watch?v=1"}`, "youtube"},
		{"name with an accent", `{"platform":"Télégram"}`, "telegram"},
		{"name in two words", `{"platform":"Tik Tok"}`, "tiktok"},
		{"name with both brands", `{"platform":"X (Twitter)"}`, "x"},
		{"name within a phrase", `{"platform":"a Facebook group"}`, "facebook"},
		{"domain given as the name", `{"platform":"instagram.com"}`, "instagram"},
		{"unknown site, known name", `{"url":"https://forum.example.org/t/1","platform":"instagram"}`, "instagram"},
		{"look-alike domain", `{"url":"https://notfacebook.com/a"}`, ""},
		{"platform domain used as a subdomain", `{"url":"https://facebook.com.example.net/a"}`, ""},
		{"unknown forum", `{"url":"https://forum.example.org/thread/42"}`, ""},
		{"unknown name", `{"platform":"Myspace"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := invoke(t, tt.input)
			got := ""
			if a.Platform != nil {
				got = a.Platform.ID
			}
			if got != tt.want || a.Recognised != (tt.want != "") {
				t.Fatalf("platform %q (recognised %v), want %q", got, a.Recognised, tt.want)
			}
		})
	}
}

func TestAnswersWithPharosThenThePlatformsOwnTool(t *testing.T) {
	t.Parallel()
	a := invoke(t, `{"url":"https://youtu.be/abc","language":"en"}`)
	if len(a.Channels) != 2 || a.Channels[0].URL != "https://www.internet-signalement.gouv.fr" ||
		a.Channels[1].URL != "https://support.google.com/youtube/answer/2802027" {
		t.Fatalf("channels: %+v", a.Channels)
	}
	if !strings.HasPrefix(a.Channels[0].How, "The French Ministry") || !strings.Contains(a.Channels[1].How, "Report") {
		t.Errorf("not in English: %q / %q", a.Channels[0].How, a.Channels[1].How)
	}

	unknown := invoke(t, `{"url":"https://forum.example.org/thread/42"}`)
	if len(unknown.Channels) != 1 || !strings.HasPrefix(unknown.Channels[0].Name, "PHAROS") {
		t.Fatalf("an unknown platform should get PHAROS alone: %+v", unknown.Channels)
	}
	if unknown.Language != "fr" || !strings.HasPrefix(unknown.Channels[0].How, "Portail officiel") {
		t.Errorf("the default language is French: %q", unknown.Channels[0].How)
	}
}

func TestSaysWhatToIncludeAndNotToShare(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string][]string{
		"fr": {"URL", "date et l'heure", "Ne partagez pas", "17", "112"},
		"en": {"URL", "date and time", "Do not share", "17", "112"},
	} {
		a := invoke(t, `{"platform":"telegram","language":"`+lang+`"}`)
		var all []string
		for _, it := range append(a.Include, a.Advice...) {
			all = append(all, it.Text)
		}
		joined := strings.Join(all, "\n")
		for _, w := range want {
			if !strings.Contains(joined, w) {
				t.Errorf("%s: the advice does not mention %q:\n%s", lang, w, joined)
			}
		}
	}
}

func TestRejectsInputsItCannotAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, path string
	}{
		{"neither address nor platform", `{"language":"fr"}`, ""},
		{"blank platform", `{"platform":"   "}`, ""},
		{"not a web address", `{"url":"not a web address"}`, "input.url"},
		{"another scheme", `{"url":"ftp://x.com/file"}`, "input.url"},
		{"unsupported language", `{"platform":"x","language":"de"}`, "input.language"},
		{"not an object", `"x.com"`, ""},
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

func TestAnswersReadAsResults(t *testing.T) { pluginstest.Presented(t, New(), "fr", "en", "ar") }
