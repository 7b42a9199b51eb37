package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/plugins"
)

// genSpec is what the load generator writes: plugins published with
// versions, accounts that own them, and editions whose entries are
// reviewed and decided, their results published (which gives badges).
type genSpec struct {
	Plugins  int // N
	Accounts int // M
	Editions int
	Entries  int // K, per edition
	Versions int // per plugin, the last one displayed
	Batch    int // plugins per transaction
	Workers  int // transactions at once (1 on SQLite, which has one writer)
}

func defaultSpec(n int) genSpec {
	return genSpec{Plugins: n, Accounts: max(10, n/10), Editions: max(1, n/5000), Entries: min(200, max(10, n/100)),
		Versions: 2, Batch: 500, Workers: 1}
}

// generated is a generated plugin: its manifest and what it displays.
type generated struct {
	slug     string
	manifest []byte
	latest   store.Latest
}

// genPlugin builds plugin i at version: the bench corpus's manifest (French,
// English or Arabic text with Zipf word frequencies) and its display fields.
func genPlugin(c *corpus, i int, version string) (generated, error) {
	m := c.manifest(i, version)
	var f struct {
		Slug, Name, Summary, License string
		Categories, Languages, Tags  []string
		Runtime                      struct{ Type string }
	}
	if err := json.Unmarshal([]byte(m), &f); err != nil {
		return generated{}, fmt.Errorf("manifest %d: %w", i, err)
	}
	v := version
	return generated{slug: f.Slug, manifest: []byte(m), latest: store.Latest{Version: &v, Manifest: []byte(m), Runtime: f.Runtime.Type,
		Name: f.Name, Summary: f.Summary, Categories: f.Categories, Languages: f.Languages, Tags: f.Tags, License: f.License}}, nil
}

