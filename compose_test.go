package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
)

// The containers cannot be started here, so these tests read Dockerfile,
// docker-compose.yml and .env.example the way Docker and Compose do and
// check what would go wrong at `docker compose up`.

// composeSecrets are the variables docker-compose.yml refuses to start
// without; .env.example leaves them empty for the operator to generate.
var composeSecrets = []string{"POSTGRES_PASSWORD", "MEILI_MASTER_KEY", "RIPOSTE_JWT_SECRET"}

// testSecrets returns a fresh value for each of names.
func testSecrets(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		b := make([]byte, 32)
		rand.Read(b)
		m[n] = hex.EncodeToString(b)
	}
	return m
}

// loadCompose loads docker-compose.yml as `docker compose` does after
// `cp .env.example .env` and filling in secrets (or changing other
// values); the test's own environment plays no part.
func loadCompose(tb testing.TB, secrets map[string]string) (*types.Project, error) {
	tb.Helper()
	example, err := os.ReadFile(".env.example")
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(string(example), "\n")
	for i, l := range lines {
		if name, _, ok := strings.Cut(l, "="); ok && secrets[name] != "" {
			lines[i] = name + "=" + secrets[name]
		}
	}
	envFile := filepath.Join(tb.TempDir(), ".env")
	if err := os.WriteFile(envFile, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		tb.Fatal(err)
	}
	opts, err := cli.NewProjectOptions([]string{"docker-compose.yml"},
		cli.WithWorkingDirectory("."), cli.WithEnvFiles(envFile), cli.WithDotEnv)
	if err != nil {
		tb.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

func mustLoadCompose(tb testing.TB) (*types.Project, map[string]string) {
	tb.Helper()
	secrets := testSecrets(composeSecrets...)
	p, err := loadCompose(tb, secrets)
	if err != nil {
		tb.Fatalf("docker-compose.yml does not load with every secret set: %v", err)
	}
	return p, secrets
}

func TestComposeServicesAreHealthCheckedAndStartInOrder(t *testing.T) {
	t.Parallel()
	p, _ := mustLoadCompose(t)
	if got, want := slices.Sorted(maps.Keys(p.Services)), []string{"api", "db", "search"}; !slices.Equal(got, want) {
		t.Fatalf("services = %v, want %v", got, want)
	}
	for name, s := range p.Services {
		if hc := s.HealthCheck; hc == nil || hc.Disable || len(hc.Test) < 2 || hc.Test[0] != "CMD" {
			t.Errorf("%s: no health check in exec form [\"CMD\", …]", name)
		}
		if s.Restart != types.RestartPolicyUnlessStopped && s.Restart != types.RestartPolicyAlways {
			t.Errorf("%s: restart = %q; a crashed or rebooted service would stay down", name, s.Restart)
		}
	}
	if got := p.Services["api"].HealthCheck.Test; !slices.Equal(got, types.HealthCheckTest{"CMD", "/riposte", "healthcheck"}) {
		t.Errorf("api health check = %q, want riposte's own healthcheck command", got)
	}
	for _, dep := range []string{"db", "search"} {
		if d, ok := p.Services["api"].DependsOn[dep]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("api does not wait for %s to be healthy: %+v", dep, d)
		}
	}
}

var versionTag = regexp.MustCompile(`:v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$`)

func TestComposeImagesArePinned(t *testing.T) {
	t.Parallel()
	p, _ := mustLoadCompose(t)
	for name, s := range p.Services {
		switch {
		case s.Build != nil:
			// Built here: named, so that it is not mistaken for a published release.
			if s.Image == "" || strings.HasSuffix(s.Image, ":latest") || !strings.Contains(s.Image, ":") {
				t.Errorf("%s: built image should carry an explicit name and tag, not %q", name, s.Image)
			}
		case !versionTag.MatchString(s.Image):
			t.Errorf("%s: image %q is not pinned to a version", name, s.Image)
		}
	}
	if got := p.Services["search"].Image; got != "getmeili/meilisearch:v1.21.0" {
		t.Errorf("search image = %q, want the Meilisearch release the tests run against (v1.21.0)", got)
	}
}

func TestComposeKeepsStateInNamedVolumes(t *testing.T) {
	t.Parallel()
	p, _ := mustLoadCompose(t)
	want := map[string]string{"api": "/data", "db": "/var/lib/postgresql/data", "search": "/meili_data"}
	for name, target := range want {
		s := p.Services[name]
		i := slices.IndexFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == target })
		if i < 0 {
			t.Errorf("%s: nothing mounted on %s; its data would go with the container", name, target)
			continue
		}
		v := s.Volumes[i]
		if _, declared := p.Volumes[v.Source]; v.Type != types.VolumeTypeVolume || !declared {
			t.Errorf("%s: %s is a %s from %q, want a named volume", name, target, v.Type, v.Source)
		}
	}
	if got := dockerfileEnv(t)["RIPOSTE_DATA_DIR"]; got != want["api"] {
		t.Errorf("the image keeps its data in %q, but the volume is mounted on %q", got, want["api"])
	}
}

