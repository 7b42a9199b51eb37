package web

// routes is every page the front answers. Forms are POSTed to the page
// they belong to (or a path under it) and redirect when they succeed.
func (h *Handler) routes() {
	m, d := h.mux, h.deps
	reg, hk := d.Registry, d.Hackathons

	m.HandleFunc("GET /static/{name}", h.assets.serve)
	m.Handle("GET /lang/{code}", h.handle(h.handleLanguage))
	m.Handle("/", h.handle(h.notFound))
	m.Handle("GET /about", h.handle(handleAbout(h)))
	if d.DevMail != nil {
		m.Handle("GET /dev/mail", h.handle(handleDevMail(h, d.DevMail)))
	}

	// Catalogue and plugins.
	m.Handle("GET /{$}", h.handle(handleCatalogue(h, d.Search, hk, false)))
	m.Handle("GET /results", h.handle(handleCatalogue(h, d.Search, hk, true)))
	m.Handle("GET /plugins/{slug}", h.handle(handlePlugin(h, reg)))
	m.Handle("POST /plugins/{slug}/try", h.handle(handleTry(h, reg)))
	m.Handle("POST /plugins/{slug}/remove", h.handle(handleRemove(h, reg)))
	if mod := d.Moderation; mod != nil {
		m.Handle("GET /plugins/{slug}/report", h.handle(handleReportForm(h, reg)))
		m.Handle("POST /plugins/{slug}/report", h.handle(handleReport(h, reg, mod)))
		m.Handle("GET /plugins/{slug}/reported", h.handle(handleReported(h, reg)))
		m.Handle("GET /moderation", h.handle(handleModeration(h, mod)))
		m.Handle("POST /moderation/{id}/resolve", h.handle(handleResolve(mod)))
		m.Handle("POST /my/plugins/{slug}/appeal", h.handle(handleAppeal(mod)))
		m.Handle("GET /transparency", h.handle(handleTransparency(h, mod)))
	}

	// Organisations.
	m.Handle("GET /organizations", h.handle(handleOrganizations(h, reg)))
	m.Handle("GET /organizations/new", h.handle(handleApplyForm(h)))
	m.Handle("POST /organizations/new", h.handle(handleApply(h, reg)))
	m.Handle("GET /organizations/{slug}", h.handle(handleOrganization(h, reg)))
	m.Handle("POST /organizations/{slug}/review", h.handle(handleOrgReview(reg)))
	m.Handle("POST /organizations/{slug}/invitations", h.handle(handleInvite(h, reg)))
	m.Handle("POST /organizations/{slug}/members/{id}/remove", h.handle(handleOrgMemberRemove(reg)))
	m.Handle("POST /organizations/{slug}/plugins", h.handle(handleOrgTransfer(reg)))
	m.Handle("GET /invitations/{token}", h.handle(handleInvitationForm(h)))
	m.Handle("POST /invitations/{token}", h.handle(handleInvitationAccept(reg)))

	// Accounts.
	m.Handle("GET /signin", h.handle(h.handleSignInForm))
	m.Handle("POST /signin", h.handle(h.handleSignIn))
	m.Handle("GET /signup", h.handle(h.handleSignUpForm))
	m.Handle("POST /signup", h.handle(h.handleSignUp))
	m.Handle("POST /signout", h.handle(h.handleSignOut))
	m.Handle("GET /password-reset", h.handle(h.handleForgotForm))
	m.Handle("POST /password-reset", h.handle(h.handleForgot))
	m.Handle("GET /password-reset/confirm", h.handle(h.handleResetForm))
	m.Handle("POST /password-reset/confirm", h.handle(h.handleReset))
	m.Handle("GET /verify", h.handle(h.handleVerifyForm))
	m.Handle("POST /verify", h.handle(h.handleVerify))
	m.Handle("GET /account", h.handle(h.handleAccount))
	m.Handle("POST /account/password", h.handle(h.handlePasswordChange))
	m.Handle("POST /account/notifications", h.handle(h.handleNotifications))
	m.Handle("POST /account/language", h.handle(h.handleMailLanguage))
	m.Handle("GET /unsubscribe", h.handle(h.handleUnsubscribeForm))
	m.Handle("POST /unsubscribe", h.handle(h.handleUnsubscribe))
	m.Handle("POST /account/verify", h.handle(h.handleVerifyResend))
	m.Handle("POST /account/email", h.handle(h.handleEmailChange))

	// Editions.
	m.Handle("GET /hackathons", h.handle(handleEditions(h, hk)))
	m.Handle("GET /hackathons/{slug}", h.handle(handleEdition(h, hk)))
	m.Handle("GET /hackathons/{slug}/leaderboard.csv", h.handle(handleLeaderboardCSV(hk)))
	m.Handle("GET /hackathons/{slug}/teams", h.handle(handleTeamsPage(h, hk)))
	m.Handle("POST /hackathons/{slug}/teams", h.handle(handleTeamForm(h, hk)))
	m.Handle("POST /hackathons/{slug}/teams/{id}/invitations", h.handle(handleTeamInvitePage(h, hk)))
	m.Handle("POST /hackathons/{slug}/teams/{id}/invitations/{invitation}/revoke", h.handle(handleTeamInvitationRevokePage(hk)))
	m.Handle("POST /hackathons/{slug}/teams/{id}/edit", h.handle(handleTeamEditPage(hk)))
	m.Handle("POST /hackathons/{slug}/teams/{id}/members/{user}/remove", h.handle(handleTeamMemberRemovePage(hk)))
	m.Handle("GET /hackathons/{slug}/looking", h.handle(handleLookingPage(h, hk)))
	m.Handle("POST /hackathons/{slug}/profiles/me", h.handle(handleProfileSavePage(h, hk)))
	m.Handle("POST /hackathons/{slug}/profiles/me/delete", h.handle(handleProfileDeletePage(hk)))
	m.Handle("GET /teams/invitations/{token}", h.handle(handleTeamInvitationPage(h, hk)))
	m.Handle("POST /teams/invitations/{token}", h.handle(handleTeamInvitationAccept(hk)))
	m.Handle("GET /hackathons/{slug}/challenges/{id}", h.handle(handleChallenge(h, hk)))
	m.Handle("GET /hackathons/{slug}/challenges/propose", h.handle(handleProposeForm(h, hk)))
	m.Handle("POST /hackathons/{slug}/challenges/propose", h.handle(handlePropose(h, hk)))
	m.Handle("POST /hackathons/{slug}/challenges/{id}/entries/{plugin}/feedback", h.handle(handleChallengeFeedback(h, hk)))

	// Judging desk.
	m.Handle("GET /judge", h.handle(handleQueue(h, hk)))
	m.Handle("GET /judge/{hackathon}/{plugin}", h.handle(handleReviewForm(h, hk, reg)))
	m.Handle("POST /judge/{hackathon}/{plugin}", h.handle(handleReview(h, hk, reg)))
	m.Handle("POST /judge/{hackathon}/{plugin}/recuse", h.handle(handleRecuse(h, hk, reg)))
	m.Handle("GET /pairwise/{hackathon}", h.handle(handlePairwise(h, hk)))
	m.Handle("POST /pairwise/{hackathon}/vote", h.handle(handlePairwiseVote(hk)))
	m.Handle("POST /pairwise/{hackathon}/skip", h.handle(handlePairwiseSkip(hk)))

	// Organizers.
	m.Handle("GET /organize", h.handle(handleOrganize(h, hk)))
	m.Handle("GET /organize/new", h.handle(handleEditionForm(h, hk)))
	m.Handle("POST /organize/new", h.handle(handleEditionSave(h, hk)))
	m.Handle("GET /organize/{slug}/edit", h.handle(handleEditionForm(h, hk)))
	m.Handle("POST /organize/{slug}/edit", h.handle(handleEditionSave(h, hk)))
	m.Handle("GET /organize/{slug}", h.handle(handleAdmin(h, hk)))
	m.Handle("POST /organize/{slug}/judges", h.handle(handleAdminAction(h, hk, "judges", addJudge(hk, d.Users))))
	m.Handle("POST /organize/{slug}/judges/{id}/remove", h.handle(handleAdminAction(h, hk, "judges", removeJudge(hk))))
	m.Handle("POST /organize/{slug}/conflicts", h.handle(handleAdminAction(h, hk, "conflicts", declareConflict(hk))))
	m.Handle("POST /organize/{slug}/assign", h.handle(handleAdminAction(h, hk, "assign", runAssignment(hk))))
	m.Handle("GET /organize/{slug}/results", h.handle(handleResults(h, hk)))
	m.Handle("GET /organize/{slug}/pairwise", h.handle(handlePairwiseProgress(h, hk)))
	m.Handle("POST /organize/{slug}/decisions/{plugin}", h.handle(handleDecide(h, hk)))
	m.Handle("GET /organize/{slug}/publish", h.handle(handlePublishCheck(h, hk)))
	m.Handle("POST /organize/{slug}/publish", h.handle(handlePublish(h, hk)))
	m.Handle("GET /organize/{slug}/teams", h.handle(handleRosterPage(h, hk)))
	m.Handle("GET /organize/{slug}/challenges", h.handle(handleChallengesAdmin(h, hk)))
	m.Handle("POST /organize/{slug}/challenges", h.handle(handleChallengeAction(h, hk, "challenge", "challenge", createChallenge(hk))))
	m.Handle("POST /organize/{slug}/challenges/{id}", h.handle(handleChallengeAction(h, hk, "challenge", "challenge", updateChallenge(hk))))
	m.Handle("POST /organize/{slug}/challenges/{id}/delete", h.handle(handleChallengeAction(h, hk, "delete", "challenge", deleteChallenge(hk))))
	m.Handle("POST /organize/{slug}/challenges/{id}/review", h.handle(handleChallengeAction(h, hk, "review", "challenge", reviewChallenge(hk))))
	m.Handle("POST /organize/{slug}/challenges/{id}/judges", h.handle(handleChallengeAction(h, hk, "pool", "challenge", addPoolJudge(hk))))
	m.Handle("POST /organize/{slug}/challenges/{id}/judges/{user}/remove", h.handle(handleChallengeAction(h, hk, "pool", "challenge", removePoolJudge(hk))))

	// Crisis mode.
	m.Handle("GET /admin/crisis", h.handle(handleCrisisPage(h)))
	m.Handle("POST /admin/crisis", h.handle(handleCrisisSave(h)))

	// Participant space.
	m.Handle("GET /my/plugins", h.handle(handleMine(h, reg)))
	m.Handle("GET /my/new", h.handle(handleNewPluginForm(h)))
	m.Handle("POST /my/new", h.handle(handleNewPlugin(h, reg)))
	m.Handle("GET /my/new/manifest", h.handle(handleManifestForm(h, reg)))
	m.Handle("POST /my/new/manifest", h.handle(handleManifest(h, reg)))
	m.Handle("GET /my/plugins/{slug}", h.handle(handleMyPlugin(h, reg, hk)))
	m.Handle("GET /my/plugins/{slug}/versions/new", h.handle(handleManifestForm(h, reg)))
	m.Handle("POST /my/plugins/{slug}/versions/new", h.handle(handleManifest(h, reg)))
	m.Handle("POST /my/plugins/{slug}/publish", h.handle(handleMyAction(h, reg, hk, publishPlugin(reg))))
	m.Handle("POST /my/plugins/{slug}/submit", h.handle(handleMyAction(h, reg, hk, submitEntry(hk))))
	m.Handle("POST /my/plugins/{slug}/entries/{edition}/withdraw", h.handle(handleMyAction(h, reg, hk, withdrawEntry(hk))))
	m.Handle("GET /my/plugins/{slug}/entries/{edition}/challenges", h.handle(handleEntryChallengesForm(h, hk)))
	m.Handle("POST /my/plugins/{slug}/entries/{edition}/challenges", h.handle(handleEntryChallenges(h, hk)))
}
