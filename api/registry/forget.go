package registry

// Forget drops what this process keeps in memory about a plugin changed
// outside the registry (a takedown from a report, or its reversal), so
// that the next invocation reads the plugin as it now is.
func (s *Service) Forget(slug string) { s.inv.forget(slug) }
