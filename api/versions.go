package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
)

// handleVersionCreate publishes a new version of a plugin.
//
//	@Summary		Publish a version
//	@Description	Adds a version to a plugin from a manifest with the plugin's slug and a new version number (JSON, or YAML with Content-Type application/yaml). Versions are immutable and never reused, even after a yank. "Latest" follows semantic-version precedence. For the owner, collaborators, and their API tokens with plugins:write.
//	@Tags			plugins
//	@Accept			json,application/yaml
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug			path		string				true	"Plugin slug"
//	@Param			Idempotency-Key	header		string				false	"Your key for this request (1–255 printable ASCII characters, such as a UUID): a retry with the same key and body within 24 hours publishes nothing and answers 201 with the version the first request published"
//	@Param			body			body		plugins.Manifest	true	"The manifest of the new version"
//	@Success		201				{object}	VersionResponse
//	@Header			201				{string}	Location			"The version's URL"
//	@Header			201				{string}	Idempotent-Replayed	"true when an earlier request with the same Idempotency-Key published the version"
//	@Failure		400				{object}	Problem				"Invalid Idempotency-Key header"
//	@Failure		401				{object}	Problem				"Not signed in"
//	@Failure		403				{object}	Problem				"Not the owner or a collaborator of this public plugin, or token without plugins:write"
//	@Failure		404				{object}	Problem				"No such plugin, or not visible to you"
//	@Failure		409				{object}	Problem				"Version already exists, or the plugin was removed"
//	@Failure		413				{object}	Problem				"Body over 1 MiB"
//	@Failure		422				{object}	Problem				"Invalid manifest: every problem, with its path; or an Idempotency-Key used for another body"
//	@Router			/api/v1/plugins/{slug}/versions [post]
func handleVersionCreate(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		key, err := idempotencyKey(c)
		if err != nil {
			return err
		}
		data, err := readBody(c)
		if err != nil {
			return err
		}
		v, replayed, err := svc.AddVersionWithKey(c.Request.Context(), caller(c), c.Param("slug"), key, data)
		if err != nil {
			return err
		}
		if replayed {
			c.Header(replayedHeader, "true")
		}
		c.Header("Location", "/api/v1/plugins/"+c.Param("slug")+"/versions/"+v.Version)
		c.JSON(http.StatusCreated, versionResponse(v))
		return nil
	}
}

// handleVersionList lists a plugin's versions.
//
//	@Summary	List versions
//	@Tags		plugins
//	@Produce	json
//	@Param		slug			path		string					true	"Plugin slug"
//	@Param		limit			query		int						false	"Page size (1–100)"	default(20)
//	@Param		offset			query		int						false	"Items to skip"		default(0)
//	@Param		If-None-Match	header		string					false	"ETag of a copy you hold: 304 when it is current"
//	@Success	200				{object}	List[VersionResponse]	"Highest version first; yanked versions included and marked"
//	@Success	304				"Not modified"
//	@Header		200				{string}	ETag			"Version of this representation"
//	@Header		200				{string}	Cache-Control	"public, max-age=10 for a published plugin; private, no-store otherwise"
//	@Failure	400				{object}	Problem			"Invalid pagination"
//	@Failure	404				{object}	Problem			"No such plugin, or not visible to you"
//	@Router		/api/v1/plugins/{slug}/versions [get]
func handleVersionList(svc *registry.Service, docs *docCache) handlerFunc {
	return func(c *gin.Context) error {
		pg, err := page(c)
		if err != nil {
			return err
		}
		key := "versions?" + strconv.Itoa(pg.Limit) + "," + strconv.Itoa(pg.Offset)
		return cachedPluginDoc(c, svc, docs, key, func(ctx context.Context, p store.Plugin) (*doc, error) {
			list, total, err := svc.VersionsOf(ctx, p, pg)
			if err != nil {
				return nil, err
			}
			b, err := json.Marshal(mapList(list, total, pg, versionResponse))
			return newDoc(b, jsonContentType, time.Time{}, pluginPolicy(p, false)), err
		})
	}
}

// cachedPluginDoc answers with a representation of a plugin the same for
// every caller who may see it: kept in docs when public, otherwise made
// by build for the plugin, once the caller is found to see it.
func cachedPluginDoc(c *gin.Context, svc *registry.Service, docs *docCache, key string,
	build func(context.Context, store.Plugin) (*doc, error)) error {
	slug := c.Param("slug")
	if d := docs.get(slug, key); d != nil {
		d.write(c)
		return nil
	}
	gen, readAt := docs.generation()
	ctx := c.Request.Context()
	p, err := svc.Get(ctx, caller(c), slug)
	if err != nil {
		return err
	}
	d, err := build(ctx, p)
	if err != nil {
		return err
	}
	docs.put(p, key, d, gen, readAt)
	d.write(c)
	return nil
}

