package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// client is shared by the scenarios that drive the API from Go, with
// enough idle connections for their workers.
var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}

// benchManifest is a realistic runnable manifest: publishing it compiles
// its schemas and checks its example.
func benchManifest(slug, version string) string {
	return fmt.Sprintf(`{"slug":%q,"name":"Outil %s","version":%q,
	"summary":"Détecte et signale les contenus de propagande %s","description":"Un outil de démonstration pour les mesures.",
	"categories":["detection","reporting"],"languages":["fr","en","ar"],"tags":["propagande","signalement"],
	"license":"MIT","repository":"https://example.org/%s","maintainers":[{"name":"Bench","email":"bench@example.org"}],
	"runtime":{"type":"http","endpoint":"https://tools.example.org/%s","timeout_ms":3000},
	"input_schema":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":5000},"lang":{"enum":["fr","en","ar"]}}},
	"output_schema":{"type":"object","properties":{"score":{"type":"number"},"labels":{"type":"array","items":{"type":"string"}}}},
	"examples":[{"name":"exemple","input":{"text":"Rejoignez-nous","lang":"fr"}}],
	"changes":[{"kind":"added","description":"Version %s"}]}`, slug, slug, version, slug, slug, slug, version)
}

// parallel runs fn(i) for i in [0, n) on workers goroutines and returns the
// first error.
func parallel(n, workers int, fn func(i int) error) error {
	var (
		next  atomic.Int64
		first atomic.Value
		wg    sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n && first.Load() == nil; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					first.CompareAndSwap(nil, err)
				}
			}
		})
	}
	wg.Wait()
	if err, _ := first.Load().(error); err != nil {
		return err
	}
	return nil
}

func post(url, token, body string) (int, error) {
	req, _ := http.NewRequest("POST", url, stringsReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	drain(res)
	return res.StatusCode, nil
}

// seedPlugins registers and publishes n plugins p-0 … p-(n-1).
func seedPlugins(addr, token string, n int) error {
	return parallel(n, 8, func(i int) error {
		slug := fmt.Sprintf("p-%d", i)
		if code, err := post("http://"+addr+"/api/v1/plugins", token, benchManifest(slug, "1.0.0")); err != nil || code != 201 {
			return fmt.Errorf("create %s: %d %v", slug, code, err)
		}
		if code, err := post("http://"+addr+"/api/v1/plugins/"+slug+"/publish", token, ""); err != nil || code != 200 {
			return fmt.Errorf("publish %s: %d %v", slug, code, err)
		}
		return nil
	})
}

// benchPublish measures how many versions per second the registry accepts
// on SQLite: 16 clients publish new versions of 100 plugins for the
// bench's duration.
func benchPublish(ctx context.Context, b *bench) error {
	const plugins, workers = 100, 16
	rip, token, err := b.startRiposteAsAdmin(ctx)
	if err != nil {
		return err
	}
	defer rip.stop()
	if err := seedPlugins(rip.addr, token, plugins); err != nil {
		return err
	}
	var (
		published, failed atomic.Int64
		wg                sync.WaitGroup
		deadline          = time.Now().Add(b.duration)
	)
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				slug := fmt.Sprintf("p-%d", (w+i*workers)%plugins)
				version := fmt.Sprintf("1.%d.%d", w+1, i+1)
				code, err := post("http://"+rip.addr+"/api/v1/plugins/"+slug+"/versions", token, benchManifest(slug, version))
				if err != nil || code != 201 {
					failed.Add(1)
					continue
				}
				published.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	rate := float64(published.Load()) / elapsed.Seconds()
	fmt.Println("| clients | versions published | failed | elapsed | versions/s |")
	fmt.Println("|---:|---:|---:|---:|---:|")
	fmt.Printf("| %d | %d | %d | %s | %.0f |\n\n", workers, published.Load(), failed.Load(), elapsed.Round(time.Millisecond), rate)
	verdict := "meets"
	if rate < 300 {
		verdict = "MISSES"
	}
	fmt.Printf("bar ≥ 300 versions/s on SQLite: %s the bar\n\n", verdict)
	if failed.Load() > 0 {
		return fmt.Errorf("%d publications failed", failed.Load())
	}
	return nil
}
