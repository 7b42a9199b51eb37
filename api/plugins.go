package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// ManifestJSON is a stored manifest, passed through as the JSON it is.
type ManifestJSON []byte

// MarshalJSON writes the manifest as is, or null.
func (m ManifestJSON) MarshalJSON() ([]byte, error) {
	if len(m) == 0 {
		return []byte("null"), nil
	}
	return m, nil
}

// UnmarshalJSON keeps the manifest as the JSON it is; null leaves it empty.
func (m *ManifestJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = nil
		return nil
	}
	*m = append((*m)[:0], b...)
	return nil
}

// OwnerRef names a plugin's owner.
type OwnerRef struct {
	ID   int64  `json:"id" example:"7"`
	Name string `json:"name" example:"Ada Lovelace"`
}

// PluginResponse is a plugin with its latest non-yanked manifest.
type PluginResponse struct {
	Slug          string       `json:"slug" example:"portes-ouvertes"`
	Status        string       `json:"status" example:"published" enums:"draft,published,removed"`
	Owner         OwnerRef     `json:"owner"`
	Runtime       string       `json:"runtime" example:"http" enums:"builtin,http,wasm,none"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	LatestVersion *string      `json:"latest_version" example:"1.2.0"`
	Manifest      ManifestJSON `json:"manifest"`
	Badges        []string     `json:"badges" example:"accepted"`
	Hackathons    []string     `json:"hackathons" example:"paris-2016"`
	// Awards names the prizes behind the "awarded" badge, one per edition
	// that gave one; on a single plugin's representation only.
	Awards        []AwardResponse `json:"awards,omitempty"`
	RemovedReason *string         `json:"removed_reason,omitempty"`
	// RemovalReason is RemovedReason under the name the moderation guide
	// gives it: after a takedown on a report, "report N: reason — note",
	// N being the report to appeal.
	RemovalReason *string `json:"removal_reason,omitempty" example:"report 12: terrorist_content — links to a propaganda video"`
	// Restricted marks a plugin whose manifest asks for vetted access. In
	// a list, one the caller may not read comes without its manifest.
	Restricted bool `json:"restricted" example:"false"`
	// Publisher is the organisation the plugin belongs to, if any.
	Publisher *PublisherRef `json:"publisher,omitempty"`
	// RuntimeStatus is shown to the plugin's owner, its collaborators and
	// organizers only, once the plugin has been invoked.
	RuntimeStatus *RuntimeStatus `json:"runtime_status,omitempty"`
}

// RuntimeStatus is what a plugin's runtime last did: ok, or why its last
// invocation failed. Each server writes a change at once or within a
// second, and an unchanged state once a minute.
type RuntimeStatus struct {
	State  string    `json:"state" example:"refused" enums:"ok,refused,timeout,misbehaved,unavailable"`
	Reason string    `json:"reason,omitempty" example:"plugin endpoint refused: tool.example.org resolves to a private address"`
	At     time.Time `json:"at"`
}

// VersionResponse is one immutable version of a plugin.
type VersionResponse struct {
	Version   string       `json:"version" example:"1.2.0"`
	Yanked    bool         `json:"yanked" example:"false"`
	SHA256    string       `json:"sha256" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	CreatedAt time.Time    `json:"created_at"`
	Manifest  ManifestJSON `json:"manifest"`
	// ModuleSHA256 is the WebAssembly module a wasm version runs, for
	// good; absent for other runtimes.
	ModuleSHA256 string `json:"module_sha256,omitempty" example:"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"`
}

// ValidationResult is a manifest that passed every check.
type ValidationResult struct {
	Valid bool `json:"valid" example:"true"`
}

// RemoveRequest explains a removal; organizers taking a plugin down must.
type RemoveRequest struct {
	Reason string `json:"reason" example:"Publishes personal data of victims"`
}

// CollaboratorRequest names the account to add by its e-mail address.
type CollaboratorRequest struct {
	Email string `json:"email" example:"bob@example.org"`
}

// CollaboratorResponse is an account allowed to publish versions.
type CollaboratorResponse struct {
	UserID  int64     `json:"user_id" example:"9"`
	Name    string    `json:"name" example:"Bob"`
	Email   string    `json:"email" example:"bob@example.org"`
	AddedAt time.Time `json:"added_at"`
}

