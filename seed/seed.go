// Package seed loads Riposte's seed catalogue: example tools in every
// category and in French, English and Arabic, the tools of wasm/ that run
// on the server as WebAssembly modules, the January 2016 Paris hackathon
// as a past edition, and an example edition open for submissions. The
// catalogue, and the tools' manifests and modules, are embedded in the
// binary, so that it loads offline.
//
// Loading goes through the registry and hackathon services, as a user's
// actions would: manifests are validated, the search index is fed through
// the outbox, publications and editions are audited. It is idempotent:
// what is already there is left alone, so loading twice changes nothing.
package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/registry"
	"github.com/riposte-civic/riposte/api/store"
)

// AccountEmail is the address of the account that owns the example
// entries and created the seed editions. Like the platform account, it is
// disabled and has no password: nobody signs in as the seed.
const AccountEmail = registry.CatalogueEmail

// accountName is how the seed account appears as an owner.
const accountName = "Exemples Riposte"

// Deps is what loading needs.
type Deps struct {
	Store      *store.Store
	Registry   *registry.Service
	Hackathons *hackathons.Service
	// Auth creates the demonstration accounts; only LoadDemo needs it.
	Auth *auth.Service
	// Now is the clock the example edition's dates are computed from, and
	// the one Hackathons runs on (nil means time.Now).
	Now func() time.Time
}

func (d Deps) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Tally counts what loading did to one kind of thing.
type Tally struct {
	Created  int // added by this load
	Updated  int // there already, given what it lacked (new versions, publication)
	Existing int // there already, left as it was
}

// Skip is something the catalogue holds that was not loaded, and why.
type Skip struct {
	What   string // such as "plugin vigie-rumeurs"
	Reason string
}

// Report says what Load did.
type Report struct {
	Plugins Tally
	// Tools are the tools of wasm/, which run on the server.
	Tools       Tally
	Editions    Tally
	Submissions Tally
	Skipped     []Skip
}

// Changed reports whether the load changed the database.
func (r Report) Changed() bool {
	return r.Plugins.Created+r.Plugins.Updated+r.Tools.Created+r.Tools.Updated+r.Editions.Created+r.Submissions.Created > 0
}

func (r *Report) skip(what, reason string) { r.Skipped = append(r.Skipped, Skip{what, reason}) }

// String summarises the report in one line.
func (r Report) String() string {
	return fmt.Sprintf("%d example plugins (%d new), %d WebAssembly tools (%d new), %d editions (%d new), %d submissions (%d new)",
		r.Plugins.Created+r.Plugins.Updated+r.Plugins.Existing, r.Plugins.Created,
		r.Tools.Created+r.Tools.Updated+r.Tools.Existing, r.Tools.Created,
		r.Editions.Created+r.Editions.Existing, r.Editions.Created,
		r.Submissions.Created+r.Submissions.Existing, r.Submissions.Created)
}

