package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

const usage = `usage: riposte [command]

commands:
  serve                         run the platform (the default)
  migrate up|down|status        apply, roll back one, or list database migrations
  user create --email E --role R [--name N] [--password-file F]
                                create an account (the password is generated and printed if no file is given)
  seed [--demo]                 load the example catalogue and editions; --demo adds accounts to try
                                every role (passwords printed once), judges and reviews
  reindex [--check]             rebuild the search index from the database (or compare them)
  plugin init NAME [--runtime http|builtin] [--dir DIR]
                                create a working plugin: manifest, code, tests, README (see docs/plugin-guide.md)
  plugin validate FILE          check a plugin manifest (YAML or JSON); exit 1 with one problem a line
  healthcheck                   exit 0 if the local server is ready (for container health checks)
  version                       print the version

Configuration comes from RIPOSTE_* environment variables; see README.md.
Flags --addr, --data-dir and --database-url override them for serve, migrate and seed.
`

// usageError is a mistake in the command line.
type usageError string

func (e usageError) Error() string { return string(e) + "\n\n" + usage }

// run is the whole program: it reads the command line and the environment
// and wires everything together.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd, rest := "serve", args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout)
	case "user":
		return runUser(ctx, rest, getenv, stdout)
	case "seed":
		return runSeed(ctx, rest, getenv, stdout, stderr)
	case "reindex":
		return runReindex(ctx, rest, getenv, stdout)
	case "plugin":
		return runPlugin(ctx, rest, getenv, stdout)
	case "healthcheck":
		return runHealthcheck(ctx, getenv)
	case "version":
		fmt.Fprintln(stdout, "riposte", buildVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError(fmt.Sprintf("unknown command %q", cmd))
}

// configFlags parses --addr, --data-dir and --database-url, which override
// the environment, and returns the configuration and remaining arguments.
func configFlags(name string, args []string, getenv func(string) string, extra func(*flag.FlagSet)) (config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	overrides := map[string]*string{
		"RIPOSTE_ADDR":         fs.String("addr", "", "address to listen on"),
		"RIPOSTE_DATA_DIR":     fs.String("data-dir", "", "data directory"),
		"RIPOSTE_DATABASE_URL": fs.String("database-url", "", "database URL"),
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return config{}, nil, usageError(err.Error())
	}
	cfg, err := loadConfig(func(k string) string {
		if v, ok := overrides[k]; ok && *v != "" {
			return *v
		}
		return getenv(k)
	})
	return cfg, fs.Args(), err
}

func openStore(ctx context.Context, cfg config) (*store.Store, error) {
	return store.Open(ctx, cfg.DatabaseURL)
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, rest, err := configFlags("migrate", args, getenv, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("migrate needs one of: up, down, status")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	switch rest[0] {
	case "up":
		n, err := st.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
	case "down":
		v, err := st.MigrateDown(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rolled back migration %d\n", v)
	case "status":
		list, err := st.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tSTATE\tFILE")
		for _, m := range list {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\n", m.Version, state, m.Name)
		}
		return tw.Flush()
	default:
		return usageError(fmt.Sprintf("unknown migrate action %q", rest[0]))
	}
	return nil
}

func runUser(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError("user needs: create --email E --role R")
	}
	var email, role, name, passwordFile string
	cfg, rest, err := configFlags("user create", args[1:], getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&role, "role", string(auth.RoleParticipant), "participant, judge, organizer or admin")
		fs.StringVar(&name, "name", "", "display name (default: the e-mail's local part)")
		fs.StringVar(&passwordFile, "password-file", "", "file holding the password")
	})
	if err != nil {
		return err
	}
	if email == "" || len(rest) > 0 {
		return usageError("user create needs --email (and optionally --role, --name, --password-file)")
	}
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	password, generated := "", false
	if passwordFile != "" {
		b, err := os.ReadFile(passwordFile)
		if err != nil {
			return err
		}
		password = strings.TrimRight(string(b), "\r\n")
	} else {
		password, generated = rand.Text(), true
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	svc := newAuthService(st, nil)
	u, err := svc.CreateUser(ctx, email, name, auth.Role(role), password)
	if err != nil {
		return configError(err)
	}
	fmt.Fprintf(stdout, "created %s account %d for %s\n", u.Role, u.ID, u.Email)
	if generated {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	return nil
}

// runHealthcheck asks the local server whether it is ready.
func runHealthcheck(ctx context.Context, getenv func(string) string) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(cfg.Addr)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/readyz", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: /readyz answered %s", res.Status)
	}
	return nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v
}
