package web

import (
	"encoding/csv"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

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
	Submissions []store.Submission // what the visitor may see of them
	Results     []judging.Row      // once published
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
		if signedIn {
			if d.Submissions, err = svc.Submissions(r.Context(), u, slug); err != nil {
				return err
			}
		}
		if e.ResultsPublishedAt != nil {
			b, err := svc.Leaderboard(r.Context(), u, slug, judging.Raw)
			if err != nil {
				return err
			}
			d.Results = b.Rows
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
		board, err := svc.Leaderboard(r.Context(), u, r.PathValue("slug"), n)
		if err != nil {
			if errors.Is(err, auth.ErrForbidden) && u.ID == 0 {
				return auth.ErrUnauthenticated // organizers may see it: ask who this is
			}
			return err
		}
		e, rows := board.Edition, board.Rows
		var b strings.Builder
		cw := csv.NewWriter(&b)
		header := []string{"rank", "plugin", "name", "score", "reviews"}
		for _, cr := range e.Rubric {
			header = append(header, cellText(cr.Key))
		}
		cw.Write(header)
		for _, row := range rows {
			rec := []string{"", cellText(row.Plugin), cellText(row.Name), "", strconv.Itoa(row.Reviews)}
			if row.Rank != nil {
				rec[0] = strconv.Itoa(*row.Rank)
			}
			if row.Score != nil {
				rec[3] = strconv.FormatFloat(*row.Score, 'f', 4, 64)
			}
			for _, cr := range e.Rubric {
				cell := ""
				if row.Reviews > 0 {
					cell = strconv.FormatFloat(row.Criteria[cr.Key], 'f', 2, 64)
				}
				rec = append(rec, cell)
			}
			cw.Write(rec)
		}
		cw.Flush()
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+e.Slug+`-leaderboard-`+string(n)+`.csv"`)
		_, err = w.Write([]byte(b.String()))
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

// cellText keeps a text cell from being read as a formula by spreadsheets.
func cellText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
