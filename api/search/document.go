package search

import (
	"encoding/json"

	"github.com/riposte-civic/riposte/api/store"
)

// DocumentOf builds the index document of a listed plugin: its filterable
// fields from its facets, as fieldSpecs lists them. A restricted plugin's
// document carries no description.
func DocumentOf(src store.SearchSource) Document {
	var m struct {
		Description string `json:"description"`
	}
	if !src.Restricted {
		json.Unmarshal(src.Manifest, &m) // a stored manifest is valid JSON; a missing description stays empty
	}
	d := Document{Slug: src.Slug, Name: src.Name, Summary: src.Summary, Description: m.Description,
		Trust: src.Trust, UpdatedAt: src.UpdatedAt.UTC(), Revision: src.Revision, Restricted: src.Restricted}
	if p := src.Publisher; p != nil {
		d.Publisher = &Publisher{Slug: p.Slug, Name: p.Name, Verified: p.Verified}
	}
	for i := range fieldSpecs {
		fieldSpecs[i].set(&d, src.Facets[string(fieldSpecs[i].field)])
	}
	return d
}
