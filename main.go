// Riposte is a platform for civic-tech hackathons against online
// propaganda: a registry of counter-speech tools, a search for the NGOs who
// use them, and a judging desk for the hackathons that build them.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	_ "github.com/riposte-civic/riposte/plugins/all" // the compiled-in tools
)

// @title						Riposte API
// @version					1.0
// @description				Riposte runs civic-tech hackathons against online propaganda: participants publish tools described by a manifest, NGOs find and try them, judges score submissions against a weighted rubric. Errors are RFC 9457 problem documents (application/problem+json) naming the fields at fault.
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
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "riposte:", err)
		if _, ok := err.(usageError); ok {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
