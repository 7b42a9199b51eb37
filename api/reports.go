package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/moderation"
	"github.com/riposte-civic/riposte/api/store"
)

// ReportRequest reports a plugin. Contact is optional and seen by
// moderators only.
type ReportRequest struct {
	Reason  string `json:"reason" example:"terrorist_content" enums:"terrorist_content,illegal,impersonation,malware,privacy,misinformation,other"`
	Details string `json:"details" example:"The examples link to a Daech propaganda video."`
	Contact string `json:"contact,omitempty" example:"reporter@example.org"`
}

// ReportReceipt is what a reporter is told: the report's number, its
// status and when a moderator is due to have acted on it.
type ReportReceipt struct {
	ID     int64     `json:"id" example:"12"`
	Status string    `json:"status" example:"open" enums:"open,appealed,resolved"`
	DueAt  time.Time `json:"due_at"`
}

// PluginRef names a plugin.
type PluginRef struct {
	Slug string `json:"slug" example:"portes-ouvertes"`
	Name string `json:"name" example:"Portes Ouvertes"`
}

// ReportResponse is a report as moderators see it, with the reporter's
// contact and its clock.
type ReportResponse struct {
	ID            int64      `json:"id" example:"12"`
	Plugin        PluginRef  `json:"plugin"`
	Reason        string     `json:"reason" example:"terrorist_content"`
	Details       string     `json:"details" example:"The examples link to a Daech propaganda video."`
	Contact       string     `json:"contact" example:"reporter@example.org"`
	Status        string     `json:"status" example:"open" enums:"open,appealed,resolved"`
	CreatedAt     time.Time  `json:"created_at"`
	DueAt         time.Time  `json:"due_at"`
	AgeSeconds    int64      `json:"age_seconds" example:"1800"`
	Overdue       bool       `json:"overdue" example:"false"`
	Action        *string    `json:"action,omitempty" example:"takedown" enums:"takedown,dismiss"`
	Note          string     `json:"note,omitempty" example:"Propaganda video linked from the examples."`
	ResolvedAt    *time.Time `json:"resolved_at,omitempty"`
	ResolvedBy    *int64     `json:"resolved_by,omitempty" example:"3"`
	AppealMessage *string    `json:"appeal_message,omitempty" example:"The video is the subject of our counter-speech analysis."`
	AppealedAt    *time.Time `json:"appealed_at,omitempty"`
}

// ResolveRequest is a moderator's decision on a report.
type ResolveRequest struct {
	Action string `json:"action" example:"takedown" enums:"takedown,dismiss"`
	Note   string `json:"note" example:"Propaganda video linked from the examples."`
}

// AppealRequest is the owner's case against a takedown.
type AppealRequest struct {
	Message string `json:"message" example:"The video is the subject of our counter-speech analysis."`
}

func reportResponse(r store.Report, now time.Time) ReportResponse {
	return ReportResponse{ID: r.ID, Plugin: PluginRef{Slug: r.PluginSlug, Name: r.PluginName}, Reason: r.Reason,
		Details: r.Details, Contact: r.Contact, Status: r.Status, CreatedAt: utc(r.CreatedAt), DueAt: utc(r.DueAt),
		AgeSeconds: int64(now.Sub(r.CreatedAt) / time.Second), Overdue: r.Status != store.ReportResolved && now.After(r.DueAt),
		Action: r.Action, Note: r.Note, ResolvedAt: utcPtr(r.ResolvedAt), ResolvedBy: r.ResolvedBy,
		AppealMessage: r.AppealMessage, AppealedAt: utcPtr(r.AppealedAt)}
}