func TestComposePublishesOnlyTheAPI(t *testing.T) {
	t.Parallel()
	p, _ := mustLoadCompose(t)
	for name, s := range p.Services {
		if name != "api" && len(s.Ports) > 0 {
			t.Errorf("%s publishes ports %+v; only the API should be reachable from outside", name, s.Ports)
		}
	}
	var public []types.ServicePortConfig
	for _, port := range p.Services["api"].Ports {
		if port.HostIP != "127.0.0.1" {
			public = append(public, port)
		}
	}
	if len(public) != 1 || public[0].Target != 8080 {
		t.Errorf("api ports reachable from outside = %+v, want the container's 8080 alone", public)
	}
}

// TestComposeConfiguresRiposte runs the configuration loader on what the
// api container would see: the image's ENV overlaid by the compose file's
// environment.
func TestComposeConfiguresRiposte(t *testing.T) {
	t.Parallel()
	p, secrets := mustLoadCompose(t)
	api := p.Services["api"]
	env := dockerfileEnv(t)
	for k, v := range api.Environment {
		if v == nil {
			t.Fatalf("api: %s is taken from the host's environment; set it through ${…} instead", k)
		}
		env[k] = *v
	}
	for k := range env {
		if strings.HasPrefix(k, "RIPOSTE_") && !knownVar(k) {
			t.Errorf("api sets %s, which the configuration does not read (see configVars)", k)
		}
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("the api container would not start: %v", err)
	}
	if !cfg.Production || string(cfg.JWTSecret) != secrets["RIPOSTE_JWT_SECRET"] {
		t.Errorf("production = %v, signing secret from .env = %v; want both", cfg.Production, string(cfg.JWTSecret) == secrets["RIPOSTE_JWT_SECRET"])
	}
	checkDatabaseWiring(t, p, cfg.DatabaseURL, secrets["POSTGRES_PASSWORD"])
	checkSearchWiring(t, p, cfg, secrets["MEILI_MASTER_KEY"])
	if cfg.Seed {
		t.Error("with .env.example as it is, the api would load the example catalogue into production")
	}
	if host, _, _ := net.SplitHostPort(cfg.Addr); host != "" && host != "0.0.0.0" {
		t.Errorf("the api listens on %s, which the published port cannot reach", cfg.Addr)
	}
}

