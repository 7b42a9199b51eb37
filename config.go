package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/mail"
	"github.com/riposte-civic/riposte/api/valid"
	"github.com/riposte-civic/riposte/plugins"
)

// configVars lists every environment variable Riposte reads, with its
// default and meaning. The README's configuration table mirrors it.
var configVars = []struct{ Name, Default, Help string }{
	{"RIPOSTE_ADDR", "127.0.0.1:8080", "address to listen on; the default answers this machine only, :8080 listens on every interface"},
	{"RIPOSTE_DATA_DIR", "./data", "where the SQLite database, the embedded search index and the development signing secret live"},
	{"RIPOSTE_DATABASE_URL", "", "postgres://… to use PostgreSQL; empty for SQLite in the data directory"},
	{"RIPOSTE_MEILI_URL", "", "Meilisearch URL; empty for the embedded search engine"},
	{"RIPOSTE_MEILI_KEY", "", "Meilisearch API key"},
	{"RIPOSTE_JWT_SECRET", "", "access-token signing secret, at least 32 bytes (required in production)"},
	{"RIPOSTE_JWT_SECRET_FILE", "", "file holding the signing secret, instead of RIPOSTE_JWT_SECRET"},
	{"RIPOSTE_ENV", "development", "development or production"},
	{"RIPOSTE_PUBLIC_URL", "http://localhost:PORT", "the URL users reach Riposte at; also the token issuer"},
	{"RIPOSTE_TRUSTED_PROXIES", "", "comma-separated CIDRs of proxies whose X-Forwarded-For is believed"},
	{"RIPOSTE_CORS_ORIGINS", "", "comma-separated origins allowed to call the API from a browser, or *"},
	{"RIPOSTE_ADMIN_EMAIL", "admin@riposte.localhost", "e-mail of the administrator created on an empty database"},
	{"RIPOSTE_ADMIN_PASSWORD", "", "that administrator's password; empty to generate one, printed once"},
	{"RIPOSTE_SEED", "true", "load the seed catalogue into an empty database"},
	{"RIPOSTE_PLUGINS_ALLOW_PRIVATE", "false", "let http plugins use loopback and private addresses and plain http (development and tests only)"},
	{"RIPOSTE_INVOKE_RATE", "120", "plugin invocations allowed per minute to each account, API token or address; 0 for no limit"},
	{"RIPOSTE_SEARCH_RATE", "600", "searches (API and catalogue page together) allowed per minute to each client address; 0 for no limit"},
	{"RIPOSTE_PLUGIN_CREATE_RATE", "30", "plugins each account may register, and WebAssembly modules it may upload, per hour (organizers are not limited); 0 for no limit"},
	{"RIPOSTE_REPORT_RATE", "10", "abuse reports (API and report form together) allowed per hour to each client address; 0 for no limit"},
	{"RIPOSTE_TAKEDOWN_SLA", "90m", "time moderators have to act on a report of terrorist or illegal content, a Go duration such as 90m or 1h (other reports: 24h)"},
	{"RIPOSTE_WASM_CONCURRENCY", "", "WebAssembly plugin executions running at once; empty for twice the number of CPUs"},
	{"RIPOSTE_WASM_MEMORY_MB", "1024", "memory budget of the WebAssembly plugins running at once, in MiB: the sum of their memory_mb (at least 256)"},
	{"RIPOSTE_WASM_MAX_MB", "16", "largest WebAssembly module accepted for upload, in MiB (1 to 128)"},
	{"RIPOSTE_SMTP_URL", "", "smtp://user:password@host:587 of the server that sends e-mail (STARTTLS required unless the host is loopback); empty to write messages to the log instead, and not verify addresses"},
	{"RIPOSTE_MAIL_FROM", "", "the From address of e-mail, such as Riposte <noreply@example.org>; empty for noreply@ the public URL's host"},
	{"RIPOSTE_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"RIPOSTE_OPERATOR", "", "who runs this instance (an organisation or a person), named on the about page; empty to speak of its organizers"},
	{"RIPOSTE_CONTACT", "", "how to reach them, on the about page: an e-mail address or an http(s) URL; empty for none"},
}

// config is the validated configuration.
type config struct {
	Addr                string
	DataDir             string
	DatabaseURL         string
	MeiliURL            string
	MeiliKey            string
	JWTSecret           []byte // empty in development until serve generates one
	Production          bool
	PublicURL           string
	TrustedProxies      []string
	CORSOrigins         []string
	AdminEmail          string
	AdminPassword       string
	Seed                bool
	PluginsAllowPrivate bool
	InvokeRate          int // per minute and client; 0 for no limit
	SearchRate          int // per minute and client address; 0 for no limit
	PluginCreateRate    int // per hour and account; 0 for no limit
	ReportRate          int // abuse reports per hour and client address; 0 for no limit
	TakedownSLA         time.Duration
	WASMConcurrency     int // 0 for twice the CPUs
	WASMMemoryMB        int
	WASMMaxMB           int
	LogLevel            slog.Level
	Operator            string // who runs this instance, for the about page
	Contact             string // an e-mail address or an http(s) URL
	SMTPURL             string // empty: messages go to the log
	MailFrom            string
}

// loadConfig reads the RIPOSTE_* variables through getenv and returns every
// problem with them in one error.
func loadConfig(getenv func(string) string) (config, error) {
	env := func(name string) string {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			for _, cv := range configVars {
				if cv.Name == name && !strings.Contains(cv.Default, "PORT") {
					return cv.Default
				}
			}
		}
		return v
	}
	var c valid.Checker
	cfg := config{
		Addr:          env("RIPOSTE_ADDR"),
		DataDir:       env("RIPOSTE_DATA_DIR"),
		DatabaseURL:   env("RIPOSTE_DATABASE_URL"),
		MeiliURL:      env("RIPOSTE_MEILI_URL"),
		MeiliKey:      getenv("RIPOSTE_MEILI_KEY"),
		AdminEmail:    auth.CanonicalEmail(env("RIPOSTE_ADMIN_EMAIL")),
		AdminPassword: getenv("RIPOSTE_ADMIN_PASSWORD"),
	}
	switch e := env("RIPOSTE_ENV"); e {
	case "development":
	case "production":
		cfg.Production = true
	default:
		c.Addf("RIPOSTE_ENV", "must be development or production, not %q", e)
	}
	port := checkAddr(&c, cfg.Addr)
	cfg.PublicURL = strings.TrimSuffix(env("RIPOSTE_PUBLIC_URL"), "/")
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost:" + port
	}
	checkHTTPURL(&c, "RIPOSTE_PUBLIC_URL", cfg.PublicURL)
	checkDatabaseURL(&c, &cfg)
	checkMeili(&c, cfg)
	cfg.JWTSecret = loadSecret(&c, getenv, cfg.Production)
	cfg.TrustedProxies = checkProxies(&c, env("RIPOSTE_TRUSTED_PROXIES"))
	cfg.CORSOrigins = checkOrigins(&c, env("RIPOSTE_CORS_ORIGINS"))
	c.Email(cfg.AdminEmail, "RIPOSTE_ADMIN_EMAIL")
	if cfg.AdminPassword != "" {
		c.Length(cfg.AdminPassword, 8, 256, "RIPOSTE_ADMIN_PASSWORD")
	}
	cfg.Seed = checkBool(&c, "RIPOSTE_SEED", env("RIPOSTE_SEED"))
	cfg.PluginsAllowPrivate = checkBool(&c, "RIPOSTE_PLUGINS_ALLOW_PRIVATE", env("RIPOSTE_PLUGINS_ALLOW_PRIVATE"))
	c.Check(!(cfg.Production && cfg.PluginsAllowPrivate), "RIPOSTE_PLUGINS_ALLOW_PRIVATE",
		"must not be true in production: it lets plugins reach internal addresses")
	cfg.InvokeRate = checkCount(&c, "RIPOSTE_INVOKE_RATE", env("RIPOSTE_INVOKE_RATE"))
	cfg.SearchRate = checkCount(&c, "RIPOSTE_SEARCH_RATE", env("RIPOSTE_SEARCH_RATE"))
	cfg.PluginCreateRate = checkCount(&c, "RIPOSTE_PLUGIN_CREATE_RATE", env("RIPOSTE_PLUGIN_CREATE_RATE"))
	cfg.ReportRate = checkCount(&c, "RIPOSTE_REPORT_RATE", env("RIPOSTE_REPORT_RATE"))
	cfg.TakedownSLA = checkSLA(&c, env("RIPOSTE_TAKEDOWN_SLA"))
	checkWASM(&c, &cfg, env)
	if err := cfg.LogLevel.UnmarshalText([]byte(env("RIPOSTE_LOG_LEVEL"))); err != nil {
		c.Add("RIPOSTE_LOG_LEVEL", "must be debug, info, warn or error")
	}
	cfg.Operator, cfg.Contact = env("RIPOSTE_OPERATOR"), env("RIPOSTE_CONTACT")
	c.Length(cfg.Operator, 0, 200, "RIPOSTE_OPERATOR")
	checkContact(&c, cfg.Contact)
	checkMail(&c, &cfg, env)
	if err := c.Err(); err != nil {
		return config{}, configError(err)
	}
	return cfg, nil
}

