package search

// SetReindexRequest sets the most documents a reindex sends Meilisearch in
// one request.
func (m *Meili) SetReindexRequest(n int) { m.reindexRequest = n }
