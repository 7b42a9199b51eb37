package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/store/storetest"
)

// TestFirstRunOfTheBuiltBinary starts the real binary on an empty data
// directory, as someone who just cloned the repository would, with no
// network: it must migrate, seed, create the administrator, say where
// everything is, and serve the seeded catalogue through the API and search.
func TestFirstRunOfTheBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	bin := filepath.Join(t.TempDir(), "riposte")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			env := offlineEnv(t)
			if d == store.Postgres {
				env = append(env, "RIPOSTE_DATABASE_URL="+storetest.URL(t, d))
			}
			base, stdout, stderr := startBinary(t, bin, env)
			checkFirstRun(t, base, stdout.String())
			if !strings.Contains(stderr.String(), "seed catalogue loaded") {
				t.Errorf("the log does not say the seed catalogue was loaded:\n%s", stderr.String())
			}
		})
	}
}

// offlineEnv is a minimal environment for the server: an empty data
// directory, a free port, and proxies that lead nowhere, so that any
// attempt to reach the network fails instead of succeeding quietly.
func offlineEnv(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir,
		"RIPOSTE_DATA_DIR=" + filepath.Join(dir, "data"), "RIPOSTE_ADDR=127.0.0.1:0",
		"HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9", "ALL_PROXY=http://127.0.0.1:9", "NO_PROXY=",
	}
}

// startBinary runs the server and returns its base URL once /readyz
// answers 200; the server is interrupted when the test ends.
func startBinary(t *testing.T, bin string, env []string) (string, *syncBuffer, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("the server stopped with %v", err)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Error("the server did not stop when interrupted")
		}
	})
	running := regexp.MustCompile(`running on (\S+)`)
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("the server exited: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
		default:
		}
		m := running.FindStringSubmatch(stdout.String())
		if m == nil {
			continue
		}
		if res, err := http.Get("http://" + m[1] + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return "http://" + m[1], stdout, stderr
			}
		}
	}
	t.Fatalf("the server was not ready in time\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	return "", nil, nil
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

type slugs struct {
	Items []struct{ Slug string } `json:"items"`
	Hits  []struct{ Slug string } `json:"hits"`
	Total int                     `json:"total"`
}

func (s slugs) has(slug string) bool {
	return slices.ContainsFunc(append(s.Items, s.Hits...), func(i struct{ Slug string }) bool { return i.Slug == slug })
}

func checkFirstRun(t *testing.T, base, banner string) {
	t.Helper()
	for _, want := range []string{
		"Sign in as admin@riposte.localhost with password ",
		"Catalogue:   " + base + "/ ", base + "/api/v1/search",
		"Swagger UI:  " + base + "/swagger/index.html",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner does not say %q:\n%s", want, banner)
		}
	}

	var hs slugs
	getJSON(t, base+"/api/v1/hackathons", &hs)
	if !hs.has("nec-mergitur-2016") || !hs.has("edition-exemple") {
		t.Errorf("seeded editions missing from %+v", hs)
	}
	var ps slugs
	getJSON(t, base+"/api/v1/plugins?limit=100", &ps)
	if ps.Total < 40 || !ps.has("vigie-rumeurs") || !ps.has("kashif") {
		t.Errorf("%d plugins listed, seeded ones missing: %+v", ps.Total, ps.Items)
	}
	// The seed's WebAssembly tools, embedded in the binary, run on it.
	if !ps.has("bonjour") || !ps.has("codes-veille") {
		t.Errorf("the seed's WebAssembly tools are missing from %+v", ps.Items)
	}
	res, err := http.Post(base+"/api/v1/plugins/codes-veille/invoke", "application/json",
		strings.NewReader(`{"input": {"text": "Un communiqué d'Amaq", "language": "en"}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var answer struct {
		Output struct{ Summary string } `json:"output"`
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil || res.StatusCode != http.StatusOK ||
		!strings.HasPrefix(answer.Output.Summary, "1 lexicon term found: Amaq") {
		t.Errorf("codes-veille answered %s, %+v (%v)", res.Status, answer, err)
	}

	// The search index is fed in the background: wait for it, misspelt
	// queries included (French, English, Arabic).
	for q, want := range map[string]string{"rumers": "vigie-rumeurs", "evidence lockr": "evidence-locker", "كاشف": "kashif"} {
		var found slugs
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			getJSON(t, base+"/api/v1/search?q="+url.QueryEscape(q), &found)
			if found.has(want) {
				break
			}
		}
		if !found.has(want) {
			t.Errorf("search %q: %s not among %+v", q, want, found.Hits)
		}
	}
}
