package portesouvertes

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/riposte-civic/riposte/plugins"
	"github.com/riposte-civic/riposte/plugins/pluginstest"
)

func TestConformance(t *testing.T) { pluginstest.Run(t, New()) }

func TestEveryEntryIsCitedAndTranslated(t *testing.T) {
	p := New()
	for code, c := range p.data.Countries {
		for _, n := range c.Numbers {
			if len(n.Sources) == 0 {
				t.Errorf("%s %s has no source", code, n.Number)
			}
			for _, l := range []string{"fr", "en", "ar"} {
				if n.Service[l] == "" {
					t.Errorf("%s %s has no %s text", code, n.Number, l)
				}
			}
			for _, s := range n.Sources {
				if p.data.Sources[s] == "" {
					t.Errorf("%s %s cites unknown source %q", code, n.Number, s)
				}
			}
		}
		adv, ok := p.data.Advice[c.Advice]
		if !ok || len(adv.Sources) == 0 {
			t.Errorf("%s has no cited advice", code)
		}
		for _, l := range []string{"fr", "en", "ar"} {
			if len(adv.Steps[l]) == 0 || adv.Title[l] == "" {
				t.Errorf("%s advice lacks %s", code, l)
			}
		}
	}
}

func TestFranceListsTheNationalNumbers(t *testing.T) {
	out, err := New().Invoke(context.Background(), json.RawMessage(`{"country":"FR","language":"en"}`))
	if err != nil {
		t.Fatal(err)
	}
	var a Answer
	json.Unmarshal(out, &a)
	var got []string
	for _, n := range a.Numbers {
		got = append(got, n.Number)
	}
	if strings.Join(got, ",") != "112,17,15,18,114" || !strings.HasPrefix(a.Advice.Steps[0], "Escape") {
		t.Fatalf("France in English: %v / %q", got, a.Advice.Steps[0])
	}
	_, err = New().Invoke(context.Background(), json.RawMessage(`{"country":"ZZ"}`))
	var ie *plugins.InputError
	if !errors.As(err, &ie) || ie.Path != "input.country" {
		t.Fatalf("unknown country: %v", err)
	}
}
