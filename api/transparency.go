package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/moderation"
)

// TransparencyResponse is the transparency report: reports and the action
// taken on them, per month and reason, and the time it took. It holds no
// personal data. Percentiles are nearest-rank: the p-th is the smallest
// time such that at least p per cent of the times are at most it.
type TransparencyResponse struct {
	SLASeconds      int64                `json:"sla_seconds" example:"5400"`
	OtherSLASeconds int64                `json:"other_sla_seconds" example:"86400"`
	UrgentReasons   []string             `json:"urgent_reasons" example:"terrorist_content,illegal"`
	Percentiles     string               `json:"percentiles" example:"nearest-rank"`
	Months          []TransparencyMonth  `json:"months"`
	Reasons         []TransparencyReason `json:"reasons"`
	Total           TransparencyFigures  `json:"total"`
}

// TransparencyMonth counts one month's reports (by filing date) and first
// decisions (by decision date) for one reason.
type TransparencyMonth struct {
	Month      string `json:"month" example:"2026-12"`
	Reason     string `json:"reason" example:"terrorist_content"`
	Reports    int    `json:"reports" example:"14"`
	Takedowns  int    `json:"takedowns" example:"9"`
	Dismissals int    `json:"dismissals" example:"4"`
}

// TransparencyReason is the figures of one reason.
type TransparencyReason struct {
	Reason string `json:"reason" example:"terrorist_content"`
	TransparencyFigures
}

// TransparencyFigures are counts and the time to a first decision.
type TransparencyFigures struct {
	Reports             int     `json:"reports" example:"14"`
	Takedowns           int     `json:"takedowns" example:"9"`
	Dismissals          int     `json:"dismissals" example:"4"`
	MedianSeconds       int64   `json:"median_seconds" example:"2400"`
	P90Seconds          int64   `json:"p90_seconds" example:"5100"`
	ResolvedWithinClock int     `json:"resolved_within_clock" example:"12"`
	ShareWithinClock    float64 `json:"share_within_clock" example:"0.923"`
}

func transparencyFigures(f moderation.Figures) TransparencyFigures {
	return TransparencyFigures{Reports: f.Reports, Takedowns: f.Takedowns, Dismissals: f.Dismissals,
		MedianSeconds: int64(f.Median.Seconds()), P90Seconds: int64(f.P90.Seconds()),
		ResolvedWithinClock: f.WithinClock, ShareWithinClock: f.Share}
}

// handleTransparency publishes the transparency report.
//
//	@Summary		Transparency report
//	@Description	Reports and first decisions (takedown, dismiss) per month (UTC) and reason; by reason and overall, the median and 90th percentile (nearest-rank) of the time from a report to its first decision, and the share of decisions taken within the clock. Public; no personal data.
//	@Tags			moderation
//	@Produce		json
//	@Success		200	{object}	TransparencyResponse
//	@Failure		500	{object}	Problem	"Internal error"
//	@Router			/api/v1/transparency [get]
func handleTransparency(m *moderation.Service) handlerFunc {
	return func(c *gin.Context) error {
		t, err := m.Transparency(c.Request.Context())
		if err != nil {
			return err
		}
		out := TransparencyResponse{SLASeconds: int64(m.SLA("terrorist_content").Seconds()),
			OtherSLASeconds: int64(moderation.OtherSLA.Seconds()), UrgentReasons: moderation.UrgentReasons(),
			Percentiles: "nearest-rank", Months: []TransparencyMonth{}, Reasons: []TransparencyReason{},
			Total: transparencyFigures(t.All)}
		for _, mr := range t.Months {
			out.Months = append(out.Months, TransparencyMonth(mr))
		}
		for _, r := range t.Reasons {
			out.Reasons = append(out.Reasons, TransparencyReason{Reason: r.Reason, TransparencyFigures: transparencyFigures(r.Figures)})
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}