// generate writes spec's data through the store, in transactions of
// spec.Batch plugins, and leaves the search outbox empty: the caller
// indexes with a full reindex. It reports what it wrote.
func generate(ctx context.Context, dsn string, spec genSpec, seed uint64) (string, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return "", err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return "", err
	}
	start := time.Now()
	// The administrator the bench signs in as, then the accounts.
	hash, err := auth.NewHasher(auth.OWASPParams(), 1).Hash(ctx, adminPassword)
	if err != nil {
		return "", err
	}
	// Accounts: the hash is no password's, so that none can sign in.
	admin, err := st.CreateUser(ctx, store.NewUser{Email: adminEmail, Name: "Bench", Role: "admin", PasswordHash: hash, Verified: true})
	if err != nil {
		return "", err
	}
	users := make([]int64, spec.Accounts)
	for from := 0; from < spec.Accounts; from += spec.Batch {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			for i := from; i < min(from+spec.Batch, spec.Accounts); i++ {
				lang := []string{"fr", "en"}[i%2]
				u, err := tx.CreateUser(ctx, store.NewUser{Email: fmt.Sprintf("gen-%d@bench.example.org", i),
					Name: fmt.Sprintf("Compte %d", i), Role: "participant", PasswordHash: "!generated", Language: lang, Verified: true})
				if err != nil {
					return err
				}
				users[i] = u.ID
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("accounts: %w", err)
		}
	}
	accounts := time.Since(start)

	// Plugins, batches in order; workers > 1 write batches at once.
	ids := make([]int64, spec.Plugins)
	batches := make(chan int)
	errs := make(chan error, spec.Workers)
	var wg sync.WaitGroup
	for range spec.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := range batches {
				if err := genBatch(ctx, st, spec, seed, from, admin.ID, users, ids); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	func() {
		defer close(batches)
		for from := 0; from < spec.Plugins; from += spec.Batch {
			select {
			case batches <- from:
			case err := <-errs:
				errs <- err
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	select {
	case err := <-errs:
		return "", err
	default:
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	plugins := time.Since(start) - accounts

	// Editions: K entries each, two reviews per entry, decisions, results.
	t0 := time.Now()
	for e := range spec.Editions {
		if err := genEdition(ctx, st, spec, e, users, ids); err != nil {
			return "", fmt.Errorf("edition %d: %w", e, err)
		}
	}
	editions := time.Since(t0)

	// The search index is built by a full reindex: empty the outbox.
	t0 = time.Now()
	for {
		work, err := st.ClaimIndexWork(ctx, 5000, time.Now(), time.Hour)
		if err != nil {
			return "", err
		}
		if len(work) == 0 {
			break
		}
		if err := st.CompleteIndexWork(ctx, work); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d accounts in %s, %d plugins × %d versions in %s, %d editions × %d entries in %s, outbox emptied in %s",
		spec.Accounts, accounts.Round(time.Millisecond), spec.Plugins, spec.Versions, plugins.Round(time.Millisecond),
		spec.Editions, spec.Entries, editions.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond)), nil
}

// genBatch writes plugins [from, from+Batch) in one transaction, each with
// its versions, the last one displayed, and published.
//
// The administrator owns one plugin in four (those whose number is a
// multiple of four), for the relay's burst of new versions.
func genBatch(ctx context.Context, st *store.Store, spec genSpec, seed uint64, from int, admin int64, users, ids []int64) error {
	// A corpus per batch, seeded by the batch: the same data whatever the
	// number of workers. Its vocabulary is shared (see sharedCorpus).
	c := sharedCorpus(seed).fork(seed ^ uint64(from))
	to := min(from+spec.Batch, spec.Plugins)
	return st.InTx(ctx, func(tx *store.Tx) error {
		for i := from; i < to; i++ {
			owner := users[i%len(users)]
			if i%4 == 0 {
				owner = admin
			}
			id, err := tx.InsertPlugin(ctx, fmt.Sprintf("s-%d", i), owner)
			if err != nil {
				return err
			}
			ids[i] = id
			var g generated
			for v := range spec.Versions {
				if g, err = genPlugin(c, i, fmt.Sprintf("1.%d.0", v)); err != nil {
					return err
				}
				sum := sha256.Sum256(g.manifest)
				if _, err := tx.InsertVersion(ctx, id, store.NewPluginVersion{Version: *g.latest.Version, Key: *g.latest.Version,
					Manifest: g.manifest, SHA256: hex.EncodeToString(sum[:]), CreatedBy: owner}); err != nil {
					return err
				}
			}
			if err := tx.SetLatest(ctx, id, g.latest); err != nil {
				return err
			}
			// The names the look-alike check compares, as registration
			// records them: a server does not record them all on its
			// first start, which would count in the start-up measured.
			if err := tx.SetPluginNames(ctx, id, []string{plugins.NameKey(fmt.Sprintf("s-%d", i)), plugins.NameKey(g.latest.Name)}); err != nil {
				return err
			}
			if err := tx.PublishPlugin(ctx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// genEdition writes edition e: K entries among the plugins, two judges'
// reviews of each, a third accepted (one in ten awarded), results
// published.
func genEdition(ctx context.Context, st *store.Store, spec genSpec, e int, users, ids []int64) error {
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -30*(e+1))
	admin := users[0]
	return st.InTx(ctx, func(tx *store.Tx) error {
		h, err := tx.InsertHackathon(ctx, store.Hackathon{Slug: fmt.Sprintf("edition-%d", e), Name: fmt.Sprintf("Édition %d", e),
			City: []string{"Paris", "Bruxelles", "Tunis", "Marseille", "Genève"}[e%5], Description: "Édition générée pour le banc d'essai.",
			StartsAt: day, EndsAt: day.AddDate(0, 0, 2), SubmissionDeadline: day.AddDate(0, 0, 2), JudgingDeadline: day.AddDate(0, 0, 9),
			Rubric: []byte(`[{"id":"impact","label":"Impact","weight":1,"max":5}]`), CreatedBy: admin})
		if err != nil {
			return err
		}
		judges := []int64{users[(e*2+1)%len(users)], users[(e*2+2)%len(users)]}
		for _, j := range judges {
			if err := tx.AddJudge(ctx, h.ID, j); err != nil {
				return err
			}
		}
		for k := range spec.Entries {
			i := (e*spec.Entries + k*37) % len(ids)
			if _, err := tx.SaveSubmission(ctx, h.ID, ids[i], fmt.Sprintf("1.%d.0", spec.Versions-1), users[i%len(users)]); err != nil {
				return err
			}
			for n, j := range judges {
				if _, err := tx.SaveReview(ctx, h.ID, store.Review{JudgeID: j, PluginID: ids[i],
					Scores: fmt.Appendf(nil, `{"impact":%d}`, 1+(k+n)%5), Comment: "Bon travail, documentation à compléter."}); err != nil {
					return err
				}
			}
			status, award := "rejected", ""
			if k%3 == 0 {
				status = "accepted"
				if k%10 == 0 {
					award = "Prix du jury"
				}
			}
			if err := tx.Decide(ctx, h.ID, ids[i], status, award, "", admin); err != nil {
				return err
			}
		}
		return tx.PublishResults(ctx, h, admin)
	})
}
