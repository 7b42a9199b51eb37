package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
)

// Health is the answer of /livez and /readyz.
type Health struct {
	Status string            `json:"status" example:"ok" enums:"ok,degraded,unavailable,shutting down"`
	Checks map[string]string `json:"checks,omitempty"`
	Search *SearchHealth     `json:"search,omitempty"`
}

// SearchHealth tells how the search index is doing. LastError, which may
// name internal addresses, is shown to administrators only.
type SearchHealth struct {
	Engine     string  `json:"engine" example:"meilisearch"`
	Status     string  `json:"status" example:"ok" enums:"ok,degraded"`
	Pending    int     `json:"pending" example:"0"`
	LagSeconds float64 `json:"lag_seconds" example:"0"`
	LastError  string  `json:"last_error,omitempty"`
}

// handleLivez says the process is up. It checks nothing else, so that an
// orchestrator does not restart a process whose database is down.
//
//	@Summary		Liveness
//	@Description	200 while the process runs. It checks nothing else, so that an orchestrator does not restart a process whose database is down.
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	Health
//	@Failure		500	{object}	Problem	"Internal error"
//	@Router			/livez [get]
func handleLivez(c *gin.Context) error {
	c.JSON(http.StatusOK, Health{Status: "ok"})
	return nil
}

// handleReadyz says whether this process should receive traffic: it is not
// shutting down and its database answers. A search engine that is down
// makes it "degraded" but still ready: writes succeed and searches are
// answered from the database. Anyone sees states and lag; the causes go to
// the log, and to administrators.
//
//	@Summary		Readiness
//	@Description	200 when this process should receive traffic (status ok, or degraded while the search engine is down: searches are then answered from the database), 503 when its database does not answer or it is shutting down. Anyone sees the state of each check and the search index's backlog; the search engine's last error is shown only with an administrator's token, and causes are logged.
//	@Tags			operations
//	@Produce		json
//	@Param			Authorization	header		string	false	"Optional: Bearer and an administrator's access token or API token (read scope), to see the search engine's last error"
//	@Success		200				{object}	Health
//	@Failure		401				{object}	Problem	"Invalid or expired token (calling without one is fine)"
//	@Failure		503				{object}	Health	"Not ready: database unreachable, or shutting down"
//	@Router			/readyz [get]
func (s *Server) handleReadyz(db *store.Store, idx *search.Service) handlerFunc {
	return func(c *gin.Context) error {
		h := Health{Status: "ok", Checks: map[string]string{"database": "ok", "search": "ok"}}
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			h.Status, h.Checks["database"] = "unavailable", "unreachable"
			s.log.WarnContext(ctx, "readiness: database unreachable", "error", err)
		} else if st, err := idx.Status(ctx); err != nil {
			s.log.WarnContext(ctx, "readiness: search status unknown", "error", err)
		} else {
			h.Search = searchHealth(st, seesDetails(ctx))
			if !st.Available {
				h.Checks["search"] = "degraded"
				if h.Status == "ok" {
					h.Status = "degraded"
				}
			}
		}
		if s.draining.Load() {
			h.Status = "shutting down"
		}
		code := http.StatusOK
		if h.Status != "ok" && h.Status != "degraded" {
			code = http.StatusServiceUnavailable
		}
		c.JSON(code, h)
		return nil
	}
}

// seesDetails reports whether the caller may see the causes of failures,
// which can name internal addresses: administrators, by session or by a
// token with the read scope.
func seesDetails(ctx context.Context) bool {
	u, ok := auth.UserFrom(ctx)
	return ok && u.Is(auth.RoleAdmin) && u.Can(auth.ScopeRead)
}

// searchHealth reports st, with its last error when details is set.
func searchHealth(st search.Status, details bool) *SearchHealth {
	h := &SearchHealth{Engine: st.Engine, Status: "ok", Pending: st.Pending, LagSeconds: st.Lag.Round(time.Millisecond).Seconds()}
	if !st.Available {
		h.Status = "degraded"
	}
	if details {
		h.LastError = st.LastError
	}
	return h
}
