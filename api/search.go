package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/crisis"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/search"
	"github.com/riposte-civic/riposte/api/store"
)

// SearchHit is one plugin found.
type SearchHit struct {
	Slug       string          `json:"slug" example:"portes-ouvertes"`
	Name       string          `json:"name" example:"Portes Ouvertes"`
	Summary    string          `json:"summary" example:"Shelters offered by residents near an incident"`
	Categories []string        `json:"categories" example:"emergency"`
	Languages  []string        `json:"languages" example:"fr,en"`
	Tags       []string        `json:"tags" example:"portesouvertes"`
	License    string          `json:"license" example:"MIT"`
	Runtime    string          `json:"runtime" example:"builtin"`
	Hackathons []string        `json:"hackathons" example:"paris-2016"`
	Badges     []string        `json:"badges" example:"accepted"`
	UpdatedAt  time.Time       `json:"updated_at"`
	Highlight  SearchHighlight `json:"highlight"`
	// Restricted marks a plugin for vetted readers: listed by name and
	// summary; its description is not searched.
	Restricted bool          `json:"restricted" example:"false"`
	Publisher  *PublisherRef `json:"publisher,omitempty"`
}

// SearchHighlight is the hit's name and summary as safe HTML, the text
// escaped and the matched words inside <em>.
type SearchHighlight struct {
	Name    string `json:"name" example:"<em>Portes</em> Ouvertes"`
	Summary string `json:"summary" example:"Shelters offered by residents near an incident"`
}

// SearchResponse is a page of search results with facet counts over all of
// them, each field's counted without that field's own filter.
type SearchResponse struct {
	Hits             []SearchHit               `json:"hits"`
	Facets           map[string]map[string]int `json:"facets"` // field → value → plugins matching the text and every filter but the field's own
	Total            int                       `json:"total" example:"42"`
	Limit            int                       `json:"limit" example:"20"`
	Offset           int                       `json:"offset" example:"0"`
	ProcessingTimeMS int64                     `json:"processing_time_ms" example:"3"`
	Engine           string                    `json:"engine" example:"meilisearch" enums:"meilisearch,embedded,database"`
	Crisis           *CrisisResponse           `json:"crisis,omitempty"` // the crisis in force, when there is one
}

// handleSearch finds published plugins.
//
//	@Summary		Search plugins
//	@Description	Typo-tolerant, faceted search of published plugins in French, English and Arabic. Words with 5–8 letters tolerate one typo, 9 or more two; the last word also matches as a prefix; documents with every word come first, then fewer. Filters may repeat (category=a&category=b): values of one field are OR-ed, fields are AND-ed. facets counts, for each facet field, the values of the plugins matching the text and every filter except that field's own: the count of a value is the total of the same search with that field's filter replaced by that value alone, so ticking a second value of a field adds at most its count to total (less the plugins having both); facets of fields without a filter count the hits. total and hits obey every filter. The text is never read as a query language. engine says who answered: database means the search engine is unreachable and the answer is plain matching on name, summary and tags. While a crisis is in force, crisis carries it and, in relevance order, emergency tools rank first among the plugins matching as many words with as few typos (with no text, they come first).
//	@Tags			search
//	@Produce		json
//	@Param			q			query		string		false	"What to look for (at most 512 bytes)"
//	@Param			category	query		[]string	false	"Category"						collectionFormat(multi)
//	@Param			language	query		[]string	false	"ISO 639-1 language"			collectionFormat(multi)
//	@Param			license		query		[]string	false	"SPDX license"					collectionFormat(multi)
//	@Param			runtime		query		[]string	false	"builtin, http, wasm or none"	collectionFormat(multi)
//	@Param			hackathon	query		[]string	false	"Hackathon slug"				collectionFormat(multi)
//	@Param			badge		query		[]string	false	"Badge, such as accepted"		collectionFormat(multi)
//	@Param			tag			query		[]string	false	"Tag"							collectionFormat(multi)
//	@Param			sort		query		string		false	"Order"							Enums(relevance, newest, name)	default(relevance)
//	@Param			limit		query		int			false	"Page size (1–100)"				default(20)
//	@Param			offset		query		int			false	"Hits to skip (at most 1000)"	default(0)
//	@Success		200			{object}	SearchResponse
//	@Failure		400			{object}	Problem	"Query too long, unknown sort, too many filter values, or invalid pagination"
//	@Failure		429			{object}	Problem	"Too many searches from this address (RIPOSTE_SEARCH_RATE a minute, shared with the catalogue page); see Retry-After"
//	@Router			/api/v1/search [get]
func handleSearch(svc *search.Service, cr *crisis.Service) handlerFunc {
	return func(c *gin.Context) error {
		q, err := searchQuery(c)
		if err != nil {
			return err
		}
		// A database that cannot answer leaves the search, which the engine
		// may still answer, without its crisis; GET /crisis reports it.
		cur, inForce, _ := cr.Current(c.Request.Context())
		if inForce {
			q.PreferCategory = crisis.EmergencyTool
		}
		res, engine, err := svc.Search(c.Request.Context(), q)
		if err != nil {
			return err
		}
		out := searchResponse(res, engine, q)
		if inForce {
			cc := crisisResponse(cur, true)
			out.Crisis = &cc
		}
		return writeJSON(c, http.StatusOK, out)
	}
}

