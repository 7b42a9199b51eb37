package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/api/store"
)

// editionView is an edition with its phase.
type editionView struct {
	hackathons.Edition
	Phase       string
	Description template.HTML
}

// handleEditions lists the editions.
func handleEditions(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		list, _, err := svc.List(r.Context(), store.Page{Limit: 100})
		if err != nil {
			return err
		}
		views := make([]editionView, len(list))
		for i, e := range list {
			views[i] = editionView{Edition: e, Phase: svc.Phase(e)}
		}
		h.render(w, r, http.StatusOK, "hackathons", localeFrom(r.Context()).T("editions.title"), views)
		return nil
	}
}

// editionData is an edition's public page.
type editionData struct {
	editionView
	Submissions []store.Submission    // what the visitor may see of them
	Results     []hackathons.Standing // once published
	TeamNames   map[int64]string      // team names by id
	Challenges  []hackathons.ChallengeView
}

// TeamOf names the team an entry belongs to, or "".
func (d editionData) TeamOf(s store.Submission) string {
	if s.TeamID == nil {
		return ""
	}
	return d.TeamNames[*s.TeamID]
}

// handleEdition renders an edition: dates, rubric, the entries the visitor
// may see, and the results once published.
func handleEdition(h *Handler, svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		slug := r.PathValue("slug")
		e, err := svc.Get(r.Context(), slug)
		if err != nil {
			return err
		}
		d := editionData{editionView: editionView{Edition: e, Phase: svc.Phase(e), Description: markdown(e.Description)}}
		u, signedIn := caller(r)
		if d.Challenges, err = svc.Challenges(r.Context(), u, slug); err != nil {
			return err
		}
		if signedIn {
			if d.Submissions, err = svc.Submissions(r.Context(), u, slug); err != nil {
				return err
			}
			if d.TeamNames, err = teamNames(r, svc, slug); err != nil {
				return err
			}
		}
		if e.ResultsPublishedAt != nil {
			if d.Results, err = svc.Results(r.Context(), u, slug); err != nil {
				return err
			}
		}
		h.render(w, r, http.StatusOK, "hackathon", e.Name, d)
		return nil
	}
}

// handleLeaderboardCSV downloads a leaderboard, with the rights of
// GET /api/v1/hackathons/{slug}/leaderboard.csv.
func handleLeaderboardCSV(svc *hackathons.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		n := normalization(r)
		u, _ := caller(r)
		ch, _ := strconv.ParseInt(r.URL.Query().Get("challenge"), 10, 64)
		board, err := svc.ChallengeLeaderboard(r.Context(), u, r.PathValue("slug"), n, ch)
		if err != nil {
			if errors.Is(err, auth.ErrForbidden) && u.ID == 0 {
				return auth.ErrUnauthenticated // organizers may see it: ask who this is
			}
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+judging.CSVName(board.Edition.Slug, n)+`"`)
		_, err = w.Write(judging.LeaderboardCSV(board.Edition.Rubric, board.Rows))
		return err
	}
}

// normalization reads ?normalize=, defaulting to none.
func normalization(r *http.Request) judging.Normalization {
	if judging.Normalization(r.URL.Query().Get("normalize")) == judging.ZScore {
		return judging.ZScore
	}
	return judging.Raw
}
