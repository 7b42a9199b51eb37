package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// webPlugins is the catalogue the web scenario searches.
const webPlugins = 2_000

// benchWeb compares the catalogue page, rendered on the server with 20
// results, facets and highlights, with GET /api/v1/search for the same
// queries, on the embedded engine, in the same run.
func benchWeb(ctx context.Context, b *bench) error {
	rip, token, err := b.startRiposteAsAdmin(ctx)
	if err != nil {
		return err
	}
	defer rip.stop()
	c := newCorpus(2016)
	start := time.Now()
	if err := seedCorpus(rip.addr, token, c, webPlugins); err != nil {
		return err
	}
	if _, err := waitIndexed(ctx, rip.addr, 5*time.Minute); err != nil {
		return err
	}
	fmt.Printf("loaded %d plugins through the API in %s\n", webPlugins, time.Since(start).Round(time.Second))
	queries, size, err := fullPageQueries(rip.addr, c, 10)
	if err != nil {
		return err
	}
	fmt.Printf("%d queries with at least 20 hits; the catalogue page for the first is %s of HTML\n\n", len(queries), byteCount(size))
	apiPaths, pagePaths := make([]string, len(queries)), make([]string, len(queries))
	for i, q := range queries {
		apiPaths[i] = "/api/v1/search?q=" + url.QueryEscape(q)
		pagePaths[i] = "/?q=" + url.QueryEscape(q)
	}
	apiScript, err := b.luaRequests("web-api", "GET", apiPaths, make([]string, len(queries)), map[string]string{})
	if err != nil {
		return err
	}
	pageScript, err := b.luaRequests("web-page", "GET", pagePaths, make([]string, len(queries)),
		map[string]string{"Accept-Language": "fr-FR,fr;q=0.9"})
	if err != nil {
		return err
	}
	saved := b.conns
	b.conns = 16
	defer func() { b.conns = saved }()
	al, pl, err := b.compare(
		func() (load, error) { return b.wrk(ctx, "http://"+rip.addr, "-s", apiScript) },
		func() (load, error) { return b.wrk(ctx, "http://"+rip.addr, "-s", pageScript) },
	)
	if err != nil {
		return err
	}
	return report("`GET /api/v1/search` (JSON, 20 hits)", al, "catalogue page `GET /?q=` (HTML, 20 hits, facets)", pl, 0.5)
}

// fullPageQueries picks up to n generated queries whose catalogue page has
// 20 results, and returns them with the size of the first page.
func fullPageQueries(addr string, c *corpus, n int) ([]string, int, error) {
	var out []string
	size := 0
	for _, q := range c.queries(200) {
		var res struct {
			Total int `json:"total"`
		}
		if _, err := call("GET", "http://"+addr+"/api/v1/search?q="+url.QueryEscape(q), "", nil, &res); err != nil {
			return nil, 0, err
		}
		if res.Total < 20 {
			continue
		}
		page, err := http.Get("http://" + addr + "/?q=" + url.QueryEscape(q))
		if err != nil {
			return nil, 0, err
		}
		body, _ := io.ReadAll(page.Body)
		page.Body.Close()
		if hits := strings.Count(string(body), `class="hit"`); page.StatusCode != 200 || hits != 20 {
			return nil, 0, fmt.Errorf("catalogue page for %q: status %d, %d hits, want 20", q, page.StatusCode, hits)
		}
		if size == 0 {
			size = len(body)
		}
		if out = append(out, q); len(out) == n {
			break
		}
	}
	if len(out) == 0 {
		return nil, 0, fmt.Errorf("no generated query has 20 hits")
	}
	return out, size, nil
}

func byteCount(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1000) }