// TestComposeOffersMailpitForDevelopment checks that a plain `docker
// compose up` sends no e-mail anywhere until .env names a mail server,
// and that Mailpit, started with --profile dev, shares the api's network
// so that smtp://127.0.0.1:1025 reaches it on loopback (the only place
// STARTTLS is not required).
func TestComposeOffersMailpitForDevelopment(t *testing.T) {
	t.Parallel()
	p, secrets := mustLoadCompose(t)
	if got := *p.Services["api"].Environment["RIPOSTE_SMTP_URL"]; got != "" {
		t.Errorf("api RIPOSTE_SMTP_URL = %q by default, want empty: production mail must go to a server the operator names", got)
	}
	mail, ok := p.DisabledServices["mail"]
	if !ok || !slices.Equal(mail.Profiles, []string{"dev"}) {
		t.Fatalf("mail service: profiles %v (disabled: %v), want it only with --profile dev", mail.Profiles, ok)
	}
	if !strings.HasPrefix(mail.Image, "axllent/mailpit:") || mail.NetworkMode != "service:api" {
		t.Errorf("mail service: image %q, network %q; want Mailpit on the api's network", mail.Image, mail.NetworkMode)
	}
	env := maps.Clone(secrets)
	env["RIPOSTE_SMTP_URL"] = "smtp://127.0.0.1:1025"
	dev, err := loadCompose(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if got := *dev.Services["api"].Environment["RIPOSTE_SMTP_URL"]; got != "smtp://127.0.0.1:1025" {
		t.Errorf("with RIPOSTE_SMTP_URL in .env, the api gets %q", got)
	}
}

// TestComposePassesRiposteSeed checks that RIPOSTE_SEED in .env reaches
// the api: an operator who wants the example catalogue can have it.
func TestComposePassesRiposteSeed(t *testing.T) {
	t.Parallel()
	secrets := testSecrets(composeSecrets...)
	for _, seed := range []string{"true", "false"} {
		env := maps.Clone(secrets)
		env["RIPOSTE_SEED"] = seed
		p, err := loadCompose(t, env)
		if err != nil {
			t.Fatal(err)
		}
		if got := deref(p.Services["api"].Environment["RIPOSTE_SEED"]); got != seed {
			t.Errorf("RIPOSTE_SEED=%s in .env gives the api %q", seed, got)
		}
	}
}

func checkDatabaseWiring(t *testing.T, p *types.Project, dsn, password string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("RIPOSTE_DATABASE_URL = %q, want a PostgreSQL URL", dsn)
	}
	db := p.Services[u.Hostname()]
	if _, ok := p.Services["api"].DependsOn[u.Hostname()]; !ok || db.Image == "" || !strings.HasPrefix(db.Image, "postgres:") {
		t.Fatalf("RIPOSTE_DATABASE_URL points at %q, which is not the PostgreSQL service the api depends on", u.Hostname())
	}
	pw, _ := u.User.Password()
	e := db.Environment
	if u.User.Username() != deref(e["POSTGRES_USER"]) || pw != password || pw != deref(e["POSTGRES_PASSWORD"]) ||
		strings.TrimPrefix(u.Path, "/") != deref(e["POSTGRES_DB"]) {
		t.Errorf("RIPOSTE_DATABASE_URL %q does not match the user, password and database PostgreSQL is created with", dsn)
	}
}

func checkSearchWiring(t *testing.T, p *types.Project, cfg config, key string) {
	t.Helper()
	u, err := url.Parse(cfg.MeiliURL)
	if err != nil {
		t.Fatalf("RIPOSTE_MEILI_URL = %q: %v", cfg.MeiliURL, err)
	}
	search := p.Services[u.Hostname()]
	if _, ok := p.Services["api"].DependsOn[u.Hostname()]; !ok || !strings.HasPrefix(search.Image, "getmeili/meilisearch:") {
		t.Fatalf("RIPOSTE_MEILI_URL points at %q, which is not the Meilisearch service the api depends on", u.Hostname())
	}
	if u.Port() != "7700" {
		t.Errorf("RIPOSTE_MEILI_URL = %q, but Meilisearch listens on 7700", cfg.MeiliURL)
	}
	e := search.Environment
	if cfg.MeiliKey != key || deref(e["MEILI_MASTER_KEY"]) != key || deref(e["MEILI_ENV"]) != "production" {
		t.Errorf("Meilisearch must run in production with the key the API is given (MEILI_ENV = %q)", deref(e["MEILI_ENV"]))
	}
}

