package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:8080" || cfg.DataDir != "./data" || cfg.DatabaseURL != "sqlite:data/riposte.db" ||
		cfg.PublicURL != "http://localhost:8080" || cfg.Production || !cfg.Seed || cfg.PluginsAllowPrivate ||
		cfg.AdminEmail != "admin@riposte.localhost" || len(cfg.TrustedProxies) != 0 || len(cfg.CORSOrigins) != 0 {
		t.Fatalf("defaults = %+v", cfg)
	}
}

func TestConfigReportsEveryProblemAtOnce(t *testing.T) {
	_, err := loadConfig(envMap(map[string]string{
		"RIPOSTE_ENV":                   "production",
		"RIPOSTE_ADDR":                  "8080",
		"RIPOSTE_JWT_SECRET":            "short",
		"RIPOSTE_DATABASE_URL":          "mysql://x",
		"RIPOSTE_TRUSTED_PROXIES":       "10.0.0.0/8, not-an-ip",
		"RIPOSTE_CORS_ORIGINS":          "https://ok.example, https://bad.example/path",
		"RIPOSTE_SEED":                  "maybe",
		"RIPOSTE_PLUGINS_ALLOW_PRIVATE": "true",
		"RIPOSTE_ADMIN_EMAIL":           "root",
		"RIPOSTE_MEILI_URL":             "http://127.0.0.1:7700",
		"RIPOSTE_LOG_LEVEL":             "loud",
	}))
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for _, name := range []string{"RIPOSTE_ADDR", "RIPOSTE_JWT_SECRET", "RIPOSTE_DATABASE_URL", "not-an-ip", "bad.example/path",
		"RIPOSTE_SEED", "RIPOSTE_PLUGINS_ALLOW_PRIVATE", "RIPOSTE_ADMIN_EMAIL", "RIPOSTE_MEILI_KEY", "RIPOSTE_LOG_LEVEL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s:\n%v", name, err)
		}
	}
}

func TestProductionNeedsASecret(t *testing.T) {
	if _, err := loadConfig(envMap(map[string]string{"RIPOSTE_ENV": "production"})); err == nil || !strings.Contains(err.Error(), "RIPOSTE_JWT_SECRET") {
		t.Fatalf("production without a secret: %v", err)
	}
	file := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(file, []byte(strings.Repeat("k", 48)+"\n"), 0o600)
	cfg, err := loadConfig(envMap(map[string]string{"RIPOSTE_ENV": "production", "RIPOSTE_JWT_SECRET_FILE": file}))
	if err != nil || string(cfg.JWTSecret) != strings.Repeat("k", 48) {
		t.Fatalf("secret from file: %q, %v", cfg.JWTSecret, err)
	}
	if _, err := loadConfig(envMap(map[string]string{"RIPOSTE_JWT_SECRET_FILE": "/nonexistent/secret"})); err == nil {
		t.Fatal("unreadable secret file accepted")
	}
}

func TestConfigVarsAreAllRead(t *testing.T) {
	read := map[string]bool{}
	loadConfig(func(k string) string { read[k] = true; return "" })
	for _, v := range configVars {
		if !read[v.Name] {
			t.Errorf("%s is documented but never read", v.Name)
		}
	}
	for k := range read {
		if !isConfigVar(k) {
			t.Errorf("%s is read but not documented in configVars", k)
		}
	}
}

func isConfigVar(name string) bool {
	for _, v := range configVars {
		if v.Name == name {
			return true
		}
	}
	return false
}

func TestAbuseRates(t *testing.T) {
	cfg, err := loadConfig(envMap(nil))
	if err != nil || cfg.SearchRate != 600 || cfg.PluginCreateRate != 30 {
		t.Fatalf("defaults: search %d, create %d, %v; want 600 and 30", cfg.SearchRate, cfg.PluginCreateRate, err)
	}
	cfg, err = loadConfig(envMap(map[string]string{"RIPOSTE_SEARCH_RATE": "0", "RIPOSTE_PLUGIN_CREATE_RATE": "5"}))
	if err != nil || cfg.SearchRate != 0 || cfg.PluginCreateRate != 5 {
		t.Fatalf("0 and 5: search %d, create %d, %v", cfg.SearchRate, cfg.PluginCreateRate, err)
	}
	_, err = loadConfig(envMap(map[string]string{"RIPOSTE_SEARCH_RATE": "-1", "RIPOSTE_PLUGIN_CREATE_RATE": "lots"}))
	for _, name := range []string{"RIPOSTE_SEARCH_RATE", "RIPOSTE_PLUGIN_CREATE_RATE"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("bad %s accepted or not named: %v", name, err)
		}
	}
}

