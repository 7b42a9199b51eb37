package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/riposte-civic/riposte/api/search"
)

// Health is the answer of /livez and /readyz.
type Health struct {
	Status string            `json:"status" example:"ok"`
	Checks map[string]string `json:"checks,omitempty"`
	Search *SearchHealth     `json:"search,omitempty"`
}

// SearchHealth tells how the search index is doing.
type SearchHealth struct {
	Engine     string  `json:"engine" example:"meilisearch"`
	Status     string  `json:"status" example:"ok" enums:"ok,degraded"`
	Pending    int     `json:"pending" example:"0"`
	LagSeconds float64 `json:"lag_seconds" example:"0"`
	LastError  string  `json:"last_error,omitempty"`
}

type searchStatus interface {
	Status(ctx context.Context) (search.Status, error)
}

// pinger is anything whose reachability /readyz reports.
type pinger interface {
	Ping(ctx context.Context) error
}

// handleLivez says the process is up. It checks nothing else, so that an
// orchestrator does not restart a process whose database is down.
func handleLivez(c *gin.Context) error {
	c.JSON(http.StatusOK, Health{Status: "ok"})
	return nil
}

// handleReadyz says whether this process should receive traffic: it is not
// shutting down and its database answers. A search engine that is down
// makes it "degraded" but still ready: writes succeed and searches are
// answered from the database.
func (s *Server) handleReadyz(db pinger, idx searchStatus) handlerFunc {
	return func(c *gin.Context) error {
		h := Health{Status: "ok", Checks: map[string]string{"database": "ok", "search": "ok"}}
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			h.Status, h.Checks["database"] = "unavailable", "unreachable"
			s.log.WarnContext(ctx, "readiness: database unreachable", "error", err)
		} else if st, err := idx.Status(ctx); err == nil {
			h.Search = &SearchHealth{Engine: st.Engine, Status: "ok", Pending: st.Pending,
				LagSeconds: st.Lag.Round(time.Millisecond).Seconds(), LastError: st.LastError}
			if !st.Available {
				h.Search.Status, h.Checks["search"] = "degraded", "degraded"
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

// handleMetrics serves the Prometheus exposition of every registered
// collector.
func (s *Server) handleMetrics() gin.HandlerFunc {
	return gin.WrapH(promhttp.HandlerFor(s.deps.Metrics, promhttp.HandlerOpts{}))
}
