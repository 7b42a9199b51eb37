package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/crisis"
)

// CrisisText is a text in French, English or both; the pages show the
// page's language when both are given, else the one given.
type CrisisText struct {
	FR string `json:"fr,omitempty" example:"Attaque en cours dans Paris : restez à l'abri."`
	EN string `json:"en,omitempty" example:"Attack under way in Paris: stay indoors."`
}

// CrisisLink is an official link shown with the crisis.
type CrisisLink struct {
	Label string `json:"label" example:"Préfecture de police"`
	URL   string `json:"url" example:"https://www.prefecturedepolice.interieur.gouv.fr"`
}

// CrisisNumber is an emergency number of the crisis's region, as the
// portes-ouvertes plugin gives it.
type CrisisNumber struct {
	Number  string     `json:"number" example:"112"`
	Service CrisisText `json:"service"`
}

// CrisisRequest declares, renews or ends the crisis.
type CrisisRequest struct {
	Active    bool         `json:"active" example:"true"`
	Title     CrisisText   `json:"title"`                // at most 120 characters per language
	Message   CrisisText   `json:"message"`              // at most 1,000 characters per language
	Region    string       `json:"region" example:"FR"`  // a country code that portes-ouvertes knows
	Links     []CrisisLink `json:"links"`                // at most 5, https
	ExpiresAt *time.Time   `json:"expires_at,omitempty"` // required when active: in the future, at most 7 days from now
}

// CrisisResponse is the crisis in force, or {"active": false}.
type CrisisResponse struct {
	Active    bool           `json:"active" example:"true"`
	Title     *CrisisText    `json:"title,omitempty"`
	Message   *CrisisText    `json:"message,omitempty"`
	Region    string         `json:"region,omitempty" example:"FR"`
	Links     []CrisisLink   `json:"links,omitempty"`
	Numbers   []CrisisNumber `json:"numbers,omitempty"` // the region's emergency numbers
	ExpiresAt *time.Time     `json:"expires_at,omitempty"`
}

func texts(t CrisisText) map[string]string {
	m := map[string]string{}
	if t.FR != "" {
		m["fr"] = t.FR
	}
	if t.EN != "" {
		m["en"] = t.EN
	}
	return m
}

// crisisResponse describes c, in force when ok.
func crisisResponse(c crisis.Crisis, ok bool) CrisisResponse {
	if !ok {
		return CrisisResponse{}
	}
	out := CrisisResponse{Active: true, Region: c.Region, ExpiresAt: utcPtr(&c.ExpiresAt),
		Title:   &CrisisText{FR: c.Title["fr"], EN: c.Title["en"]},
		Message: &CrisisText{FR: c.Message["fr"], EN: c.Message["en"]}}
	for _, l := range c.Links {
		out.Links = append(out.Links, CrisisLink(l))
	}
	fr, en := crisis.Numbers(c.Region, "fr"), crisis.Numbers(c.Region, "en")
	for i, n := range fr {
		cn := CrisisNumber{Number: n.Number, Service: CrisisText{FR: n.Service}}
		if i < len(en) {
			cn.Service.EN = en[i].Service
		}
		out.Numbers = append(out.Numbers, cn)
	}
	return out
}

// handleCrisisGet answers the crisis in force.
//
//	@Summary		Read the crisis in force
//	@Description	The crisis an administrator declared, with its region's emergency numbers (from the portes-ouvertes plugin), or {"active": false} when there is none or it expired. Each process reads it again at most every 5 seconds.
//	@Tags			crisis
//	@Produce		json
//	@Success		200	{object}	CrisisResponse
//	@Failure		500	{object}	Problem	"The database did not answer"
//	@Router			/api/v1/crisis [get]
func handleCrisisGet(svc *crisis.Service) handlerFunc {
	return func(c *gin.Context) error {
		cur, ok, err := svc.Current(c.Request.Context())
		if err != nil {
			return err
		}
		return writeJSON(c, http.StatusOK, crisisResponse(cur, ok))
	}
}

// handleCrisisPut declares, renews or ends the crisis.
//
//	@Summary		Declare, renew or end a crisis
//	@Description	While a crisis is active, every page shows its banner (role="alert") with the message, the links and the region's emergency numbers; the catalogue lists emergency tools first and searches rank them higher; the search answer carries the crisis. It ends by itself at expires_at, at most 7 days from now; declare it again to renew it. active: false ends it at once. Every replica shows the change within 5 seconds. Recorded in the audit log (crisis.set, crisis.end). Administrators only.
//	@Tags			crisis
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CrisisRequest	true	"The crisis"
//	@Success		200		{object}	CrisisResponse
//	@Failure		400		{object}	Problem	"Malformed JSON"
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not an administrator"
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Invalid fields: expires_at missing, past or beyond 7 days; unknown region; title or message missing or too long; links not https or too many"
//	@Router			/api/v1/crisis [put]
func handleCrisisPut(svc *crisis.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req CrisisRequest
		if err := bindStrictJSON(c, &req); err != nil {
			return err
		}
		cr := crisis.Crisis{Active: req.Active, Title: texts(req.Title), Message: texts(req.Message), Region: req.Region}
		if req.ExpiresAt != nil {
			cr.ExpiresAt = req.ExpiresAt.UTC()
		}
		for _, l := range req.Links {
			cr.Links = append(cr.Links, crisis.Link(l))
		}
		u := caller(c)
		if err := svc.Set(c.Request.Context(), cr, &u.ID); err != nil {
			return err
		}
		cur, ok, err := svc.Current(c.Request.Context())
		if err != nil {
			return err
		}
		return writeJSON(c, http.StatusOK, crisisResponse(cur, ok))
	}
}
