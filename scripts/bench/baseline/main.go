// Command baseline is the reference point of scripts/bench: bare Gin with
// one JSON handler and nothing else, which no real service can beat.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.GET("/ping", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	log.Fatal(http.ListenAndServe(os.Args[1], e))
}
