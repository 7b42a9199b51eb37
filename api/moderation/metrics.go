package moderation

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/riposte-civic/riposte/api/store"
)

// Collector exports the state of the moderation queue, computed from the
// database at each scrape, so that every replica reports the same values
// and a restart loses nothing:
//
//   - riposte_reports_open{reason}: reports awaiting a decision (open or
//     appealed), by reason, every reason listed;
//   - riposte_reports_oldest_open_age_seconds: how long the oldest of them
//     has waited (since it was filed, or appealed), 0 when none waits;
//   - riposte_report_resolutions_total{clock="within"|"past"}: first
//     decisions taken by their due time, and after it.
type Collector struct {
	s                             *Service
	open, oldest, resolutions, up *prometheus.Desc
}

var _ prometheus.Collector = (*Collector)(nil)

// Collector returns the service's metrics collector.
func (s *Service) Collector() *Collector {
	return &Collector{s: s,
		open: prometheus.NewDesc("riposte_reports_open", "Abuse reports awaiting a decision (open or appealed), by reason.",
			[]string{"reason"}, nil),
		oldest: prometheus.NewDesc("riposte_reports_oldest_open_age_seconds",
			"Seconds the oldest report awaiting a decision has waited since it was filed or appealed; 0 when none waits.", nil, nil),
		resolutions: prometheus.NewDesc("riposte_report_resolutions_total",
			"First decisions on abuse reports, taken within their clock (by the due time) or past it.", []string{"clock"}, nil),
		up: prometheus.NewDesc("riposte_reports_scrape_error",
			"1 when the report metrics could not be read from the database at this scrape.", nil, nil),
	}
}

// Describe sends the descriptions of the metrics.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.open
	ch <- c.oldest
	ch <- c.resolutions
	ch <- c.up
}

// Collect reads the reports and sends the metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	all, err := c.s.store.AllReports(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
	q := Measure(all, c.s.Now())
	for _, reason := range reasons {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(q.Open[reason]), reason)
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, q.OldestAge.Seconds())
	ch <- prometheus.MustNewConstMetric(c.resolutions, prometheus.CounterValue, float64(q.Within), "within")
	ch <- prometheus.MustNewConstMetric(c.resolutions, prometheus.CounterValue, float64(q.Past), "past")
}

// QueueState is what the metrics say of the queue at a time.
type QueueState struct {
	Open      map[string]int // by reason
	OldestAge time.Duration
	Within    int // first decisions by the due time
	Past      int // first decisions after it
}

// Measure computes the state of the queue at time now.
func Measure(reports []store.Report, now time.Time) QueueState {
	q := QueueState{Open: map[string]int{}}
	for _, r := range reports {
		if r.Status != store.ReportResolved {
			q.Open[r.Reason]++
			since := r.CreatedAt
			if r.AppealedAt != nil && r.Status == store.ReportAppealed {
				since = *r.AppealedAt
			}
			q.OldestAge = max(q.OldestAge, now.Sub(since))
		}
		switch {
		case r.FirstResolvedAt == nil:
		case r.FirstResolvedAt.After(r.FirstDueAt):
			q.Past++
		default:
			q.Within++
		}
	}
	return q
}