func pluginResponse(p store.Plugin) PluginResponse {
	r := PluginResponse{
		Slug: p.Slug, Status: p.Status, Owner: OwnerRef{ID: p.OwnerID, Name: p.OwnerName}, Runtime: p.Runtime,
		CreatedAt: utc(p.CreatedAt), UpdatedAt: utc(p.UpdatedAt), LatestVersion: p.LatestVersion,
		Manifest: p.Manifest, Badges: nonNilStrings(p.Badges), Hackathons: nonNilStrings(p.Hackathons),
	}
	if p.Status == store.StatusRemoved {
		r.RemovedReason, r.RemovalReason = p.RemovedReason, p.RemovedReason
	}
	r.Restricted, r.Publisher = p.Access == plugins.AccessVetted, publisherRef(p.Publisher)
	return r
}

func versionResponse(v store.PluginVersion) VersionResponse {
	return VersionResponse{Version: v.Version, Yanked: v.Yanked, SHA256: v.SHA256, CreatedAt: utc(v.CreatedAt), Manifest: v.Manifest,
		ModuleSHA256: v.ModuleSHA256}
}

func collaboratorResponse(c store.Collaborator) CollaboratorResponse {
	return CollaboratorResponse{UserID: c.UserID, Name: c.Name, Email: c.Email, AddedAt: utc(c.AddedAt)}
}

// readBody reads a whole request body (bounded by limitBody).
func readBody(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, nil
	}
	return io.ReadAll(c.Request.Body)
}

// handleSchema serves the JSON Schema of plugin manifests.
//
//	@Summary		Manifest JSON Schema
//	@Description	The JSON Schema (draft 2020-12) of plugin manifests, for editors and CI. POST /manifests/validate applies the same rules and a few a schema cannot express.
//	@Tags			plugins
//	@Produce		json
//	@Param			If-None-Match	header		string	false	"ETag of a copy you hold: 304 when it is current"
//	@Success		200				{object}	object
//	@Success		304				"Not modified"
//	@Header			200				{string}	ETag	"Version of the schema"
//	@Failure		404				{object}	Problem	"Never: documented for completeness"
//	@Router			/api/v1/schemas/plugin-manifest.json [get]
func handleSchema() handlerFunc {
	d := newDoc(plugins.ManifestJSONSchema(), "application/schema+json", time.Time{}, publicPolicy)
	d.cacheControl = []string{"public, max-age=3600"} // it changes only with the binary
	return func(c *gin.Context) error {
		d.write(c)
		return nil
	}
}

// handleManifestValidate checks a manifest without registering anything.
//
//	@Summary		Validate a manifest
//	@Description	Checks a manifest (JSON, or YAML with Content-Type application/yaml) exactly as plugin creation by the caller does, and reports every problem at once with its path: credentials in any field, reserved names, and a slug or name confusable with a plugin of another owner than the caller.
//	@Tags			plugins
//	@Accept			json,application/yaml
//	@Produce		json
//	@Param			body	body		plugins.Manifest	true	"The manifest"
//	@Success		200		{object}	ValidationResult
//	@Failure		413		{object}	Problem	"Body over 1 MiB"
//	@Failure		422		{object}	Problem	"Every problem, with its path"
//	@Router			/api/v1/manifests/validate [post]
func handleManifestValidate(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		data, err := readBody(c)
		if err != nil {
			return err
		}
		if _, err := svc.CheckManifest(c.Request.Context(), caller(c), data); err != nil {
			return err
		}
		c.JSON(http.StatusOK, ValidationResult{Valid: true})
		return nil
	}
}

// idempotencyKey reads the Idempotency-Key header: none, or one value of 1
// to 255 printable ASCII characters.
func idempotencyKey(c *gin.Context) (string, error) {
	values := c.Request.Header.Values(registry.IdempotencyField)
	if len(values) == 0 {
		return "", nil
	}
	k := values[0]
	ok := len(values) == 1 && len(k) >= 1 && len(k) <= 255 && !strings.ContainsFunc(k, func(r rune) bool {
		return r < ' ' || r > '~'
	})
	if !ok {
		return "", refuse(httperr.ErrMalformed, "invalid Idempotency-Key header", FieldError{Field: registry.IdempotencyField,
			Message: "must be sent once, with 1 to 255 printable ASCII characters, such as a UUID"})
	}
	return k, nil
}

// replayedHeader marks an answer that repeats what an earlier request with
// the same Idempotency-Key created.
const replayedHeader = "Idempotent-Replayed"