func TestComposeRefusesToStartWithoutSecrets(t *testing.T) {
	t.Parallel()
	compose, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var required []string
	for _, m := range regexp.MustCompile(`\$\{(\w+):\?`).FindAllStringSubmatch(string(compose), -1) {
		required = append(required, m[1])
	}
	if got, want := slices.Compact(slices.Sorted(slices.Values(required))), slices.Sorted(slices.Values(composeSecrets)); !slices.Equal(got, want) {
		t.Errorf("variables required with ${…:?…} = %v, want %v", got, want)
	}
	example, err := dotenv.Read(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range composeSecrets {
		if v, ok := example[name]; !ok || v != "" {
			t.Errorf(".env.example: %s must be listed and left empty for the operator to generate, got %q", name, v)
		}
		secrets := testSecrets(composeSecrets...)
		delete(secrets, name)
		if _, err := loadCompose(t, secrets); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s: loading gave %v, want an error naming it", name, err)
		}
	}
	if _, err := loadCompose(t, nil); err == nil {
		t.Error("an unedited copy of .env.example loads; compose would start with no secrets")
	}
}

func TestComposeVariablesAreDocumentedInEnvExample(t *testing.T) {
	t.Parallel()
	compose, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	example, err := dotenv.Read(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{(\w+)`).FindAllStringSubmatch(string(compose), -1) {
		used[m[1]] = true
		if _, ok := example[m[1]]; !ok {
			t.Errorf("docker-compose.yml reads %s, which .env.example does not document", m[1])
		}
	}
	for name := range example {
		if !used[name] {
			t.Errorf(".env.example documents %s, which docker-compose.yml never reads", name)
		}
		if strings.HasPrefix(name, "RIPOSTE_") && !knownVar(name) {
			t.Errorf(".env.example documents %s, which the configuration does not read (see configVars)", name)
		}
	}
}

func knownVar(name string) bool {
	return slices.ContainsFunc(configVars, func(v struct{ Name, Default, Help string }) bool { return v.Name == name })
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// dockerInstruction is one Dockerfile instruction, continuation lines joined.
type dockerInstruction struct {
	Cmd  string // upper case: FROM, RUN, …
	Args string
}

// dockerStage is a FROM and the instructions that follow it.
type dockerStage struct {
	Image string
	Body  []dockerInstruction
}

// find returns the arguments of the stage's instructions named cmd.
func (s dockerStage) find(cmd string) []string {
	var out []string
	for _, in := range s.Body {
		if in.Cmd == cmd {
			out = append(out, in.Args)
		}
	}
	return out
}

// parseDockerfile splits the Dockerfile into stages, as the builder does.
func parseDockerfile(tb testing.TB) []dockerStage {
	tb.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		tb.Fatal(err)
	}
	var stages []dockerStage
	var cur strings.Builder
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if rest, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(rest + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		cur.Reset()
		in := dockerInstruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		if in.Cmd == "FROM" {
			i := slices.IndexFunc(strings.Fields(in.Args), func(f string) bool { return !strings.HasPrefix(f, "--") })
			stages = append(stages, dockerStage{Image: strings.Fields(in.Args)[i]})
			continue
		}
		if len(stages) == 0 {
			tb.Fatalf("Dockerfile: %s before the first FROM", in.Cmd)
		}
		stages[len(stages)-1].Body = append(stages[len(stages)-1].Body, in)
	}
	if len(stages) < 2 {
		tb.Fatalf("Dockerfile has %d stage(s); want a build stage and a runtime stage", len(stages))
	}
	return stages
}

// dockerfileEnv returns the environment the final image sets.
func dockerfileEnv(tb testing.TB) map[string]string {
	tb.Helper()
	stages := parseDockerfile(tb)
	env := map[string]string{}
	for _, args := range stages[len(stages)-1].find("ENV") {
		for _, kv := range strings.Fields(args) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				tb.Fatalf("Dockerfile: ENV %q: write ENV NAME=value", args)
			}
			env[k] = strings.Trim(v, `"`)
		}
	}
	return env
}

