package web

import (
	"errors"
	"net/http"
	"regexp"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
)

// pairData is a judge's pairwise judging page. Closed says why the judge
// cannot judge now (not judged pairwise, judging not open, results
// published), as the review page does.
type pairData struct {
	hackathons.Pair
	Closed string
}

// handlePairwise shows a judge the entry in front of them and the previous
// one, with the buttons that answer.
func handlePairwise(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		var d pairData
		d.Pair, err = svc.PairwiseNext(r.Context(), u, r.PathValue("hackathon"))
		if errors.Is(err, store.ErrConflict) {
			d.Closed = message(localeFrom(r.Context()), err)
			d.Edition, err = svc.Get(r.Context(), r.PathValue("hackathon"))
		}
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "pairwise", localeFrom(r.Context()).T("pairwise.title"), d)
		return nil
	}
}

// handlePairwiseVote records the judge's answer and shows the next pair:
// better=yes or no; without a previous entry, no answer is needed.
func handlePairwiseVote(svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug := r.PathValue("hackathon")
		var better *bool
		if v := r.PostFormValue("better"); v == "yes" || v == "no" {
			b := v == "yes"
			better = &b
		}
		if _, err := svc.PairwiseVote(r.Context(), u, slug, better); err != nil {
			return err
		}
		return seeOther(w, r, "/pairwise/"+slug, "voted")
	}
}

// handlePairwiseSkip sets the current entry aside for the judge: the team
// is absent, unless the form gives another reason.
func handlePairwiseSkip(svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustSignIn(r)
		if err != nil {
			return err
		}
		slug := r.PathValue("hackathon")
		reason := r.PostFormValue("reason")
		if reason == "" {
			reason = hackathons.SkipAbsent
		}
		if _, err := svc.PairwiseSkip(r.Context(), u, slug, reason); err != nil {
			return err
		}
		return seeOther(w, r, "/pairwise/"+slug, "skipped")
	}
}

// handlePairwiseProgress shows organizers how pairwise judging stands.
func handlePairwiseProgress(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := mustBe(r, auth.RoleOrganizer)
		if err != nil {
			return err
		}
		p, err := svc.PairwiseProgress(r.Context(), u, r.PathValue("slug"))
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "pairwise-progress", localeFrom(r.Context()).T("pairwise.progress"), p)
		return nil
	}
}

// pairwiseMessages are the words of pairwise judging, English then French.
var pairwiseMessages = map[string][2]string{
	"pairwise.title":   {"Pairwise judging", "Jugement par comparaison"},
	"pairwise.intro":   {"Look at the entry in front of you, then say whether it is better than the previous one.", "Regardez le projet devant vous, puis dites s’il est meilleur que le précédent."},
	"pairwise.first":   {"This is your first entry: look at it, then go on to the next one.", "C’est votre premier projet : regardez-le, puis passez au suivant."},
	"pairwise.current": {"Now", "Maintenant"},
	"pairwise.prev":    {"Previous", "Précédent"},
	"pairwise.better":  {"Better than the previous one", "Meilleur que le précédent"},
	"pairwise.worse":   {"Not better", "Pas meilleur"},
	"pairwise.next":    {"Seen — next entry", "Vu — projet suivant"},
	"pairwise.absent":  {"Skip: team absent", "Passer : équipe absente"},
	"pairwise.try":     {"Try it", "L’essayer"},
	"pairwise.done":    {"You have seen every entry. Thank you!", "Vous avez vu tous les projets. Merci !"},
	"pairwise.open":    {"Compare the entries", "Comparer les projets"},
	"pairwise.none":    {"No entry yet.", "Aucun projet pour l’instant."},
	"pairwise.noassign": {"This edition is judged pairwise: judges are shown the entries as they go, so there is nothing to assign.",
		"Ce hackathon est jugé par comparaison : les jurés voient les projets au fil de l’eau, il n’y a donc rien à répartir."},
	"pairwise.progress": {"Pairwise progress", "Avancement des comparaisons"},
	"pairwise.votes":    {"%s votes in all.", "%s votes au total."},
	"pairwise.judges":   {"Judges", "Jurés"},
	"pairwise.entries":  {"Entries, fewest comparisons first", "Projets, les moins comparés d’abord"},
	"pairwise.seen":     {"Entries seen", "Projets vus"},
	"pairwise.skipped":  {"Skipped", "Passés"},
	"pairwise.shown":    {"Shown to judges", "Montré aux jurés"},
	"pairwise.reported": {"Reported absent", "Signalé absent"},
	"board.comparisons": {"Comparisons", "Comparaisons"},
	"board.mu":          {"Score (μ ± σ)", "Score (μ ± σ)"},
	"results.explain.pairwise": {"Entries are ranked by their Crowd-BT score μ, learnt from the judges’ comparisons; σ says how uncertain it is.",
		"Les projets sont classés par leur score Crowd-BT μ, appris des comparaisons des jurés ; σ dit son incertitude."},
	"edform.mode":             {"Judging mode", "Mode de jugement"},
	"edform.mode.rubric":      {"Rubric: assigned judges score each entry", "Grille : les jurés désignés notent chaque projet"},
	"edform.mode.pairwise":    {"Pairwise: judges compare entries two at a time", "Comparaison : les jurés comparent les projets deux à deux"},
	"edform.mode.hint":        {"It cannot change once judges have scored or voted.", "Il ne peut plus changer une fois que des jurés ont noté ou voté."},
	"notice.voted":            {"Your answer is recorded.", "Votre réponse est enregistrée."},
	"notice.skipped":          {"The entry is skipped.", "Le projet est passé."},
	"problem.mode":            {"Choose rubric or pairwise.", "Choisissez la grille ou la comparaison."},
	"refusal.mode.frozen":     {"The judging mode can no longer change: judges have already scored or voted.", "Le mode de jugement ne peut plus changer : des jurés ont déjà noté ou voté."},
	"refusal.mode.rubric":     {"This edition is judged with the rubric, not by comparison.", "Ce hackathon est jugé avec la grille, pas par comparaison."},
	"refusal.mode.pairwise":   {"This edition is judged by comparing entries, not with the rubric.", "Ce hackathon est jugé par comparaison des projets, pas avec la grille."},
	"refusal.pairwise.judges": {"Only the judges of this edition can judge it.", "Seuls les jurés de ce hackathon peuvent le juger."},
	"refusal.pairwise.none":   {"Every entry has been shown to you.", "Tous les projets vous ont été montrés."},
}

// pairwiseWordings say the pairwise services' messages in the pages' words.
var pairwiseWordings = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^must be rubric or pairwise$`), "problem.mode"},
	{regexp.MustCompile(`^the judging mode is frozen`), "refusal.mode.frozen"},
	{regexp.MustCompile(`^this edition is judged with the rubric`), "refusal.mode.rubric"},
	{regexp.MustCompile(`^this edition is judged pairwise`), "refusal.mode.pairwise"},
	{regexp.MustCompile(`^only the judges of this edition judge it$`), "refusal.pairwise.judges"},
	{regexp.MustCompile(`^no entry is in front of you`), "refusal.pairwise.none"},
}

// init adds the words, wordings and notices of pairwise judging to the
// pages' lists, and its pages to those the pages load.
func init() {
	for k, v := range pairwiseMessages {
		messagesEN[k], messagesFR[k] = v[0], v[1]
	}
	wordings = append(wordings, pairwiseWordings...)
	notices["voted"], notices["skipped"] = true, true
	pageNames = append(pageNames, "pairwise", "pairwise-progress")
}