// handlePluginCreate registers a plugin as a draft owned by the caller.
//
//	@Summary		Register a plugin
//	@Description	Registers a plugin from its manifest (JSON, or YAML with Content-Type application/yaml) as a draft owned by the caller, with the manifest as its first version. Drafts are visible only to their owner, collaborators and organizers until published. API tokens need the plugins:write scope.
//	@Tags			plugins
//	@Accept			json,application/yaml
//	@Produce		json
//	@Security		BearerAuth
//	@Param			Idempotency-Key	header		string				false	"Your key for this request (1–255 printable ASCII characters, such as a UUID): a retry with the same key and body within 24 hours registers nothing and answers 201 with the plugin the first request registered, as it is now"
//	@Param			body			body		plugins.Manifest	true	"The manifest"
//	@Success		201				{object}	PluginResponse
//	@Header			201				{string}	Location			"The plugin's URL"
//	@Header			201				{string}	Idempotent-Replayed	"true when an earlier request with the same Idempotency-Key registered the plugin"
//	@Failure		400				{object}	Problem				"Invalid Idempotency-Key header"
//	@Failure		401				{object}	Problem				"Not signed in"
//	@Failure		403				{object}	Problem				"API token without plugins:write"
//	@Failure		409				{object}	Problem				"Slug taken"
//	@Failure		413				{object}	Problem				"Body over 1 MiB"
//	@Failure		422				{object}	Problem				"Invalid manifest: every problem, with its path; or an Idempotency-Key used for another body"
//	@Failure		429				{object}	Problem				"Too many plugins registered by this account in the last hour; see Retry-After"
//	@Router			/api/v1/plugins [post]
func handlePluginCreate(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		key, err := idempotencyKey(c)
		if err != nil {
			return err
		}
		data, err := readBody(c)
		if err != nil {
			return err
		}
		p, replayed, err := svc.CreateWithKey(c.Request.Context(), caller(c), key, data)
		if err != nil {
			return err
		}
		if replayed {
			c.Header(replayedHeader, "true")
		}
		c.Header("Location", "/api/v1/plugins/"+p.Slug)
		return writePlugin(c, http.StatusCreated, pluginResponse(p))
	}
}

