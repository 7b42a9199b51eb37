// Riposte is a platform for civic-tech hackathons against online
// propaganda: a registry of counter-speech tools, a search for the NGOs who
// use them, and a judging desk for the hackathons that build them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "github.com/riposte-civic/riposte/plugins/all" // the compiled-in tools
)

// @title						Riposte API
// @version					1.0
// @description				Riposte runs civic-tech hackathons against online propaganda: participants publish tools described by a manifest, NGOs find and try them, judges score submissions against a weighted rubric. Errors are RFC 9457 problem documents (application/problem+json) naming the fields at fault. Any route may answer 503 with Retry-After while the database cannot be reached (a restart or a failover): the request was not carried out and may be sent again.
// @contact.name				Riposte maintainers
// @license.name				AGPL-3.0-or-later
// @BasePath					/
// @accept						json
// @produce					json
// @securityDefinitions.apikey	BearerAuth
// @in							header
// @name						Authorization
// @description				"Bearer " followed by an access token from /auth/login or a personal API token (rpt_…).
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, a second one ends the process at once.
	context.AfterFunc(ctx, stop)
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	os.Exit(exitCode(err, interrupted, os.Stderr))
}

// exitCode reports err and returns the process's exit status: 0 on
// success, 2 for a mistake on the command line, 1 otherwise.
func exitCode(err error, interrupted bool, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "riposte:", err)
		return 2
	case interrupted && errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "riposte: interrupted")
		return 1
	}
	fmt.Fprintln(stderr, "riposte:", err)
	return 1
}
