package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/mail"
)

// NotificationSettings says, for each kind of notification, whether the
// account receives it. Kinds: judge_assigned (new entries to review),
// collaborator_added (you were added to a plugin), version_published (a
// version of a plugin you own or collaborate on), results_published (an
// edition you entered published its results), deadline_reminder (24 hours
// before a deadline you still have work for), team_activity (someone joins
// or leaves your team, its captain changes, or an organisation leaves
// feedback on your team's entry). Security messages (password
// reset and change) are always sent and are not listed.
type NotificationSettings map[string]bool

// handleNotificationsGet shows which notifications the caller receives.
//
//	@Summary		My notification settings
//	@Description	Every kind of notification, with whether the account receives it by e-mail. Security messages are always sent and are not listed.
//	@Tags			account
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	NotificationSettings
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Token without the read scope, or account disabled"
//	@Router			/api/v1/me/notifications [get]
func handleNotificationsGet(n *mail.Notifier) handlerFunc {
	return func(c *gin.Context) error {
		prefs, err := n.Preferences(c.Request.Context(), caller(c).ID)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, NotificationSettings(prefs))
		return nil
	}
}

// handleNotificationsPut turns kinds of notification on or off.
//
//	@Summary		Change my notification settings
//	@Description	Turns each kind named on (true) or off (false); kinds not named keep their setting. Answers with every setting. An unknown kind changes nothing and is a 422 naming it. Not open to API tokens.
//	@Tags			account
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		NotificationSettings	true	"Kinds to turn on or off, such as {\"judge_assigned\": false}"
//	@Success		200		{object}	NotificationSettings
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"An API token, or account disabled"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Unknown kind of notification (the field names it)"
//	@Router			/api/v1/me/notifications [put]
func handleNotificationsPut(n *mail.Notifier) handlerFunc {
	return func(c *gin.Context) error {
		var req NotificationSettings
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		ctx, id := c.Request.Context(), caller(c).ID
		if err := n.SetPreferences(ctx, id, req); err != nil {
			return err
		}
		prefs, err := n.Preferences(ctx, id)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, NotificationSettings(prefs))
		return nil
	}
}