// Load adds to the database what the seed catalogue holds and it lacks:
// example plugins (created, given their versions, published), the tools
// of wasm/ (their modules uploaded, as POST /api/v1/modules does, and
// their plugins published), editions, and the example entries submitted
// to editions still open. A slug held by
// another account, a plugin taken down, and submissions to an edition
// whose deadline has passed are left alone and reported as skipped.
func Load(ctx context.Context, d Deps) (Report, error) {
	var r Report
	cat, err := parseCatalogue()
	if err != nil {
		return r, err
	}
	tools, err := parseTools()
	if err != nil {
		return r, err
	}
	owner, err := ensureAccount(ctx, d.Store)
	if err != nil {
		return r, err
	}
	for _, e := range cat.entries {
		o, why, err := syncEntry(ctx, d.Registry, owner, e)
		if err != nil {
			return r, err
		}
		r.Plugins.count(o, "plugin "+e.slug, why, &r.Skipped)
	}
	if err := uploadNew(ctx, d.Registry, owner, tools); err != nil {
		return r, err
	}
	for _, t := range tools {
		o, why, err := syncTool(ctx, d.Registry, owner, t)
		if err != nil {
			return r, err
		}
		r.Tools.count(o, "plugin "+t.slug, why, &r.Skipped)
	}
	today := d.now()
	for _, ed := range cat.editions {
		if err := syncEdition(ctx, d.Hackathons, owner, ed, today, &r); err != nil {
			return r, err
		}
	}
	platform, err := platformUser(ctx, d.Store)
	if err != nil {
		return r, err
	}
	for _, ed := range cat.editions {
		if err := submitEntries(ctx, d, ed, owner, platform, &r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// ensureAccount returns the seed account, creating it, disabled and
// without a password, the first time.
func ensureAccount(ctx context.Context, st *store.Store) (auth.User, error) {
	u, err := st.UserByEmail(ctx, AccountEmail)
	if errors.Is(err, store.ErrNotFound) {
		u, err = st.CreateUser(ctx, store.NewUser{Email: AccountEmail, Name: accountName, Role: string(auth.RoleOrganizer), Verified: true})
		if errors.Is(err, store.ErrConflict) { // created meanwhile by another process
			u, err = st.UserByEmail(ctx, AccountEmail)
		} else if err == nil {
			disabled := true
			u, err = st.UpdateUser(ctx, u.ID, store.UserPatch{Disabled: &disabled})
		}
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("seed account: %w", err)
	}
	return auth.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: auth.Role(u.Role)}, nil
}

// platformUser returns the account owning compiled-in plugins, or a zero
// User when none has been registered.
func platformUser(ctx context.Context, st *store.Store) (auth.User, error) {
	u, err := st.UserByEmail(ctx, registry.PlatformEmail)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return auth.User{}, nil
	case err != nil:
		return auth.User{}, fmt.Errorf("platform account: %w", err)
	}
	return auth.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: auth.Role(u.Role)}, nil
}

// outcome is what loading did to one thing.
type outcome int

const (
	created  outcome = iota // it was added
	updated                 // it was there, and given what it lacked
	existing                // it was there, and left as it was
	skipped                 // it was left alone, for a reason
)

// count adds an outcome to the tally, or the reason to the skipped ones.
func (t *Tally) count(o outcome, what, reason string, skips *[]Skip) {
	switch o {
	case created:
		t.Created++
	case updated:
		t.Updated++
	case existing:
		t.Existing++
	case skipped:
		*skips = append(*skips, Skip{what, reason})
	}
}

// syncEntry creates a plugin with its versions and publishes it, or gives
// an existing one of the owner's the versions and publication it lacks.
// It says why when it skips the entry.
func syncEntry(ctx context.Context, reg *registry.Service, owner auth.User, e entry) (outcome, string, error) {
	return syncPlugin(ctx, reg, owner, e, nil)
}

// syncPlugin is syncEntry, calling before (unless nil) before it creates
// the plugin or adds a version.
func syncPlugin(ctx context.Context, reg *registry.Service, owner auth.User, e entry, before func() error) (outcome, string, error) {
	if before == nil {
		before = func() error { return nil }
	}
	p, err := reg.Get(ctx, owner, e.slug)
	result := existing
	if errors.Is(err, store.ErrNotFound) {
		if err := before(); err != nil {
			return 0, "", err
		}
		p, err = reg.Create(ctx, owner, e.versions[0].Canonical())
		if errors.Is(err, store.ErrConflict) { // registered meanwhile by another process
			p, err = reg.Get(ctx, owner, e.slug)
		} else if err == nil {
			result = created
		}
	}
	switch {
	case err != nil:
		return 0, "", fmt.Errorf("plugin %s: %w", e.slug, err)
	case p.OwnerID != owner.ID:
		return skipped, "the slug belongs to another account", nil
	case p.Status == store.StatusRemoved:
		return skipped, "it was removed", nil
	}
	added, err := addMissingVersions(ctx, reg, owner, e, before)
	if err != nil {
		return 0, "", err
	}
	if p.Status == store.StatusDraft {
		if _, err := reg.Publish(ctx, owner, e.slug); err != nil && !errors.Is(err, store.ErrConflict) {
			return 0, "", fmt.Errorf("publish plugin %s: %w", e.slug, err)
		}
		added = true
	}
	if added && result == existing {
		result = updated
	}
	return result, "", nil
}

