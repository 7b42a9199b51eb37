package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/web"
	_ "github.com/riposte-civic/riposte/docs" // registers the generated OpenAPI document
)

// routes is the whole HTTP surface of Riposte.
func (s *Server) routes(e *gin.Engine) {
	st, svc, reg := s.deps.Store, s.deps.Auth, s.deps.Registry

	e.Use(s.withRequestID, s.observe, s.recoverPanics, s.apiHeaders, s.cors, s.limitBody)
	e.NoRoute(s.h(func(c *gin.Context) error {
		if s.deps.Web != nil && !isAPIPath(c.Request.URL.Path) {
			c.Status(http.StatusOK) // Gin presets 404 here; the pages choose their status as net/http does
			s.deps.Web.ServeHTTP(c.Writer, c.Request.WithContext(web.WithClientIP(c.Request.Context(), c.ClientIP())))
			return nil
		}
		return refuse(httperr.ErrNoRoute, "no such route: "+c.Request.URL.Path)
	}))
	e.NoMethod(s.h(func(c *gin.Context) error {
		return refuse(httperr.ErrMethod, c.Request.Method+" is not allowed here; see the Allow header")
	}))

	// Operations.
	e.GET("/livez", s.h(handleLivez))
	e.GET("/readyz", s.authenticate, s.h(s.handleReadyz(st, s.deps.Search)))
	e.GET("/metrics", s.handleMetrics())
	e.GET("/swagger", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/swagger/index.html") })
	e.GET("/swagger/*any", servedDoc(ginSwagger.WrapHandler(swaggerFiles.Handler)))

	v1 := e.Group("/api/v1", s.authenticate)
	signedIn, readScope, writeScope := s.signedIn(""), s.signedIn(auth.ScopeRead), s.signedIn(auth.ScopePluginsWrite)
	organizer, admin := s.role(auth.RoleOrganizer), s.role(auth.RoleAdmin)

	// Accounts.
	v1.POST("/auth/register", s.h(handleRegister(svc)))
	v1.POST("/auth/login", s.h(handleLogin(svc)))
	v1.POST("/auth/refresh", s.h(handleRefresh(svc)))
	v1.POST("/auth/logout", s.h(handleLogout(svc)))
	v1.POST("/auth/verify", s.h(handleVerify(svc)))
	v1.POST("/auth/verify/resend", signedIn, s.h(handleVerifyResend(svc)))
	v1.POST("/auth/password-reset", s.h(handlePasswordReset(svc)))
	v1.POST("/auth/password-reset/confirm", s.h(handlePasswordResetConfirm(svc)))
	v1.GET("/me", readScope, s.h(handleMe))
	v1.POST("/me/tokens", signedIn, s.h(handleTokenCreate(svc)))
	v1.GET("/me/tokens", readScope, s.h(handleTokenList(st)))
	v1.DELETE("/me/tokens/:id", signedIn, s.h(handleTokenRevoke(svc)))
	v1.POST("/me/password", signedIn, s.h(handlePasswordChange(svc)))
	v1.PUT("/me/language", signedIn, s.h(handleLanguage(svc)))
	v1.GET("/me/notifications", readScope, s.h(handleNotificationsGet(s.deps.Notifier)))
	v1.PUT("/me/notifications", signedIn, s.h(handleNotificationsPut(s.deps.Notifier)))
	v1.POST("/me/email", signedIn, s.h(handleEmailChange(svc)))

	// Plugin registry.
	v1.GET("/schemas/plugin-manifest.json", s.h(handleSchema()))
	v1.POST("/manifests/validate", s.h(handleManifestValidate(reg)))
	v1.POST("/plugins", writeScope, s.h(handlePluginCreate(reg)))
	v1.GET("/plugins", s.h(handlePluginList(reg)))
	v1.GET("/plugins/:slug", s.h(handlePluginGet(reg, s.docs)))
	v1.DELETE("/plugins/:slug", signedIn, s.h(handlePluginDelete(reg)))
	v1.POST("/plugins/:slug/publish", writeScope, s.h(handlePluginPublish(reg)))
	v1.POST("/plugins/:slug/versions", writeScope, s.h(handleVersionCreate(reg)))
	v1.GET("/plugins/:slug/versions", s.h(handleVersionList(reg, s.docs)))
	v1.GET("/plugins/:slug/versions/:version", s.h(handleVersionGet(reg, s.docs)))
	v1.POST("/plugins/:slug/versions/:version/yank", writeScope, s.h(handleVersionYank(reg)))
	v1.GET("/plugins/:slug/collaborators", readScope, s.h(handleCollaboratorList(reg)))
	v1.POST("/plugins/:slug/collaborators", signedIn, s.h(handleCollaboratorAdd(reg)))
	v1.DELETE("/plugins/:slug/collaborators/:user_id", signedIn, s.h(handleCollaboratorRemove(reg)))
	v1.POST("/plugins/:slug/secret", signedIn, s.h(handleSecretRotate(reg)))
	v1.POST("/plugins/:slug/invoke", s.tokenScope(auth.ScopePluginsInvoke), s.h(handleInvoke(reg)))
	v1.GET("/plugins/:slug/openapi.json", s.h(handlePluginOpenAPI(reg, s.docs)))
	v1.PUT("/plugins/:slug/organization", signedIn, s.h(handlePluginTransfer(reg)))
	v1.POST("/modules", writeScope, s.h(handleModuleUpload(reg))) // bodies up to MaxModule (modulesRoute)

	// Organisations.
	v1.POST("/organizations", signedIn, s.h(handleOrganizationApply(reg)))
	v1.GET("/organizations", s.h(handleOrganizationList(reg)))
	v1.GET("/organizations/:slug", s.h(handleOrganizationGet(reg)))
	v1.POST("/organizations/:slug/review", signedIn, admin, s.h(handleOrganizationReview(reg)))
	v1.POST("/organizations/:slug/invitations", signedIn, s.h(handleInvitationCreate(reg)))
	v1.DELETE("/organizations/:slug/members/:user_id", signedIn, s.h(handleMemberRemove(reg)))
	v1.POST("/organizations/invitations/:token/accept", signedIn, s.h(handleInvitationAccept(reg)))

	// Hackathons and judging.
	hk := s.deps.Hackathons
	v1.POST("/hackathons", signedIn, organizer, s.h(handleHackathonCreate(hk)))
	v1.GET("/hackathons", s.h(handleHackathonList(hk)))
	v1.GET("/hackathons/:slug", s.h(handleHackathonGet(hk)))
	v1.PATCH("/hackathons/:slug", signedIn, organizer, s.h(handleHackathonPatch(hk)))
	v1.POST("/hackathons/:slug/judges", signedIn, organizer, s.h(handleJudgeAdd(hk)))
	v1.GET("/hackathons/:slug/judges", readScope, organizer, s.h(handleJudgeList(hk)))
	v1.DELETE("/hackathons/:slug/judges/:user_id", signedIn, organizer, s.h(handleJudgeRemove(hk)))
	v1.POST("/hackathons/:slug/submissions", signedIn, s.h(handleSubmit(hk)))
	v1.GET("/hackathons/:slug/submissions", readScope, s.h(handleSubmissionList(hk)))
	v1.GET("/hackathons/:slug/submissions/:plugin", readScope, s.h(handleSubmissionGet(hk)))
	v1.DELETE("/hackathons/:slug/submissions/:plugin", signedIn, s.h(handleWithdraw(hk)))
	v1.PUT("/hackathons/:slug/submissions/:plugin/review", signedIn, s.h(handleReview(hk)))
	v1.POST("/hackathons/:slug/submissions/:plugin/decision", signedIn, organizer, s.h(handleDecision(hk)))
	v1.POST("/hackathons/:slug/conflicts", signedIn, s.h(handleConflict(hk)))
	v1.POST("/hackathons/:slug/assignments", signedIn, organizer, s.h(handleAssign(hk)))
	v1.GET("/hackathons/:slug/assignments", readScope, organizer, s.h(handleAssignmentList(hk)))
	v1.GET("/hackathons/:slug/leaderboard", s.h(handleLeaderboard(hk)))
	v1.GET("/hackathons/:slug/leaderboard.csv", s.h(handleLeaderboardCSV(hk)))
	v1.POST("/hackathons/:slug/publish-results", signedIn, organizer, s.h(handlePublishResults(hk)))
	v1.GET("/judging/queue", readScope, s.h(handleQueue(hk)))
	v1.GET("/hackathons/:slug/pairwise/next", signedIn, s.h(handlePairwiseNext(hk)))
	v1.POST("/hackathons/:slug/pairwise/vote", signedIn, s.h(handlePairwiseVote(hk)))
	v1.POST("/hackathons/:slug/pairwise/skip", signedIn, s.h(handlePairwiseSkip(hk)))
	v1.GET("/hackathons/:slug/pairwise/progress", readScope, organizer, s.h(handlePairwiseProgress(hk)))
	v1.POST("/hackathons/:slug/teams", signedIn, s.h(handleTeamCreate(hk)))
	v1.GET("/hackathons/:slug/teams", s.h(handleTeamList(hk)))
	v1.GET("/hackathons/:slug/roster", readScope, organizer, s.h(handleRoster(hk)))
	v1.GET("/hackathons/:slug/teams/:id", s.h(handleTeamGet(hk)))
	v1.PATCH("/hackathons/:slug/teams/:id", signedIn, s.h(handleTeamPatch(hk)))
	v1.POST("/hackathons/:slug/teams/:id/invitations", signedIn, s.h(handleTeamInvite(hk)))
	v1.GET("/hackathons/:slug/teams/:id/invitations", readScope, s.h(handleTeamInvitationList(hk)))
	v1.DELETE("/hackathons/:slug/teams/:id/invitations/:invitation_id", signedIn, s.h(handleTeamInvitationRevoke(hk)))
	v1.DELETE("/hackathons/:slug/teams/:id/members/:user_id", signedIn, s.h(handleTeamMemberRemove(hk)))
	v1.POST("/teams/invitations/:token/accept", signedIn, s.h(handleTeamAccept(hk)))
	team := s.h(teamEdition(hk)) // a team's own address, /teams/{id}, answers as its edition's does
	v1.GET("/teams/:id", team, s.h(handleTeamGet(hk)))
	v1.PATCH("/teams/:id", signedIn, team, s.h(handleTeamPatch(hk)))
	v1.POST("/teams/:id/invitations", signedIn, team, s.h(handleTeamInvite(hk)))
	v1.GET("/teams/:id/invitations", readScope, team, s.h(handleTeamInvitationList(hk)))
	v1.DELETE("/teams/:id/invitations/:invitation_id", signedIn, team, s.h(handleTeamInvitationRevoke(hk)))
	v1.DELETE("/teams/:id/members/:user_id", signedIn, team, s.h(handleTeamMemberRemove(hk)))
	v1.PUT("/hackathons/:slug/profiles/me", signedIn, s.h(handleProfilePut(hk)))
	v1.GET("/hackathons/:slug/profiles/me", readScope, s.h(handleProfileGet(hk)))
	v1.DELETE("/hackathons/:slug/profiles/me", signedIn, s.h(handleProfileDelete(hk)))
	v1.GET("/hackathons/:slug/looking", s.h(handleLooking(hk)))
	v1.POST("/hackathons/:slug/challenges", signedIn, s.h(handleChallengeCreate(hk)))
	v1.GET("/hackathons/:slug/challenges", s.h(handleChallengeList(hk)))
	v1.PATCH("/hackathons/:slug/challenges/:id", signedIn, organizer, s.h(handleChallengePatch(hk)))
	v1.DELETE("/hackathons/:slug/challenges/:id", signedIn, organizer, s.h(handleChallengeDelete(hk)))
	v1.POST("/hackathons/:slug/challenges/:id/review", signedIn, organizer, s.h(handleChallengeReview(hk)))
	v1.POST("/hackathons/:slug/challenges/:id/judges", signedIn, organizer, s.h(handlePoolAdd(hk)))
	v1.DELETE("/hackathons/:slug/challenges/:id/judges/:user_id", signedIn, organizer, s.h(handlePoolRemove(hk)))
	v1.GET("/hackathons/:slug/challenges/:id/entries", readScope, s.h(handleChallengeEntries(hk)))
	v1.POST("/hackathons/:slug/challenges/:id/entries/:plugin/feedback", signedIn, s.h(handleChallengeFeedback(hk)))
	v1.PUT("/hackathons/:slug/submissions/:plugin/challenges", signedIn, s.h(handleEntryChallenges(hk)))
	v1.GET("/hackathons/:slug/submissions/:plugin/feedback", readScope, s.h(handleEntryFeedback(hk)))

	// Search.
	v1.GET("/search", s.perAddress(s.deps.SearchLimit), s.h(handleSearch(s.deps.Search, s.deps.Crisis)))
	v1.POST("/admin/reindex", signedIn, admin, s.h(handleReindex(s.deps.Search)))

	// Moderation.
	mod, moderator := s.deps.Moderation, s.role(auth.RoleModerator)
	v1.POST("/plugins/:slug/reports", s.perAddress(s.deps.ReportLimit), s.h(handleReportCreate(mod)))
	v1.GET("/reports", readScope, moderator, s.h(handleReportList(mod)))
	v1.POST("/reports/:id/resolve", signedIn, moderator, s.h(handleReportResolve(mod)))
	v1.POST("/reports/:id/appeal", signedIn, s.h(handleReportAppeal(mod)))
	v1.GET("/transparency", s.h(handleTransparency(mod)))
	// Crisis mode.
	v1.GET("/crisis", s.h(handleCrisisGet(s.deps.Crisis)))
	v1.PUT("/crisis", signedIn, admin, s.h(handleCrisisPut(s.deps.Crisis)))

	// Administration.
	v1.GET("/users", readScope, organizer, s.h(handleUserList(st)))
	v1.PATCH("/users/:id", signedIn, admin, s.h(handleUserPatch(svc)))
	v1.GET("/audit", readScope, admin, s.h(handleAuditList(st)))
}

// isAPIPath reports whether a path belongs to the JSON API, which answers
// unknown routes with problems rather than pages.
func isAPIPath(p string) bool { return p == "/api" || strings.HasPrefix(p, "/api/") }
