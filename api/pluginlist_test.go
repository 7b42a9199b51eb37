package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/riposte-civic/riposte/api"
	"github.com/riposte-civic/riposte/api/auth"
)

// Walking the plugin list by cursor gives the pages that offsets give,
// with the total counted on the first page; an offset with a cursor, or a
// cursor the list did not give, is a 400 naming the field.
func TestPluginListPagesByCursor(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		_, tok := e.user("owner@example.org", auth.RoleParticipant)
		for i := range 5 {
			e.publishedPlugin(tok, fmt.Sprintf("outil-%d", i))
		}
		_, other := e.user("other@example.org", auth.RoleParticipant)
		e.createPlugin(other, "brouillon") // a draft: not in the anonymous list

		var byOffset []string
		for off := 0; off < 5; off += 2 {
			var l api.PluginList
			e.do(req{method: "GET", path: fmt.Sprintf("/api/v1/plugins?limit=2&offset=%d", off)}).want(200).json(&l)
			if l.Total != 5 || l.Offset != off {
				t.Fatalf("offset %d: %+v", off, l.List)
			}
			for _, p := range l.Items {
				byOffset = append(byOffset, p.Slug)
			}
		}
		var (
			byCursor []string
			cursor   string
			offsets  []int
		)
		path := "/api/v1/plugins?limit=2"
		for range 5 {
			var l api.PluginList
			e.do(req{method: "GET", path: path}).want(200).json(&l)
			if l.Total != 5 || l.Limit != 2 {
				t.Fatalf("%s: total %d, limit %d", path, l.Total, l.Limit)
			}
			offsets = append(offsets, l.Offset)
			for _, p := range l.Items {
				byCursor = append(byCursor, p.Slug)
			}
			if l.NextCursor == "" {
				break
			}
			if l.NextCursor == cursor {
				t.Fatalf("the same cursor twice: %s", cursor)
			}
			cursor = l.NextCursor
			path = "/api/v1/plugins?limit=2&cursor=" + cursor
		}
		if len(byOffset) != 5 || !slices.Equal(byCursor, byOffset) || !slices.Equal(offsets, []int{0, 2, 4}) {
			t.Fatalf("by cursor %v (offsets %v), by offset %v", byCursor, offsets, byOffset)
		}
		// The last page, the list read whole: no cursor.
		var whole api.PluginList
		e.do(req{method: "GET", path: "/api/v1/plugins?limit=5"}).want(200).json(&whole)
		if whole.NextCursor != "" || len(whole.Items) != 5 {
			t.Fatalf("the whole list: %d items, cursor %q", len(whole.Items), whole.NextCursor)
		}

		p := e.do(req{method: "GET", path: "/api/v1/plugins?limit=2&offset=2&cursor=" + cursor}).problem(400)
		if !slices.Equal(fields(p), []string{"offset"}) {
			t.Errorf("offset with cursor: %+v", p)
		}
		for _, bad := range []string{"nope", "djIuMS4yLjMuNA", "djEuMS4wLjMuMg", "djEuMS4yLjMuNA"} {
			p := e.do(req{method: "GET", path: "/api/v1/plugins?cursor=" + bad}).problem(400)
			if !slices.Equal(fields(p), []string{"cursor"}) {
				t.Errorf("cursor %q: %+v", bad, p)
			}
		}
	})
}