// configError formats validation problems one per line, for people.
func configError(err error) error {
	var problems valid.Errors
	if !errors.As(err, &problems) {
		return err
	}
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = "  " + p.Field + ": " + p.Message
	}
	return fmt.Errorf("invalid configuration:\n%s", strings.Join(lines, "\n"))
}

func checkAddr(c *valid.Checker, addr string) (port string) {
	_, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 {
		c.Addf("RIPOSTE_ADDR", "must be host:port or :port, such as :8080, not %q", addr)
		return "8080"
	}
	return port
}

func checkHTTPURL(c *valid.Checker, name, raw string) {
	u, err := url.Parse(raw)
	c.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", name,
		fmt.Sprintf("must be an http(s) URL such as https://riposte.example.org, not %q", raw))
}

// checkContact accepts an e-mail address or an http(s) URL, or nothing.
func checkContact(c *valid.Checker, raw string) {
	switch {
	case raw == "":
	case strings.Contains(raw, "://"):
		checkHTTPURL(c, "RIPOSTE_CONTACT", raw)
	default:
		c.Email(raw, "RIPOSTE_CONTACT")
	}
}

func checkDatabaseURL(c *valid.Checker, cfg *config) {
	switch u := cfg.DatabaseURL; {
	case u == "":
		cfg.DatabaseURL = "sqlite:" + filepath.Join(cfg.DataDir, "riposte.db")
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		if _, err := url.Parse(u); err != nil {
			c.Add("RIPOSTE_DATABASE_URL", "is not a valid URL")
		}
	case strings.HasPrefix(u, "sqlite:"), strings.HasPrefix(u, "file:"):
	default:
		c.Add("RIPOSTE_DATABASE_URL", "must start with postgres://, postgresql:// or sqlite:")
	}
}

