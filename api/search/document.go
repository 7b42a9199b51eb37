package search

import (
	"encoding/json"

	"github.com/riposte-civic/riposte/api/store"
)

// DocumentOf builds the index document of a listed plugin: its filterable
// fields from its facets, as fieldSpecs lists them.
func DocumentOf(src store.SearchSource) Document {
	var m struct {
		Description string `json:"description"`
	}
	json.Unmarshal(src.Manifest, &m) // a stored manifest is valid JSON; a missing description stays empty
	d := Document{Slug: src.Slug, Name: src.Name, Summary: src.Summary, Description: m.Description,
		Trust: src.Trust, UpdatedAt: src.UpdatedAt.UTC(), Revision: src.Revision}
	for i := range fieldSpecs {
		fieldSpecs[i].set(&d, src.Facets[string(fieldSpecs[i].field)])
	}
	return d
}
