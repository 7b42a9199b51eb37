package main

import (
	"slices"
	"strings"
	"testing"
)

// ids returns the entries found in s, in order, one per occurrence.
func ids(lex *lexicon, s string) []string {
	var out []string
	for _, h := range lex.find(s) {
		out = append(out, lex.Entries[h.entry].ID)
	}
	return out
}

func TestFindsTermsInFrenchEnglishAndArabic(t *testing.T) {
	lex := mustLexicon(t)
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"French, with elisions", "Revendication de l'agence Amaq, relayée d'Amaq par Nashir", []string{"amaq", "amaq", "nashir"}},
		{"English outlets", "Read Dabiq and Rumiyah from Al-Hayat Media Center", []string{"dabiq", "rumiyah", "al-hayat"}},
		{"the slogan in Latin letters", "la dawla est baqiya wa tatamadad", []string{"baqiya"}},
		{"the slogan in English", "Remaining and expanding!", []string{"baqiya"}},
		{"Arabic script", "وكالة أعماق: الدولة الإسلامية باقية وتتمدد", []string{"amaq", "dawla", "baqiya"}},
		{"an Arabic province", "بيان من ولاية سيناء", []string{"wilayat"}},
		{"slurs", "les tawaghit et les rafidha", []string{"taghut", "rafida"}},
		{"fighters", "un inghimasi, les ashbal al-khilafa", []string{"inghimasi", "ashbal"}},
		{"the raised index", "☝", []string{"index"}},
		{"a longer form wins over a shorter one", "Al-Hayat Media Centre", []string{"al-hayat"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(lex, tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("found %v in %q, want %v", got, tc.text, tc.want)
			}
		})
	}
}

// TestFoldsCaseAccentsAndArabicMarks checks that writing a term with other
// case, accents, Arabic vowel marks, the tatweel, a conjunction or
// preposition before the article, or a skin tone, still finds it.
func TestFoldsCaseAccentsAndArabicMarks(t *testing.T) {
	lex := mustLexicon(t)
	for _, tc := range []struct{ text, want string }{
		{"AMAQ", "amaq"},
		{"Dâbiq", "dabiq"},
		{"ṭāġūt", "taghut"},
		{"Wilāyat Khurāsān", "wilayat"},
		{"Inghimasi\u0301", "inghimasi"}, // an accent written apart
		{"الرَّافِضَة", "rafida"},
		{"الرافضـــة", "rafida"},
		{"والرافضة", "rafida"},
		{"للرافضة", "rafida"},
		{"الدولة الإسلاميّة", "dawla"},
		{"إذاعة البيان", "al-bayan"},
		{"اذاعه البيان", "al-bayan"}, // hamza and ta marbuta written plainly
		{"☝️", "index"},
		{"☝🏽", "index"},
	} {
		if got := ids(lex, tc.text); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("found %v in %q, want [%s]", got, tc.text, tc.want)
		}
	}
}

// TestLeavesOrdinaryWordsAlone checks that the ordinary uses the cautions
// name are not matched: a word alone where only a phrase is a term.
func TestLeavesOrdinaryWordsAlone(t *testing.T) {
	lex := mustLexicon(t)
	for _, text := range []string{
		"من أعماق قلبي",                    // "from the depths of my heart"
		"قرأت النبأ في الصحف",              // "I read the news in the papers"
		"Un article du quotidien Al-Hayat", // the pan-Arab daily
		"La sourate al-Furqan",
		"Le journal Al Bayan de Dubaï",
		"La wilaya d'Alger", "ولاية الخرطوم", // administrative provinces
		"الولايات المتحدة",
		"هي رافضة للقرار",            // "she refuses the decision"
		"تجربة انغماس في اللغة",      // "a language immersion experience"
		"les ashbal du club de foot", // a youth section
		"الشهيد", "Islamic State of mind", "dawla", "baqiya",
		"ناشر الكتاب", // "the book's publisher"
	} {
		if got := ids(lex, text); len(got) > 0 {
			t.Errorf("found %v in %q, an ordinary use", got, text)
		}
	}
}

func TestReportsEachTermOnceWithItsOccurrences(t *testing.T) {
	lex := mustLexicon(t)
	text := "A'maq… ☝ Amaq, وكالة أعماق"
	out, err := answer(lex, Input{Text: text, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Matches) != 2 {
		t.Fatalf("matches %+v, want amaq then index", out.Matches)
	}
	m := out.Matches[0]
	if m.ID != "amaq" || m.Found != "A'maq" || m.Normalized != "a maq" || m.Occurrences != 3 || m.Meaning != lex.Entries[0].Meaning["en"] || len(m.Sources) == 0 {
		t.Errorf("first match %+v, want amaq found as A'maq (a maq), 3 times, explained in English with its sources", m)
	}
	if out.Matches[1].ID != "index" || out.Matches[1].Occurrences != 1 {
		t.Errorf("second match %+v, want the raised index once", out.Matches[1])
	}
}

// TestHeadlineSaysHowManyTermsAndHowSpecific checks the summary in each
// language: none, one, several, and how many have few ordinary uses.
func TestHeadlineSaysHowManyTermsAndHowSpecific(t *testing.T) {
	lex := mustLexicon(t)
	for _, tc := range []struct{ text, lang, want string }{
		{"Bonjour à tous", "fr", "Aucun terme du lexique trouvé."},
		{"Hello everyone", "en", "No lexicon term found."},
		{"Amaq", "fr", "1 terme du lexique trouvé : Amaq. Il est propre à la propagande de l'État islamique."},
		{"le califat abbasside", "fr", "1 terme du lexique trouvé : khilafa. Il a aussi des usages ordinaires"},
		{"Amaq, Dabiq", "en", "2 lexicon terms found: Amaq, Dabiq. All are specific to Islamic State propaganda."},
		{"taghut, murtadd", "en", "2 lexicon terms found: taghut, murtadd. All also have ordinary uses"},
		{"Amaq, Dabiq, caliphate ☝", "en", "4 lexicon terms found: Amaq, Dabiq, khilafa, ☝. 2 of them are specific to Islamic State propaganda; the others also have ordinary uses."},
		{"Amaq, califat", "fr", "2 termes du lexique trouvés : Amaq, khilafa. 1 d'entre eux est propre à la propagande de l'État islamique ; l'autre a aussi des usages ordinaires."},
		{"Amaq, Dabiq, califat", "fr", "3 termes du lexique trouvés : Amaq, Dabiq, khilafa. 2 d'entre eux sont propres à la propagande de l'État islamique ; l'autre a aussi des usages ordinaires."},
		{"Amaq, caliphate, taghut", "en", "3 lexicon terms found: Amaq, khilafa, taghut. 1 of them is specific to Islamic State propaganda; the others also have ordinary uses."},
	} {
		out, err := answer(lex, Input{Text: tc.text, Language: tc.lang})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.Summary, tc.want) {
			t.Errorf("summary of %q in %s:\n%s\nwant it to start with\n%s", tc.text, tc.lang, out.Summary, tc.want)
		}
		if out.Found != len(out.Matches) || out.Notice == "" {
			t.Errorf("%q: found %d for %d matches, notice %q", tc.text, out.Found, len(out.Matches), out.Notice)
		}
	}
}