// handleVersionGet returns one version, yanked or not.
//
//	@Summary	Get a version
//	@Tags		plugins
//	@Produce	json
//	@Param		slug			path		string	true	"Plugin slug"
//	@Param		version			path		string	true	"Exact version, such as 1.2.0"
//	@Param		If-None-Match	header		string	false	"ETag of a copy you hold: 304 when it is current"
//	@Success	200				{object}	VersionResponse
//	@Success	304				"Not modified"
//	@Header		200				{string}	ETag			"Version of this representation"
//	@Header		200				{string}	Last-Modified	"When the version was published, or yanked"
//	@Header		200				{string}	Cache-Control	"public, max-age=10 for a published plugin; private, no-store otherwise"
//	@Failure	404				{object}	Problem			"No such plugin or version, or not visible to you"
//	@Router		/api/v1/plugins/{slug}/versions/{version} [get]
func handleVersionGet(svc *registry.Service, docs *docCache) handlerFunc {
	return func(c *gin.Context) error {
		version := c.Param("version")
		return cachedPluginDoc(c, svc, docs, "version/"+version, func(ctx context.Context, p store.Plugin) (*doc, error) {
			v, err := svc.VersionOf(ctx, p, version)
			if err != nil {
				return nil, err
			}
			b, err := json.Marshal(versionResponse(v))
			modified := v.CreatedAt
			if v.YankedAt != nil {
				modified = *v.YankedAt
			}
			return newDoc(b, jsonContentType, modified, pluginPolicy(p, false)), err
		})
	}
}

// handleVersionYank yanks a version.
//
//	@Summary		Yank a version
//	@Description	Withdraws a version from "latest" and from search; it stays readable by its exact version and its number is never reused. Owner only. Recorded in the audit log.
//	@Tags			plugins
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Plugin slug"
//	@Param			version	path		string	true	"Exact version"
//	@Success		200		{object}	VersionResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the owner"
//	@Failure		404		{object}	Problem	"No such plugin or version, or not visible to you"
//	@Failure		409		{object}	Problem	"Already yanked"
//	@Router			/api/v1/plugins/{slug}/versions/{version}/yank [post]
func handleVersionYank(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		v, err := svc.Yank(c.Request.Context(), caller(c), c.Param("slug"), c.Param("version"))
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, versionResponse(v))
		return nil
	}
}

// handlePluginPublish makes a draft public.
//
//	@Summary		Publish a plugin
//	@Description	Turns a draft into a published plugin, listed and searchable. Owner only. Recorded in the audit log.
//	@Tags			plugins
//	@Produce		json
//	@Security		BearerAuth
//	@Param			slug	path		string	true	"Plugin slug"
//	@Success		200		{object}	PluginResponse
//	@Failure		401		{object}	Problem	"Not signed in"
//	@Failure		403		{object}	Problem	"Not the owner"
//	@Failure		404		{object}	Problem	"No such plugin, or not visible to you"
//	@Failure		409		{object}	Problem	"Not a draft"
//	@Router			/api/v1/plugins/{slug}/publish [post]
func handlePluginPublish(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		p, err := svc.Publish(c.Request.Context(), caller(c), c.Param("slug"))
		if err != nil {
			return err
		}
		return writePlugin(c, http.StatusOK, pluginResponse(p))
	}
}

// handlePluginDelete withdraws or takes down a plugin.
//
//	@Summary		Remove a plugin
//	@Description	The owner withdraws their plugin; an organizer takes one down and must give a reason. A removed plugin is hidden everywhere, keeps its versions, and its slug is never given to anyone else. Recorded in the audit log.
//	@Tags			plugins
//	@Accept			json
//	@Security		BearerAuth
//	@Param			slug	path	string			true	"Plugin slug"
//	@Param			body	body	RemoveRequest	false	"Why (required for organizers)"
//	@Success		204
//	@Failure		400	{object}	Problem	"Malformed JSON"
//	@Failure		401	{object}	Problem	"Not signed in"
//	@Failure		403	{object}	Problem	"Neither the owner nor an organizer"
//	@Failure		404	{object}	Problem	"No such plugin, or not visible to you"
//	@Failure		409	{object}	Problem	"Already removed"
//	@Failure		422	{object}	Problem	"An organizer gave no reason"
//	@Router			/api/v1/plugins/{slug} [delete]
func handlePluginDelete(svc *registry.Service) handlerFunc {
	return func(c *gin.Context) error {
		var req RemoveRequest
		if c.Request.ContentLength != 0 {
			if err := bindJSON(c, &req); err != nil {
				return err
			}
		}
		if err := svc.Remove(c.Request.Context(), caller(c), c.Param("slug"), req.Reason); err != nil {
			return err
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}
