package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/store"
)

// AuditEntryResponse is one line of the audit log.
type AuditEntryResponse struct {
	ID         int64          `json:"id" example:"12"`
	At         time.Time      `json:"at"`
	ActorID    *int64         `json:"actor_id" example:"1"`
	Action     string         `json:"action" example:"user.update"`
	TargetType string         `json:"target_type" example:"user"`
	TargetID   string         `json:"target_id" example:"7"`
	Details    map[string]any `json:"details"`
}

func auditEntryResponse(e store.AuditEntry) AuditEntryResponse {
	return AuditEntryResponse{ID: e.ID, At: utc(e.At), ActorID: e.ActorID, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, Details: e.Details}
}

// handleAuditList reads the audit log, newest first.
//
//	@Summary		Read the audit log
//	@Description	Every change made by an organizer or administrator, and every publication or withdrawal, newest first. No route can change it. Administrators only.
//	@Tags			audit
//	@Produce		json
//	@Security		BearerAuth
//	@Param			limit	query		int	false	"Page size (1–100)"	default(20)
//	@Param			offset	query		int	false	"Items to skip"		default(0)
//	@Success		200		{object}	List[AuditEntryResponse]
//	@Failure		400		{object}	Problem	"Invalid pagination"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an administrator"
//	@Router			/api/v1/audit [get]
func handleAuditList(st *store.Store) handlerFunc {
	return func(c *gin.Context) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		list, total, err := st.ListAudit(c.Request.Context(), p)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, mapList(list, total, p, auditEntryResponse))
		return nil
	}
}
