package search

import (
	"encoding/json"

	"github.com/riposte-civic/riposte/api/store"
)

// DocumentOf builds the index document of a listed plugin.
func DocumentOf(src store.SearchSource) Document {
	var m struct {
		Description string `json:"description"`
	}
	json.Unmarshal(src.Manifest, &m) // a stored manifest is valid JSON; a missing description stays empty
	license := ""
	if l := src.Facets["license"]; len(l) > 0 {
		license = l[0]
	}
	nonNil := func(v []string) []string {
		if v == nil {
			return []string{}
		}
		return v
	}
	return Document{
		Slug: src.Slug, Name: src.Name, Summary: src.Summary, Description: m.Description,
		Tags: nonNil(src.Facets["tag"]), Categories: nonNil(src.Facets["category"]), Languages: nonNil(src.Facets["language"]),
		License: license, Runtime: src.Runtime, Hackathons: nonNil(src.Facets["hackathon"]), Badges: nonNil(src.Facets["badge"]),
		Trust: src.Trust, UpdatedAt: src.UpdatedAt.UTC(), Revision: src.Revision,
	}
}