func checkMeili(c *valid.Checker, cfg config) {
	if cfg.MeiliURL != "" {
		checkHTTPURL(c, "RIPOSTE_MEILI_URL", cfg.MeiliURL)
		c.Check(!cfg.Production || cfg.MeiliKey != "", "RIPOSTE_MEILI_KEY", "is required in production when RIPOSTE_MEILI_URL is set")
	}
	c.Check(cfg.MeiliKey == "" || cfg.MeiliURL != "", "RIPOSTE_MEILI_URL", "is required when RIPOSTE_MEILI_KEY is set")
}

// loadSecret reads the signing secret from RIPOSTE_JWT_SECRET or the file
// RIPOSTE_JWT_SECRET_FILE names. Production requires one.
func loadSecret(c *valid.Checker, getenv func(string) string, production bool) []byte {
	secret, file := getenv("RIPOSTE_JWT_SECRET"), strings.TrimSpace(getenv("RIPOSTE_JWT_SECRET_FILE"))
	field := "RIPOSTE_JWT_SECRET"
	switch {
	case secret != "" && file != "":
		c.Add("RIPOSTE_JWT_SECRET_FILE", "set RIPOSTE_JWT_SECRET or RIPOSTE_JWT_SECRET_FILE, not both")
		return nil
	case file != "":
		field = "RIPOSTE_JWT_SECRET_FILE"
		b, err := os.ReadFile(file)
		if err != nil {
			c.Addf(field, "cannot be read: %v", err)
			return nil
		}
		secret = strings.TrimRight(string(b), "\r\n")
	case secret == "" && !production:
		return nil // serve generates one and keeps it in the data directory
	}
	c.Check(len(secret) >= auth.MinSecretLen, field,
		fmt.Sprintf("must be at least %d bytes (got %d); generate one with: openssl rand -base64 48", auth.MinSecretLen, len(secret)))
	return []byte(secret)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func checkProxies(c *valid.Checker, s string) []string {
	list := splitList(s)
	for _, p := range list {
		_, perr := netip.ParsePrefix(p)
		_, aerr := netip.ParseAddr(p)
		c.Check(perr == nil || aerr == nil, "RIPOSTE_TRUSTED_PROXIES",
			fmt.Sprintf("%q is not an IP address or CIDR such as 10.0.0.0/8", p))
	}
	return list
}

func checkOrigins(c *valid.Checker, s string) []string {
	list := splitList(s)
	for _, o := range list {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		c.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Path == "" && u.RawQuery == "",
			"RIPOSTE_CORS_ORIGINS", fmt.Sprintf("%q is not an origin such as https://ngo.example.org", o))
	}
	return list
}

