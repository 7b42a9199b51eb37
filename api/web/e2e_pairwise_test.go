package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A judge on a phone, without JavaScript, judges pairwise one tap at a
// time: each answer brings the next entry, the one just judged becoming
// the previous one; a skipped entry goes. The organizer's progress page
// and the results fit a phone too. axe-core checks every page state.
func TestBrowserPairwiseJudgingOnAPhone(t *testing.T) {
	e := newEnv(t)
	f := e.duel("alpha", "beta", "gamma", "delta", "epsilon")

	judge := e.openTab(t, "fr")
	judge.resize(phone)
	judge.withoutScripts()
	judge.signIn(f.judge.Email)
	judge.open("/judge")
	judge.open("/pairwise/duel")
	judge.until(`document.querySelector(".pair-vote button").getBoundingClientRect().height >= 44`)
	judge.do(chromedp.Click(chromedp.CSS(`.pair-vote button`)))
	judge.until(`location.search.includes("done=voted") && document.getElementById("prev-h") !== null`)
	for _, answer := range []string{"yes", "no", "yes"} {
		current := entryName(judge.text("#cur-h"))
		judge.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`.pair-vote button[value=%s]`, answer))))
		judge.until(fmt.Sprintf(`(document.getElementById("prev-h") || {textContent: ""}).textContent.includes(%q)`, current))
	}
	skipped := entryName(judge.text("#cur-h"))
	judge.do(chromedp.Click(chromedp.CSS(`.pair-skip button`)))
	judge.until(fmt.Sprintf(`location.search.includes("done=skipped") && !document.body.textContent.includes(%q)`, skipped))
	judge.notice("Le projet est passé.")

	org := e.openTab(t, "en")
	org.resize(phone)
	org.signIn(f.org.Email)
	org.open("/organize/duel")
	org.open("/organize/duel/pairwise")
	org.until(`document.body.textContent.includes("3 votes in all.")`)
	org.open("/organize/duel/results")
	org.until(`document.body.textContent.includes(" ± ")`)
	org.open("/organize/duel/edit")
}

// entryName is the name in an entry's heading ("Maintenant Tool beta").
func entryName(heading string) string {
	if i := strings.Index(heading, "Tool "); i >= 0 {
		return heading[i:]
	}
	return heading
}
