package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/swaggo/swag"
)

// servedDoc wraps the Swagger UI handler so that /swagger/doc.json is a
// valid OpenAPI 2 document. swag renders the registered document (docs/)
// with "host" set to the @host annotation even when there is none, and an
// empty host is invalid; without one, clients call the host that served the
// document, which is what a server deployed under any name wants. The
// document is rendered once, when the routes are built.
func servedDoc(ui gin.HandlerFunc) gin.HandlerFunc {
	doc, err := validDoc()
	if err != nil {
		return ui // no document registered: the UI answers as it would
	}
	return func(c *gin.Context) {
		if c.Param("any") != "/doc.json" {
			ui(c)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
	}
}

// validDoc is the registered document without its empty fields.
func validDoc() ([]byte, error) {
	raw, err := swag.ReadDoc()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		return nil, err
	}
	for _, key := range []string{"host", "schemes"} {
		switch v := doc[key].(type) {
		case string:
			if v == "" {
				delete(doc, key)
			}
		case []any:
			if len(v) == 0 {
				delete(doc, key)
			}
		}
	}
	return json.MarshalIndent(doc, "", "    ")
}
