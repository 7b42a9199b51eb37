package web

import (
	"net/http"
	"slices"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/store"
)

// poolView is a challenge's pool of judges on the assignment page: its
// judges with the entries of the challenge each is assigned, and the
// spread of those loads.
type poolView struct {
	ID       int64
	Title    string
	Entries  int // entries that picked the challenge
	Judges   []poolJudge
	Min, Max int
}

type poolJudge struct {
	Name string
	Load int
}

// loadPools gathers the pools of an edition's challenges with the balance
// of the assignments within each.
func loadPools(r *http.Request, svc *hackathons.Service, u auth.User, slug string, subs []store.Submission,
	assignments []hackathons.Assignment, names map[int64]string) ([]poolView, error) {
	challenges, err := svc.Challenges(r.Context(), u, slug)
	if err != nil {
		return nil, err
	}
	picked := map[int64][]int64{} // challenge → plugins that picked it
	for _, s := range subs {
		ids, err := svc.EntryChallenges(r.Context(), slug, s.PluginID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			picked[id] = append(picked[id], s.PluginID)
		}
	}
	var out []poolView
	for _, c := range challenges {
		if c.Status != store.ChallengeApproved {
			continue
		}
		p := poolView{ID: c.ID, Title: c.Title, Entries: len(picked[c.ID])}
		for _, j := range c.Pool {
			load := 0
			for _, a := range assignments {
				if a.JudgeID == j && a.Conflict == nil && slices.Contains(picked[c.ID], a.PluginID) {
					load++
				}
			}
			p.Judges = append(p.Judges, poolJudge{Name: cmpName(names, j), Load: load})
			if len(p.Judges) == 1 || load < p.Min {
				p.Min = load
			}
			p.Max = max(p.Max, load)
		}
		out = append(out, p)
	}
	return out, nil
}