func TestDockerfileBuildsAStaticBinaryWithTheGoOfGoMod(t *testing.T) {
	t.Parallel()
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)[1]
	build := parseDockerfile(t)[0]
	if tag, ok := strings.CutPrefix(build.Image, "golang:"+string(goVersion)); !ok || (tag != "" && !strings.HasPrefix(tag, "-")) {
		t.Errorf("build stage FROM %s, want golang:%s (go.mod's go line)", build.Image, goVersion)
	}
	all := strings.Join(append(build.find("ENV"), build.find("RUN")...), "\n")
	if !strings.Contains(all, "CGO_ENABLED=0") {
		t.Error("the build stage does not set CGO_ENABLED=0; the binary would not run on a static base")
	}
	var order []string
	for _, in := range build.Body {
		switch {
		case in.Cmd == "COPY" && strings.HasPrefix(in.Args, "go.mod go.sum"):
			order = append(order, "copy go.mod")
		case in.Cmd == "RUN" && strings.Contains(in.Args, "go mod download"):
			order = append(order, "download")
		case in.Cmd == "COPY" && in.Args == ". .":
			order = append(order, "copy source")
		case in.Cmd == "RUN" && strings.Contains(in.Args, "go build"):
			order = append(order, "build")
			for _, flag := range []string{"-trimpath", "-s -w", "-X main.version="} {
				if !strings.Contains(in.Args, flag) {
					t.Errorf("go build lacks %s: %s", flag, in.Args)
				}
			}
		}
	}
	if want := []string{"copy go.mod", "download", "copy source", "build"}; !slices.Equal(order, want) {
		t.Errorf("build stage steps = %v, want %v (modules cached in a layer of their own)", order, want)
	}
}

func TestDockerfileRunsUnprivilegedAndHealthChecked(t *testing.T) {
	t.Parallel()
	stages := parseDockerfile(t)
	final := stages[len(stages)-1]
	if strings.HasPrefix(final.Image, "golang:") || strings.Contains(final.Image, ":latest") || !strings.Contains(final.Image, ":") {
		t.Errorf("runtime stage FROM %s, want a small base pinned to a tag", final.Image)
	}
	users := final.find("USER")
	if len(users) == 0 || slices.Contains([]string{"root", "0", "0:0", "root:root"}, users[len(users)-1]) {
		t.Errorf("runtime stage USER = %v, want a non-root user", users)
	}
	var health []string
	for _, args := range final.find("HEALTHCHECK") {
		_, cmd, _ := strings.Cut(args, "CMD ")
		if err := json.Unmarshal([]byte(cmd), &health); err != nil {
			t.Errorf("HEALTHCHECK %s: want the exec form CMD [\"…\"] (there is no shell): %v", args, err)
		}
	}
	var entry []string
	if e := final.find("ENTRYPOINT"); len(e) == 1 {
		_ = json.Unmarshal([]byte(e[0]), &entry)
	}
	if len(entry) != 1 || !slices.Equal(health, []string{entry[0], "healthcheck"}) {
		t.Errorf("HEALTHCHECK runs %q and ENTRYPOINT is %q; want the same binary's healthcheck command", health, entry)
	}
	env := dockerfileEnv(t)
	_, port, _ := net.SplitHostPort(env["RIPOSTE_ADDR"])
	if env["RIPOSTE_ENV"] != "production" || !slices.Contains(final.find("EXPOSE"), port) {
		t.Errorf("image ENV %v, EXPOSE %v: want production, listening on the exposed port", env, final.find("EXPOSE"))
	}
	if vols := strings.Join(final.find("VOLUME"), " "); !strings.Contains(vols, `"`+env["RIPOSTE_DATA_DIR"]+`"`) {
		t.Errorf("RIPOSTE_DATA_DIR %q is not declared a VOLUME (%s)", env["RIPOSTE_DATA_DIR"], vols)
	}
	for k := range env {
		if strings.HasPrefix(k, "RIPOSTE_") && !knownVar(k) {
			t.Errorf("the image sets %s, which the configuration does not read", k)
		}
	}
}

func TestDockerfileBuildContextLeavesOutDataAndSecrets(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(".dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for _, want := range []string{".git", ".env", "data"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}
}