// addMissingVersions publishes the entry's versions the plugin lacks,
// oldest first, calling before ahead of each. A yanked version counts as
// present: numbers are never reused.
func addMissingVersions(ctx context.Context, reg *registry.Service, owner auth.User, e entry, before func() error) (bool, error) {
	added := false
	for _, m := range e.versions {
		_, err := reg.Version(ctx, owner, e.slug, m.Version)
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return added, fmt.Errorf("plugin %s: %w", e.slug, err)
		}
		if err := before(); err != nil {
			return added, err
		}
		if _, err := reg.AddVersion(ctx, owner, e.slug, m.Canonical()); err != nil && !errors.Is(err, store.ErrConflict) {
			return added, fmt.Errorf("plugin %s version %s: %w", e.slug, m.Version, err)
		}
		added = true
	}
	return added, nil
}

// syncEdition creates an edition unless its slug exists: an edition
// already there may have been edited by its organizers, and stays as is.
func syncEdition(ctx context.Context, hs *hackathons.Service, owner auth.User, ed edition, today time.Time, r *Report) error {
	_, err := hs.Get(ctx, ed.Slug)
	if err == nil {
		r.Editions.Existing++
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("edition %s: %w", ed.Slug, err)
	}
	in, err := ed.input(today)
	if err != nil {
		return err
	}
	_, err = hs.Create(ctx, owner, in)
	switch {
	case errors.Is(err, store.ErrConflict): // created meanwhile by another process
		r.Editions.Existing++
	case err != nil:
		return fmt.Errorf("edition %s: %w", ed.Slug, err)
	default:
		r.Editions.Created++
	}
	return nil
}

// submitEntries enters the edition's listed example entries, as their
// owner, and the listed compiled-in tools, as the platform, unless
// submissions are closed.
func submitEntries(ctx context.Context, d Deps, ed edition, owner, platform auth.User, r *Report) error {
	if len(ed.Submissions)+len(ed.BuiltinSubmissions) == 0 {
		return nil
	}
	h, err := d.Hackathons.Get(ctx, ed.Slug)
	if err != nil {
		return fmt.Errorf("edition %s: %w", ed.Slug, err)
	}
	if !d.now().Before(h.SubmissionDeadline) {
		r.skip("submissions to "+ed.Slug, "submissions are closed")
		return nil
	}
	subs, err := d.Store.Submissions(ctx, h.ID)
	if err != nil {
		return err
	}
	entered := map[string]bool{}
	for _, s := range subs {
		entered[s.Slug] = true
	}
	for _, slug := range ed.Submissions {
		if err := submit(ctx, d, ed.Slug, slug, owner, entered, r); err != nil {
			return err
		}
	}
	for _, slug := range ed.BuiltinSubmissions {
		if platform.ID == 0 {
			r.skip("submission of "+slug+" to "+ed.Slug, "no compiled-in plugin is registered")
			continue
		}
		if err := submit(ctx, d, ed.Slug, slug, platform, entered, r); err != nil {
			return err
		}
	}
	return nil
}

func submit(ctx context.Context, d Deps, edition, slug string, as auth.User, entered map[string]bool, r *Report) error {
	if entered[slug] {
		r.Submissions.Existing++
		return nil
	}
	what := "submission of " + slug + " to " + edition
	p, err := d.Registry.Get(ctx, as, slug)
	switch {
	case errors.Is(err, store.ErrNotFound):
		r.skip(what, "no such plugin")
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	case p.OwnerID != as.ID:
		r.skip(what, "the plugin belongs to another account")
		return nil
	case p.Status != store.StatusPublished:
		r.skip(what, "the plugin is "+p.Status)
		return nil
	}
	_, created, err := d.Hackathons.Submit(ctx, as, edition, slug)
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	case created:
		r.Submissions.Created++
	default:
		r.Submissions.Existing++
	}
	return nil
}

// Empty reports whether the database holds no edition and no plugin
// besides the compiled-in ones: a first start, on which the seed
// catalogue is worth loading.
func Empty(ctx context.Context, st *store.Store) (bool, error) {
	if _, n, err := st.ListHackathons(ctx, store.Page{Limit: 1}); err != nil || n > 0 {
		return false, err
	}
	platform, err := platformUser(ctx, st)
	if err != nil {
		return false, err
	}
	const page = 100 // far more than there are compiled-in plugins
	for _, status := range []string{store.StatusDraft, store.StatusPublished, store.StatusRemoved} {
		list, n, err := st.ListPlugins(ctx, store.PluginFilter{Organizer: true, Status: status}, store.Page{Limit: page})
		if err != nil || n > page {
			return false, err
		}
		for _, p := range list {
			if p.OwnerID != platform.ID {
				return false, nil
			}
		}
	}
	return true, nil
}