func TestOperatorAndContactForTheAboutPage(t *testing.T) {
	for _, contact := range []string{"", "contact@paris.example", "https://paris.example/contact"} {
		cfg, err := loadConfig(envMap(map[string]string{"RIPOSTE_OPERATOR": "Ville de Paris", "RIPOSTE_CONTACT": contact}))
		if err != nil || cfg.Operator != "Ville de Paris" || cfg.Contact != contact {
			t.Errorf("contact %q: %+v, %v", contact, cfg.Contact, err)
		}
	}
	for _, contact := range []string{"nobody", "javascript://alert(1)", "ftp://paris.example"} {
		if _, err := loadConfig(envMap(map[string]string{"RIPOSTE_CONTACT": contact})); err == nil || !strings.Contains(err.Error(), "RIPOSTE_CONTACT") {
			t.Errorf("contact %q accepted: %v", contact, err)
		}
	}
}

// The limits of WebAssembly plugins have defaults, refuse values that
// cannot work, and reach the platform, whose compiled code is kept in the
// data directory.
func TestWASMSettings(t *testing.T) {
	cfg, err := loadConfig(envMap(map[string]string{"RIPOSTE_DATA_DIR": "/srv/riposte"}))
	if err != nil || cfg.WASMConcurrency != 0 || cfg.WASMMemoryMB != 1024 || cfg.WASMMaxMB != 16 {
		t.Fatalf("defaults: %d executions, %d MiB budget, %d MiB modules, %v", cfg.WASMConcurrency, cfg.WASMMemoryMB, cfg.WASMMaxMB, err)
	}
	o := platformOptions(cfg, nil, nil, nil, nil)
	if o.WASM.CacheDir != "/srv/riposte/wasm-cache" || o.WASM.MemoryMB != 1024 || o.MaxModuleBytes != 16<<20 {
		t.Errorf("platform options: %+v, max module %d", o.WASM, o.MaxModuleBytes)
	}
	cfg, err = loadConfig(envMap(map[string]string{"RIPOSTE_WASM_CONCURRENCY": "3", "RIPOSTE_WASM_MEMORY_MB": "512", "RIPOSTE_WASM_MAX_MB": "32"}))
	if err != nil || cfg.WASMConcurrency != 3 || cfg.WASMMemoryMB != 512 || cfg.WASMMaxMB != 32 {
		t.Fatalf("set: %+v, %v", cfg, err)
	}
	_, err = loadConfig(envMap(map[string]string{"RIPOSTE_WASM_CONCURRENCY": "0", "RIPOSTE_WASM_MEMORY_MB": "128", "RIPOSTE_WASM_MAX_MB": "500"}))
	for _, name := range []string{"RIPOSTE_WASM_CONCURRENCY", "RIPOSTE_WASM_MEMORY_MB", "RIPOSTE_WASM_MAX_MB"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s: %v", name, err)
		}
	}
}

// The takedown clock is 90 minutes unless set; a value that is not a
// duration, or out of bounds, refuses to start, naming the variable.
func TestTakedownSLAAndReportRate(t *testing.T) {
	cfg, err := loadConfig(envMap(nil))
	if err != nil || cfg.TakedownSLA != 90*time.Minute || cfg.ReportRate != 10 {
		t.Fatalf("defaults: SLA %v, report rate %d, %v; want 90m and 10", cfg.TakedownSLA, cfg.ReportRate, err)
	}
	cfg, err = loadConfig(envMap(map[string]string{"RIPOSTE_TAKEDOWN_SLA": "1h", "RIPOSTE_REPORT_RATE": "0"}))
	if err != nil || cfg.TakedownSLA != time.Hour || cfg.ReportRate != 0 {
		t.Fatalf("1h and 0: SLA %v, report rate %d, %v", cfg.TakedownSLA, cfg.ReportRate, err)
	}
	for _, bad := range []string{"90", "soon", "10s", "200h", "-1h"} {
		_, err := loadConfig(envMap(map[string]string{"RIPOSTE_TAKEDOWN_SLA": bad}))
		if err == nil || !strings.Contains(err.Error(), "RIPOSTE_TAKEDOWN_SLA") {
			t.Errorf("RIPOSTE_TAKEDOWN_SLA=%q accepted or not named: %v", bad, err)
		}
	}
}
