package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// connectTimeout bounds the wait for the database at start-up: a server
// that does not answer (a wrong host, a firewall dropping packets) is
// reported instead of waited for.
var connectTimeout = 30 * time.Second // a variable for the test of its message

// usageError is a mistake on the command line: what is wrong, and the usage
// of the command it was made in. main exits with status 2 on it.
type usageError struct{ msg, usage string }

func (e usageError) Error() string { return e.msg + "\n\n" + strings.TrimRight(e.usage, "\n") }

// usageErr returns a usageError about command c.
func usageErr(c *cobra.Command, format string, a ...any) error {
	return usageError{msg: fmt.Sprintf(format, a...), usage: c.UsageString()}
}

// run is the whole program: it reads the command line and the environment
// and wires everything together.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	root := newRootCommand(getenv)
	root.SetArgs(append([]string{}, args[min(1, len(args)):]...))
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

// newRootCommand returns the command tree. `riposte` alone serves.
func newRootCommand(getenv func(string) string) *cobra.Command {
	root := &cobra.Command{
		Use:                        "riposte",
		Short:                      "Riposte runs civic-tech hackathons against online propaganda.",
		Args:                       unknownCommand,
		SilenceErrors:              true, // main prints the error
		SilenceUsage:               true, // usageError carries the usage
		CompletionOptions:          cobra.CompletionOptions{DisableDefaultCmd: true},
		SuggestionsMinimumDistance: 1,
	}
	flags := addConfigFlags(root.Flags())
	root.RunE = func(c *cobra.Command, _ []string) error { return serveCommand(c, flags, getenv) }
	order := []*cobra.Command{
		newServeCommand(getenv), newMigrateCommand(getenv), newUserCommand(getenv), newSeedCommand(getenv),
		newReindexCommand(getenv), newPluginCommand(getenv), newHealthcheckCommand(getenv), newVersionCommand(),
		newHelpCommand(),
	}
	root.AddCommand(order[:len(order)-1]...)
	root.SetHelpCommand(order[len(order)-1])
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErr(c, "%v", err) })
	commandUsage := root.UsageFunc() // cobra's, for every command but the root
	root.SetUsageFunc(func(c *cobra.Command) error {
		if c.HasParent() {
			return commandUsage(c)
		}
		_, err := io.WriteString(c.OutOrStderr(), overview(order))
		return err
	})
	return root
}

// overview is the root's usage: every command, one a line.
func overview(order []*cobra.Command) string {
	var b strings.Builder
	b.WriteString("usage: riposte [command] [flags]\n\ncommands:\n")
	line := func(use, short string) {
		if len(use) > 28 {
			fmt.Fprintf(&b, "  %s\n  %-28s  %s\n", use, "", short)
			return
		}
		fmt.Fprintf(&b, "  %-28s  %s\n", use, short)
	}
	for _, c := range order {
		if !c.HasSubCommands() {
			line(c.Use, c.Short)
			continue
		}
		for _, sub := range c.Commands() {
			line(c.Name()+" "+sub.Use, sub.Short)
		}
	}
	b.WriteString(`
Configuration comes from RIPOSTE_* environment variables; see README.md.
--addr, --data-dir and --database-url override the first three for serve, migrate,
user create, seed and reindex. 'riposte help COMMAND' or 'riposte COMMAND --help'
shows a command's flags; flags may come anywhere after the command.
`)
	return b.String()
}

// unknownCommand refuses arguments the root does not know as commands.
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", s[0])
	}
	return usageErr(c, "%s", msg)
}

// noArgs refuses positional arguments with msg.
func noArgs(msg string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageErr(c, "%s, got %q", msg, args)
		}
		return nil
	}
}

// newGroupCommand returns a command that only holds subcommands: alone,
// or with one it does not know, it is a usage error.
func newGroupCommand(use, short, needs string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use: use, Short: short,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr(c, "unknown %s command %q: %s needs %s", c.Name(), args[0], c.Name(), needs)
			}
			return usageErr(c, "%s needs %s", c.Name(), needs)
		},
	}
	c.AddCommand(subs...)
	return c
}

// newHelpCommand returns `riposte help [command]`, which fails on a
// command that does not exist.
func newHelpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "show a command's help",
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usageErr(c.Root(), "no command %q", strings.Join(args, " "))
			}
			return target.Help()
		},
	}
}

// configFlags are --addr, --data-dir and --database-url, by the variable
// each one overrides.
type configFlags map[string]*string

// addConfigFlags defines the flags that override the environment.
func addConfigFlags(fs *pflag.FlagSet) configFlags {
	return configFlags{
		"RIPOSTE_ADDR":         fs.String("addr", "", "address to listen on (overrides RIPOSTE_ADDR)"),
		"RIPOSTE_DATA_DIR":     fs.String("data-dir", "", "data directory (overrides RIPOSTE_DATA_DIR)"),
		"RIPOSTE_DATABASE_URL": fs.String("database-url", "", "database URL (overrides RIPOSTE_DATABASE_URL)"),
	}
}

// load reads the configuration, the flags given overriding the environment.
func (f configFlags) load(getenv func(string) string) (config, error) {
	return loadConfig(func(k string) string {
		if v, ok := f[k]; ok && *v != "" {
			return *v
		}
		return getenv(k)
	})
}

