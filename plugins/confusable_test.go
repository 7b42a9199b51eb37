package plugins

import "testing"

func TestNameKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Portes Ouvertes":           "portesouvertes",
		"\u0420\u043ertes Ouvertes": "portesouvertes", // Cyrillic Р and о
		"portes_ouvertes":           "portesouvertes",
		"PortesOuvertes":            "portesouvertes",
		"portes.ouvertes":           "portesouvertes",
		"PORTES  OUVERTES":          "portesouvertes",
		"ｐｏｒｔｅｓ ｏｕｖｅｒｔｅｓ":           "portesouvertes", // full-width
		"Contre-Récit":              "contrerecit",
		"Cœur":                      "coeur",
		"R1POSTE":                   "rlposte",
		"صوت آخر":                   NameKey("صوت") + NameKey("آخر"),
	} {
		if got := NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfusable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Portes Ouvertes", "\u0420\u043ertes Ouvertes", true},
		{"Portes Ouvertes", "portes_ouvertes", true},
		{"Portes Ouvertes", "PortesOuvertes", true},
		{"portes-ouvertes", "portes-ouverte", true},     // one deleted
		{"portes-ouvertes", "portes-ouvertess", true},   // one added
		{"portes-ouvertes", "portes-ouvertez", true},    // one replaced
		{"portes-ouvertes", "protes-ouvertes", true},    // two swapped
		{"Riposte", "R1poste", true},                    // a digit for a letter
		{"signalement", "signalernent", true},           // rn for m, in the skeleton
		{"portes-ouvertes", "portes-ouvertures", false}, // two edits
		{"rumeur", "rumeurs", true},                     // 6 letters: one edit counts
		{"kit", "kits", false},                          // too short for one edit
		{"abri", "abris", false},                        // 4 letters
		{"bot-radar", "bot-radars", true},
		{"capture-signale", "signalement", false},
		{"", "", false},
	} {
		if got := Confusable(tc.a, tc.b); got != tc.want {
			t.Errorf("Confusable(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestOneEdit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"abcde", "abcde", false},
		{"abcde", "abcd", true},
		{"abcde", "bcde", true},
		{"abcde", "abXde", true},
		{"abcde", "abdce", true},
		{"abcde", "bacde", true},
		{"abcde", "abced", true},
		{"abcde", "bcdea", false}, // a moved: two edits
		{"abcde", "abc", false},
		{"abcde", "aXcYe", false},
		{"éabc", "eabc", true},
	} {
		if got := OneEdit(tc.a, tc.b); got != tc.want {
			t.Errorf("OneEdit(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := OneEdit(tc.b, tc.a); got != tc.want {
			t.Errorf("OneEdit(%q, %q) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}