// handleReportCreate files an abuse report about a plugin.
//
//	@Summary		Report a plugin
//	@Description	Anyone, signed in or not, reports a plugin they can see. Terrorist and illegal content is due for a decision within RIPOSTE_TAKEDOWN_SLA (90 minutes by default), every other reason within 24 hours. No address of the reporter is stored; the contact, if given, is seen by moderators only. Rate limited per client address (RIPOSTE_REPORT_RATE).
//	@Tags			moderation
//	@Accept			json
//	@Produce		json
//	@Param			slug	path		string			true	"Plugin slug"
//	@Param			body	body		ReportRequest	true	"The report"
//	@Success		201		{object}	ReportReceipt
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		404		{object}	Problem	"No such plugin, or not visible to the caller"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Unknown reason, details empty or too long, contact too long"
//	@Failure		429		{object}	Problem	"Too many reports from this address; see Retry-After"
//	@Router			/api/v1/plugins/{slug}/reports [post]
func handleReportCreate(m *moderation.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req ReportRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		r, err := m.Report(c.Request.Context(), caller(c), c.Param("slug"),
			moderation.Input{Reason: req.Reason, Details: req.Details, Contact: req.Contact})
		if err != nil {
			return err
		}
		c.JSON(http.StatusCreated, ReportReceipt{ID: r.ID, Status: r.Status, DueAt: utc(r.DueAt)})
		return nil
	}
}

// handleReportList lists the moderation queue.
//
//	@Summary		Moderation queue
//	@Description	Reports awaiting a decision (open and appealed), soonest due first, with their age and due time; or the reports of one status. Moderators (and administrators) only.
//	@Tags			moderation
//	@Produce		json
//	@Security		BearerAuth
//	@Param			status	query		string	false	"Only this status; default: open and appealed"	Enums(open, appealed, resolved)
//	@Param			limit	query		int		false	"Page size (1–100)"								default(20)
//	@Param			offset	query		int		false	"Items to skip"									default(0)
//	@Success		200		{object}	List[ReportResponse]
//	@Failure		400		{object}	Problem	"Invalid pagination"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not a moderator"
//	@Failure		422		{object}	Problem	"Unknown status"
//	@Router			/api/v1/reports [get]
func handleReportList(m *moderation.Service) handlerFunc {
	return func(c *gin.Context) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		list, total, err := m.Queue(c.Request.Context(), caller(c), c.Query("status"), p)
		if err != nil {
			return err
		}
		now := m.Now()
		c.JSON(http.StatusOK, mapList(list, total, p, func(r store.Report) ReportResponse { return reportResponse(r, now) }))
		return nil
	}
}

// handleReportResolve decides a report.
//
//	@Summary		Resolve a report
//	@Description	Takes the plugin down or dismisses the report. A takedown removes the plugin (it leaves search) with the report's reason, in the same transaction as the resolution, and resolves the plugin's other open reports with it. An appeal must be resolved by another moderator than the first decision's: takedown keeps the plugin removed, dismiss restores it. Moderators only; audited.
//	@Tags			moderation
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"Report id"
//	@Param			body	body		ResolveRequest	true	"The decision"
//	@Success		200		{object}	ReportResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not a moderator, or the moderator whose decision is under appeal"
//	@Failure		404		{object}	Problem	"No such report"
//	@Failure		409		{object}	Problem	"The report is already resolved"
//	@Failure		422		{object}	Problem	"Unknown action, note too long"
//	@Router			/api/v1/reports/{id}/resolve [post]
func handleReportResolve(m *moderation.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req ResolveRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		r, err := m.Resolve(c.Request.Context(), caller(c), id, moderation.Decision{Action: req.Action, Note: req.Note})
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, reportResponse(r, m.Now()))
		return nil
	}
}

// handleReportAppeal appeals a takedown.
//
//	@Summary		Appeal a takedown
//	@Description	The owner of a plugin taken down on a report asks for a second decision, by another moderator; the report is reopened (status appealed) with a new due time. A takedown is appealed once.
//	@Tags			moderation
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"Report id (the one named in the plugin's removed_reason)"
//	@Param			body	body		AppealRequest	true	"The owner's case"
//	@Success		200		{object}	ReportReceipt
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		404		{object}	Problem	"No such report, or not about a plugin of the caller"
//	@Failure		409		{object}	Problem	"Already appealed, or the report took nothing down"
//	@Failure		422		{object}	Problem	"Message empty or too long"
//	@Router			/api/v1/reports/{id}/appeal [post]
func handleReportAppeal(m *moderation.Service) handlerFunc {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req AppealRequest
		if err := bindJSON(c, &req); err != nil {
			return err
		}
		r, err := m.Appeal(c.Request.Context(), caller(c), id, req.Message)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, ReportReceipt{ID: r.ID, Status: r.Status, DueAt: utc(r.DueAt)})
		return nil
	}
}