// checkWASM reads the limits of WebAssembly plugins.
func checkWASM(c *valid.Checker, cfg *config, env func(string) string) {
	if v := env("RIPOSTE_WASM_CONCURRENCY"); v != "" {
		cfg.WASMConcurrency = checkRange(c, "RIPOSTE_WASM_CONCURRENCY", v, 1, 1024)
	}
	cfg.WASMMemoryMB = checkRange(c, "RIPOSTE_WASM_MEMORY_MB", env("RIPOSTE_WASM_MEMORY_MB"), plugins.MaxMemoryMB, 1<<20)
	cfg.WASMMaxMB = checkRange(c, "RIPOSTE_WASM_MAX_MB", env("RIPOSTE_WASM_MAX_MB"), 1, 128)
}

// checkRange reads a whole number between lo and hi.
func checkRange(c *valid.Checker, name, v string, lo, hi int) int {
	n, err := strconv.Atoi(v)
	c.Check(err == nil && n >= lo && n <= hi, name, fmt.Sprintf("must be a whole number from %d to %d, not %q", lo, hi, v))
	return n
}

func checkCount(c *valid.Checker, name, v string) int {
	n, err := strconv.Atoi(v)
	c.Check(err == nil && n >= 0, name, fmt.Sprintf("must be a whole number, 0 or more, not %q", v))
	return n
}

// checkSLA reads the takedown clock: a Go duration from a minute to a
// week.
func checkSLA(c *valid.Checker, v string) time.Duration {
	d, err := time.ParseDuration(v)
	c.Check(err == nil && d >= time.Minute && d <= 7*24*time.Hour, "RIPOSTE_TAKEDOWN_SLA",
		fmt.Sprintf("must be a duration from 1m to 168h, such as 90m or 1h30m, not %q", v))
	return d
}

func checkBool(c *valid.Checker, name, v string) bool {
	b, err := strconv.ParseBool(v)
	c.Check(err == nil, name, fmt.Sprintf("must be true or false, not %q", v))
	return b
}

// checkMail reads the SMTP server's URL and the From address of e-mail,
// which defaults to noreply@ the public URL's host.
func checkMail(c *valid.Checker, cfg *config, env func(string) string) {
	cfg.SMTPURL, cfg.MailFrom = env("RIPOSTE_SMTP_URL"), env("RIPOSTE_MAIL_FROM")
	if cfg.SMTPURL != "" {
		if _, err := mail.ParseSMTPURL(cfg.SMTPURL, ""); err != nil {
			c.Add("RIPOSTE_SMTP_URL", err.Error())
		}
	}
	if cfg.MailFrom == "" {
		if u, err := url.Parse(cfg.PublicURL); err == nil && u.Hostname() != "" {
			cfg.MailFrom = "Riposte <noreply@" + u.Hostname() + ">"
		}
		return
	}
	if _, err := netmail.ParseAddress(cfg.MailFrom); err != nil {
		c.Add("RIPOSTE_MAIL_FROM", "must be an address such as Riposte <noreply@example.org>")
	}
}