// handlePluginList lists the plugins the caller may see.
//
//	@Summary		List plugins
//	@Description	Published plugins, most recently changed first, and the caller's own drafts. Organizers may also list every draft or removed plugin with status. To search, use /search.
//	@Description	Pages by offset, or by cursor: every full page that is not the last carries next_cursor; pass it as cursor (with the same filters and limit, without offset) for the next page, which then costs the same wherever it is in the list. total is counted on a page asked for without cursor; a page asked for with one repeats the total counted when the walk began (offset likewise counts the items before it in that walk).
//	@Tags			plugins
//	@Produce		json
//	@Param			owner		query		string	false	"me: only plugins you may edit: yours, those you collaborate on, those of your organisations and of your teams' entries"	Enums(me)
//	@Param			status		query		string	false	"Only this status"																											Enums(draft, published, removed)
//	@Param			category	query		string	false	"Only this category"
//	@Param			limit		query		int		false	"Page size (1–100)"	default(20)
//	@Param			offset		query		int		false	"Items to skip"		default(0)
//	@Param			cursor		query		string	false	"The next_cursor of the previous page: the page after it (not with offset)"
//	@Success		200			{object}	PluginList
//	@Failure		400			{object}	Problem	"Invalid filter or pagination (an offset with a cursor, a cursor this list did not give)"
//	@Failure		401			{object}	Problem	"owner=me without signing in, or invalid credentials"
//	@Router			/api/v1/plugins [get]
func handlePluginList(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		f := registry.ListFilter{Status: c.Query("status"), Category: c.Query("category")}
		switch owner := c.Query("owner"); {
		case owner == "me" && caller(c).ID == 0:
			return auth.ErrUnauthenticated
		case owner == "me":
			f.Mine = true
		case owner != "":
			return refuse(httperr.ErrMalformed, "invalid filter", FieldError{Field: "owner", Message: "must be me"})
		}
		if bad := filterProblems(f); len(bad) > 0 {
			return refuse(httperr.ErrMalformed, "invalid filter", bad...)
		}
		cur, err := listCursor(c, &p)
		if err != nil {
			return err
		}
		if cur != nil {
			f.After = &store.PluginCursor{UpdatedAt: cur.UpdatedAt, ID: cur.ID}
		}
		list, total, err := svc.List(c.Request.Context(), caller(c), f, p)
		if err != nil {
			return err
		}
		if cur != nil {
			total = cur.Total
		}
		out := PluginList{List: mapList(list, total, p, pluginResponse)}
		if n := len(list); n > 0 && n == p.Limit && p.Offset+n < total {
			last := list[n-1]
			out.NextCursor = pluginCursor{UpdatedAt: last.UpdatedAt, ID: last.ID, Total: total, Offset: p.Offset + n}.String()
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

func filterProblems(f registry.ListFilter) []FieldError {
	var bad []FieldError
	if f.Status != "" && !slices.Contains([]string{store.StatusDraft, store.StatusPublished, store.StatusRemoved}, f.Status) {
		bad = append(bad, FieldError{Field: "status", Message: "must be draft, published or removed"})
	}
	if f.Category != "" && !slices.Contains(plugins.Categories(), f.Category) {
		bad = append(bad, FieldError{Field: "category", Message: "must be one of " + strings.Join(plugins.Categories(), ", ")})
	}
	return bad
}

// AwardResponse names the prize behind a plugin's "awarded" badge.
type AwardResponse struct {
	Badge     string `json:"badge" example:"awarded"`
	Hackathon string `json:"hackathon" example:"paris-2016"`
	Edition   string `json:"edition" example:"Paris 2016"`
	Award     string `json:"award" example:"Prix de l'engagement — Rumeurs en temps de crise"`
}

// handlePluginGet returns a plugin with its latest manifest.
//
//	@Summary		Get a plugin
//	@Description	A plugin with its latest non-yanked manifest. Drafts and removed plugins are visible only to their owner, collaborators and organizers (404 for anyone else). They alone also get runtime_status once the plugin has been invoked: ok, or why its last invocation failed (refused by the address guard, timeout, misbehaved, unavailable) and when. Sends a strong ETag and Last-Modified, and answers If-None-Match with 304. A published plugin as everyone sees it is public (Cache-Control: public, max-age=10); anything else is private, no-store.
//	@Tags			plugins
//	@Produce		json
//	@Param			slug			path		string	true	"Plugin slug"
//	@Param			If-None-Match	header		string	false	"ETag of a copy you hold: 304 when it is current"
//	@Success		200				{object}	PluginResponse
//	@Success		304				"Not modified"
//	@Header			200				{string}	ETag			"Version of this representation"
//	@Header			200				{string}	Last-Modified	"When the plugin last changed"
//	@Header			200				{string}	Cache-Control	"public, max-age=10 for a published plugin as everyone sees it; private, no-store otherwise"
//	@Failure		404				{object}	Problem			"No such plugin, or not visible to you"
//	@Router			/api/v1/plugins/{slug} [get]
func handlePluginGet(svc *registry.Service, docs *docCache) handlerFunc {
	return func(c *gin.Context) error {
		ctx, u, slug := c.Request.Context(), caller(c), c.Param("slug")
		if u.ID == 0 { // only a signed-in caller may see more than the public representation
			if d := docs.get(slug, docPlugin); d != nil {
				d.write(c)
				return nil
			}
		}
		gen, readAt := docs.generation()
		p, err := svc.Get(ctx, u, slug)
		if err != nil {
			return err
		}
		st, shown, err := svc.RuntimeStatus(ctx, u, p)
		if err != nil {
			return err
		}
		r := pluginResponse(p)
		if slices.Contains(p.Badges, "awarded") {
			awards, err := svc.Awards(ctx, p)
			if err != nil {
				return err
			}
			for _, a := range awards {
				r.Awards = append(r.Awards, AwardResponse{Badge: "awarded", Hackathon: a.HackathonSlug, Edition: a.HackathonName, Award: a.Award})
			}
		}
		if shown {
			r.RuntimeStatus = &RuntimeStatus{State: st.State, Reason: st.Reason, At: utc(st.At)}
		}
		b, err := encodePlugin(r)
		if err != nil {
			return err
		}
		d := newDoc(b, jsonContentType, p.UpdatedAt, pluginPolicy(p, shown))
		docs.put(p, docPlugin, d, gen, readAt)
		d.write(c)
		return nil
	}
}

// Keys of a plugin's representations in the docCache.
const (
	docPlugin  = "plugin"
	docOpenAPI = "openapi"
)

const jsonContentType = "application/json; charset=utf-8"

// writePlugin writes a plugin response with its ETag.
func writePlugin(c *gin.Context, status int, r PluginResponse) error {
	b, err := encodePlugin(r)
	if err != nil {
		return err
	}
	c.Header("ETag", strongETag(b))
	c.Data(status, jsonContentType, b)
	return nil
}

// encodePlugin encodes a plugin response. The stored manifest is compact
// JSON already, so it is spliced in rather than re-encoded: on the most
// read route of the API, encoding/json would otherwise scan it again.
func encodePlugin(r PluginResponse) ([]byte, error) {
	manifest := r.Manifest
	r.Manifest = nil
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	if len(manifest) > 0 {
		const null = `"manifest":null`
		i := bytes.Index(b, []byte(null))
		b = slices.Concat(b[:i], []byte(`"manifest":`), manifest, b[i+len(null):])
	}
	return b, nil
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