// openStore connects to the configured database, giving up after
// connectTimeout.
func openStore(ctx context.Context, cfg config) (*store.Store, error) {
	connectCtx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	st, err := store.Open(connectCtx, cfg.DatabaseURL)
	switch {
	case err == nil:
		return st, nil
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return nil, fmt.Errorf("the database did not answer within %s: %w", connectTimeout, onceEachLine{err})
	}
	return nil, onceEachLine{err}
}

// onceEachLine is an error whose message keeps only the first of identical
// lines: the PostgreSQL driver reports each connection attempt, and it
// makes two to the same address when TLS is optional.
type onceEachLine struct{ err error }

func (e onceEachLine) Error() string {
	var lines []string
	for line := range strings.Lines(e.err.Error()) {
		line = strings.TrimRight(line, "\n")
		if !slices.Contains(lines, line) {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

func (e onceEachLine) Unwrap() error { return e.err }

func newMigrateCommand(getenv func(string) string) *cobra.Command {
	var flags configFlags
	action := func(use, short string, do func(context.Context, *store.Store, io.Writer) error, writes bool) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: noArgs("migrate " + use + " takes no arguments"),
			RunE: func(c *cobra.Command, _ []string) error {
				cfg, err := flags.load(getenv)
				if err != nil {
					return err
				}
				return runMigrate(c.Context(), cfg, writes, c.OutOrStdout(), do)
			},
		}
	}
	c := newGroupCommand("migrate", "manage database migrations", "one of: up, down, status",
		action("up", "apply the pending database migrations", migrateUp, true),
		action("down", "roll back the latest database migration", migrateDown, true),
		action("status", "list the database migrations and which are applied", migrateStatus, false))
	flags = addConfigFlags(c.PersistentFlags())
	return c
}

// runMigrate opens the database and runs a migrate action. One that writes
// to an SQLite database holds the data directory while it runs.
func runMigrate(ctx context.Context, cfg config, writes bool, stdout io.Writer, do func(context.Context, *store.Store, io.Writer) error) error {
	if writes && isSQLite(cfg.DatabaseURL) {
		lock, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	return do(ctx, st, stdout)
}

func migrateUp(ctx context.Context, st *store.Store, stdout io.Writer) error {
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
	return nil
}

func migrateDown(ctx context.Context, st *store.Store, stdout io.Writer) error {
	v, err := st.MigrateDown(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rolled back migration %d\n", v)
	return nil
}

func migrateStatus(ctx context.Context, st *store.Store, stdout io.Writer) error {
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
}

// newUserOptions are the flags of `riposte user create`.
type newUserOptions struct {
	email, role, name, passwordFile string
}

func newUserCommand(getenv func(string) string) *cobra.Command {
	var o newUserOptions
	const needs = "user create needs --email (and optionally --role, --name, --password-file)"
	create := &cobra.Command{
		Use:   "create --email E --role R [--name N] [--password-file F]",
		Short: "create an account (the password is generated and printed if no file is given)",
		Args:  noArgs(needs),
	}
	flags := addConfigFlags(create.Flags())
	create.Flags().StringVar(&o.email, "email", "", "e-mail address")
	create.Flags().StringVar(&o.role, "role", string(auth.RoleParticipant), "participant, judge, organizer, moderator or admin")
	create.Flags().StringVar(&o.name, "name", "", "display name (default: the e-mail's local part)")
	create.Flags().StringVar(&o.passwordFile, "password-file", "", "file holding the password")
	create.RunE = func(c *cobra.Command, _ []string) error {
		if o.email == "" {
			return usageErr(c, "%s", needs)
		}
		cfg, err := flags.load(getenv)
		if err != nil {
			return err
		}
		return runUserCreate(c.Context(), cfg, o, c.OutOrStdout())
	}
	return newGroupCommand("user", "manage accounts", "create --email E --role R", create)
}

func runUserCreate(ctx context.Context, cfg config, o newUserOptions, stdout io.Writer) error {
	if o.name == "" {
		o.name, _, _ = strings.Cut(o.email, "@")
	}
	password, generated := "", false
	if o.passwordFile != "" {
		b, err := os.ReadFile(o.passwordFile)
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
	u, err := svc.CreateUser(ctx, o.email, o.name, auth.Role(o.role), password)
	if err != nil {
		return configError(err)
	}
	fmt.Fprintf(stdout, "created %s account %d for %s\n", u.Role, u.ID, u.Email)
	if generated {
		fmt.Fprintf(stdout, "password (shown once): %s\n", password)
	}
	return nil
}

func newHealthcheckCommand(getenv func(string) string) *cobra.Command {
	return &cobra.Command{
		Use:   "healthcheck",
		Short: "exit 0 if the local server is ready (for container health checks)",
		Args:  noArgs("healthcheck takes no arguments"),
		RunE:  func(c *cobra.Command, _ []string) error { return runHealthcheck(c.Context(), getenv) },
	}
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

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version",
		Args:  noArgs("version takes no arguments"),
		Run:   func(c *cobra.Command, _ []string) { fmt.Fprintln(c.OutOrStdout(), "riposte", buildVersion()) },
	}
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
