package search

import (
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Analysing a field once and deriving its stems from its folded words
// gives the index the same terms, at the same positions, as analysing the
// text a second time with the stem filter last.
func TestAnalyseOnceMatchesTwoAnalyses(t *testing.T) {
	an, err := newAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	f := an.folded.(*analysis.DefaultAnalyzer)
	twice := &analysis.DefaultAnalyzer{Tokenizer: f.Tokenizer, TokenFilters: append(slices.Clip(f.TokenFilters), an.stem)}
	texts := []string{"", "Les Élections l'œuvre d'Ærø", "The children's policies, élections et rumeurs",
		"الدعاية والشائعات إعلام", "naïve café ÉCOLES\nbots", "x1 2026 e-mail"}
	texts = append(texts, strings.Join([]string{"Détecter les campagnes de désinformation coordonnées sur les réseaux sociaux",
		"Fact-checking assistant for journalists: claims, sources and verified statements",
		"أداة للتحقق من الأخبار الكاذبة ورصد حملات التضليل على المنصات", "Œuvres, cœurs et bœufs ; naïveté",
		"children’s parties, studies, classes, buses, policies, rumeurs, élections, médias"}, "\n"))
	compared := 0
	cache := stemCache{}
	for _, text := range append(texts, texts...) { // the second time from the cache
		folded, stems := an.analyse(text, nil)
		cached, cachedStems := an.analyse(text, cache)
		if !sameTokens(cached, folded) || !sameTokens(cachedStems, stems) {
			t.Errorf("%q: with the stem cache, %v %v, want %v %v", text, cached, cachedStems, folded, stems)
		}
		wantFolded, wantStems := an.folded.Analyze([]byte(text)), twice.Analyze([]byte(text))
		if !sameTokens(folded, wantFolded) {
			t.Errorf("%q: folded %v, want %v", text, folded, wantFolded)
		}
		if !sameTokens(stems, wantStems) {
			t.Errorf("%q: stems %v, want %v", text, stems, wantStems)
		}
		compared += len(stems)
	}
	if compared < 80 {
		t.Fatalf("only %d stems compared", compared)
	}
}

func sameTokens(a, b analysis.TokenStream) bool {
	return slices.EqualFunc(a, b, func(x, y *analysis.Token) bool {
		return string(x.Term) == string(y.Term) && x.Position == y.Position && x.Start == y.Start && x.End == y.End && x.Type == y.Type
	})
}
