package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	"github.com/riposte-civic/riposte/api/auth"
	_ "github.com/riposte-civic/riposte/docs" // registers the generated OpenAPI document
)

// routes is the whole HTTP surface of Riposte.
func (s *Server) routes(e *gin.Engine) {
	st, svc := s.deps.Store, s.deps.Auth

	e.Use(withRequestID, s.observe, s.recoverPanics, s.apiHeaders, s.cors, s.limitBody)
	e.NoRoute(s.h(func(c *gin.Context) error {
		return errStatus(http.StatusNotFound, "no such route: "+c.Request.URL.Path)
	}))
	e.NoMethod(s.h(func(c *gin.Context) error {
		return errStatus(http.StatusMethodNotAllowed, c.Request.Method+" is not allowed here; see the Allow header")
	}))

	// Operations.
	e.GET("/livez", s.h(handleLivez))
	e.GET("/readyz", s.h(s.handleReadyz(st)))
	e.GET("/metrics", s.handleMetrics())
	e.GET("/swagger", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/swagger/index.html") })
	e.GET("/swagger/*any", ginSwagger.WrapHandler(swaggerFiles.Handler))

	v1 := e.Group("/api/v1", noStore, s.authenticate)
	signedIn, readScope := s.signedIn(""), s.signedIn(auth.ScopeRead)
	organizer, admin := s.role(auth.RoleOrganizer), s.role(auth.RoleAdmin)

	// Accounts.
	v1.POST("/auth/register", s.h(handleRegister(svc)))
	v1.POST("/auth/login", s.h(handleLogin(svc)))
	v1.POST("/auth/refresh", s.h(handleRefresh(svc)))
	v1.POST("/auth/logout", s.h(handleLogout(svc)))
	v1.GET("/me", readScope, s.h(handleMe))
	v1.POST("/me/tokens", signedIn, s.h(handleTokenCreate(svc)))
	v1.GET("/me/tokens", readScope, s.h(handleTokenList(st)))
	v1.DELETE("/me/tokens/:id", signedIn, s.h(handleTokenRevoke(st)))

	// Administration.
	v1.GET("/users", readScope, organizer, s.h(handleUserList(st)))
	v1.PATCH("/users/:id", signedIn, admin, s.h(handleUserPatch(svc)))
	v1.GET("/audit", readScope, admin, s.h(handleAuditList(st)))
}
