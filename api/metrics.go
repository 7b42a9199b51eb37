package api

import (
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics are the request counters and latencies exported at /metrics.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series keeps each (method, route, status)'s counter and histogram,
	// so that a request does not hash its labels twice to find them.
	series sync.Map // seriesKey → requestSeries
}

type seriesKey struct {
	method, route string
	status        int
}

type requestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "riposte_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "riposte_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method and route template.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *httpMetrics) observe(method, route string, status int, d time.Duration) {
	k := seriesKey{method, route, status}
	s, ok := m.series.Load(k)
	if !ok {
		s, _ = m.series.LoadOrStore(k, requestSeries{
			count:    m.requests.WithLabelValues(method, route, strconv.Itoa(status)),
			duration: m.duration.WithLabelValues(method, route),
		})
	}
	rs := s.(requestSeries)
	rs.count.Inc()
	rs.duration.Observe(d.Seconds())
}

// handleMetrics serves the Prometheus exposition of every registered
// collector.
//
//	@Summary		Prometheus metrics
//	@Description	Request counts and latencies by route template, plugin invocations, Go runtime and process metrics, in the Prometheus text format. It carries no personal data, but block it at the proxy and scrape it from inside.
//	@Tags			operations
//	@Produce		plain
//	@Success		200	{string}	string	"Prometheus text exposition"
//	@Failure		500	{object}	Problem	"Internal error"
//	@Router			/metrics [get]
func (s *Server) handleMetrics() gin.HandlerFunc {
	return gin.WrapH(promhttp.HandlerFor(s.deps.Metrics, promhttp.HandlerOpts{}))
}
