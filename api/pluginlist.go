package api

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/riposte-civic/riposte/api/httperr"
	"github.com/riposte-civic/riposte/api/store"
)

// PluginList is a page of the plugin list, and the cursor of the next.
type PluginList struct {
	List[PluginResponse]
	// NextCursor, on a full page that is not the last, asks for the next
	// page as ?cursor= (keyset pagination).
	NextCursor string `json:"next_cursor,omitempty" example:"djEuMTc2NTAwMDAwMDAwMDAwMC40Mi4xMjAuMjA"`
}

// pluginCursor is a place in the plugin list: the last plugin of a page
// (its last change and id, the list's order), the total counted when the
// walk began and how many plugins came before the next page.
type pluginCursor struct {
	UpdatedAt time.Time
	ID        int64
	Total     int
	Offset    int
}

// String encodes the cursor: opaque to clients (URL-safe base64 of
// "v1.<updated_at µs>.<id>.<total>.<offset>").
func (k pluginCursor) String() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "v1.%d.%d.%d.%d", k.UpdatedAt.UnixMicro(), k.ID, k.Total, k.Offset))
}

// parsePluginCursor decodes what String encoded.
func parsePluginCursor(s string) (pluginCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pluginCursor{}, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 5 || parts[0] != "v1" {
		return pluginCursor{}, false
	}
	var n [4]int64
	for i, p := range parts[1:] {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil || n[i] < 0 {
			return pluginCursor{}, false
		}
	}
	if n[1] == 0 || n[2] > math.MaxInt32 || n[3] > n[2] {
		return pluginCursor{}, false
	}
	return pluginCursor{UpdatedAt: time.UnixMicro(n[0]).UTC(), ID: n[1], Total: int(n[2]), Offset: int(n[3])}, true
}

// listCursor reads ?cursor: nil without one; with one, p's offset becomes
// the cursor's. A cursor with an offset, or one this list did not give,
// is a 400.
func listCursor(c *gin.Context, p *store.Page) (*pluginCursor, error) {
	v, ok := c.GetQuery("cursor")
	if !ok {
		return nil, nil
	}
	if _, ok := c.GetQuery("offset"); ok {
		return nil, refuse(httperr.ErrMalformed, "invalid pagination", FieldError{Field: "offset", Message: "cannot be given with cursor: the cursor says where the page starts"})
	}
	k, ok := parsePluginCursor(v)
	if !ok {
		return nil, refuse(httperr.ErrMalformed, "invalid pagination", FieldError{Field: "cursor", Message: "is not a cursor this list gave (next_cursor); ask for the first page without it"})
	}
	p.Offset = k.Offset
	return &k, nil
}
