package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is the answer of /livez and /readyz.
type Health struct {
	Status string            `json:"status" example:"ok"`
	Checks map[string]string `json:"checks,omitempty"`
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
// shutting down and its database answers.
func (s *Server) handleReadyz(db pinger) handlerFunc {
	return func(c *gin.Context) error {
		h := Health{Status: "ok", Checks: map[string]string{"database": "ok"}}
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			h.Status, h.Checks["database"] = "unavailable", "unreachable"
			s.log.WarnContext(ctx, "readiness: database unreachable", "error", err)
		}
		if s.draining.Load() {
			h.Status = "shutting down"
		}
		code := http.StatusOK
		if h.Status != "ok" {
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