// searchQuery reads the parameters of a search, and refuses them with
// every problem search.ParseQuery finds.
func searchQuery(c *gin.Context) (search.Query, error) {
	q, problems := search.ParseQuery(c.Request.URL.Query())
	if len(problems) > 0 {
		return q, refuse(httperr.ErrMalformed, "invalid search", fieldErrors(problems)...)
	}
	return q, nil
}

func searchResponse(res search.Result, engine string, q search.Query) SearchResponse {
	out := SearchResponse{Hits: make([]SearchHit, len(res.Hits)), Facets: map[string]map[string]int{},
		Total: res.Total, Limit: q.Limit, Offset: q.Offset, ProcessingTimeMS: res.Took.Milliseconds(), Engine: engine}
	for _, f := range search.FacetFields() {
		counts := res.Facets[f]
		if counts == nil {
			counts = map[string]int{}
		}
		out.Facets[string(f)] = counts
	}
	for i, h := range res.Hits {
		out.Hits[i] = SearchHit{Slug: h.Slug, Name: h.Name, Summary: h.Summary, Categories: h.Categories,
			Languages: h.Languages, Tags: h.Tags, License: h.License, Runtime: h.Runtime, Hackathons: h.Hackathons,
			Badges: h.Badges, UpdatedAt: utc(h.UpdatedAt), Highlight: SearchHighlight(h.Highlight), Restricted: h.Restricted}
		if p := h.Publisher; p != nil {
			out.Hits[i].Publisher = &PublisherRef{Slug: p.Slug, Name: p.Name, Verified: p.Verified}
		}
	}
	return out
}

// ReindexResponse acknowledges a reindex.
type ReindexResponse struct {
	Status string `json:"status" example:"started"`
}

// handleReindex rebuilds the search index from the database.
//
//	@Summary		Rebuild the search index
//	@Description	Builds a fresh index from the database in the background and swaps it in: searches keep being answered meanwhile. Administrators only.
//	@Tags			search
//	@Produce		json
//	@Security		BearerAuth
//	@Success		202	{object}	ReindexResponse
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Not an administrator"
//	@Failure		409	{object}	Problem	"A reindex is already running"
//	@Router			/api/v1/admin/reindex [post]
func handleReindex(svc *search.Service) handlerFunc {
	return func(c *gin.Context) error {
		if err := svc.StartReindex(); errors.Is(err, search.ErrReindexRunning) {
			return fmt.Errorf("%w: %w", store.ErrConflict, err)
		} else if err != nil {
			return err
		}
		c.JSON(http.StatusAccepted, ReindexResponse{Status: "started"})
		return nil
	}
}
