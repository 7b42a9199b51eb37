package seed

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/riposte-civic/riposte/api/hackathons"
	"github.com/riposte-civic/riposte/api/judging"
	"github.com/riposte-civic/riposte/plugins"
)

//go:embed catalogue.yaml editions.yaml demo.yaml
var files embed.FS

// How example entries are marked, whatever their catalogue file says.
const (
	// ExampleTag is the tag every example entry carries.
	ExampleTag = "exemple"
	// RepositoryBase is where example entries' repositories point: a
	// domain reserved for examples, so that nobody mistakes them for
	// real projects.
	RepositoryBase = "https://example.org/"
)

// notices open the description of every example entry, in the entry's
// first language.
var notices = map[string]string{
	"fr": "*Exemple — cette fiche fait partie du catalogue de démonstration de Riposte : l'outil qu'elle décrit n'existe pas.*",
	"en": "*Example — this entry belongs to Riposte's demonstration catalogue: the tool it describes does not exist.*",
	"ar": "*مثال — هذه البطاقة جزء من الفهرس التوضيحي لمنصة Riposte: الأداة التي تصفها غير موجودة.*",
}

// entry is one example plugin: its manifests, oldest first; the last is
// the current version.
type entry struct {
	slug     string
	versions []*plugins.Manifest
}

// catalogue is the parsed seed.
type catalogue struct {
	entries  []entry
	editions []edition
}

func parseCatalogue() (catalogue, error) {
	var c catalogue
	data, err := files.ReadFile("catalogue.yaml")
	if err != nil {
		return c, err
	}
	var doc struct {
		Entries []yaml.Node `yaml:"entries"`
	}
	if err := strictYAML(data, &doc); err != nil {
		return c, fmt.Errorf("seed catalogue.yaml: %w", err)
	}
	for i := range doc.Entries {
		e, err := parseEntry(&doc.Entries[i])
		if err != nil {
			return c, fmt.Errorf("seed catalogue.yaml, entry at line %d: %w", doc.Entries[i].Line, err)
		}
		c.entries = append(c.entries, e)
	}
	c.editions, err = parseEditions()
	return c, err
}

func strictYAML(data []byte, v any) error {
	d := yaml.NewDecoder(bytes.NewReader(data))
	d.KnownFields(true)
	return d.Decode(v)
}

// earlierVersion is a version published before an entry's current one:
// the same manifest with another number and change log.
type earlierVersion struct {
	Version string `yaml:"version"`
	Changes []struct {
		Kind        string `yaml:"kind"`
		Description string `yaml:"description"`
	} `yaml:"changes"`
}

// parseEntry decodes a manifest written in the catalogue, with the
// seed-only key earlier_versions, and marks it as an example.
func parseEntry(n *yaml.Node) (entry, error) {
	if n.Kind != yaml.MappingNode {
		return entry{}, fmt.Errorf("an entry must be a manifest (a mapping)")
	}
	var earlier []earlierVersion
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "earlier_versions" {
			if err := n.Content[i+1].Decode(&earlier); err != nil {
				return entry{}, fmt.Errorf("earlier_versions: %w", err)
			}
			n.Content = slices.Delete(n.Content, i, i+2)
			break
		}
	}
	data, err := yaml.Marshal(n)
	if err != nil {
		return entry{}, err
	}
	m, err := plugins.Decode(data)
	if err != nil {
		return entry{}, err
	}
	if err := markAsExample(m); err != nil {
		return entry{}, fmt.Errorf("%s: %w", m.Slug, err)
	}
	e := entry{slug: m.Slug}
	for _, ev := range earlier {
		old := *m
		old.Version, old.Changes = ev.Version, nil
		for _, c := range ev.Changes {
			old.Changes = append(old.Changes, plugins.Change{Kind: c.Kind, Description: c.Description})
		}
		e.versions = append(e.versions, &old)
	}
	e.versions = append(e.versions, m)
	return e, nil
}

// markAsExample gives an example entry what marks it as one: the example
// tag, a notice at the top of its description, a repository under
// RepositoryBase, and the catalogue-only runtime.
func markAsExample(m *plugins.Manifest) error {
	if m.Repository == "" {
		m.Repository = RepositoryBase + "riposte-exemples/" + m.Slug
	}
	if !strings.HasPrefix(m.Repository, RepositoryBase) {
		return fmt.Errorf("an example's repository must be under %s, not %s", RepositoryBase, m.Repository)
	}
	if m.Homepage != "" && !strings.HasPrefix(m.Homepage, RepositoryBase) {
		return fmt.Errorf("an example's homepage must be under %s, not %s", RepositoryBase, m.Homepage)
	}
	switch m.Runtime.Type {
	case "":
		m.Runtime.Type = plugins.RuntimeNone
	case plugins.RuntimeNone:
	default:
		return fmt.Errorf("an example is a catalogue entry: its runtime must be none, not %s", m.Runtime.Type)
	}
	if !slices.Contains(m.Tags, ExampleTag) {
		m.Tags = append([]string{ExampleTag}, m.Tags...)
	}
	notice := notices["en"]
	if len(m.Languages) > 0 && notices[m.Languages[0]] != "" {
		notice = notices[m.Languages[0]]
	}
	if !strings.HasPrefix(m.Description, notice) {
		m.Description = strings.TrimSpace(notice + "\n\n" + m.Description)
	}
	return nil
}

// edition is a hackathon of the seed catalogue.
type edition struct {
	Slug        string   `yaml:"slug"`
	Name        string   `yaml:"name"`
	City        string   `yaml:"city"`
	Description string   `yaml:"description"`
	Dates       *dates   `yaml:"dates"`
	Schedule    *plan    `yaml:"schedule"`
	Sources     []source `yaml:"sources"`
	Rubric      string   `yaml:"rubric"`
	// Submissions are example entries to enter in the edition.
	Submissions []string `yaml:"submissions"`
	// BuiltinSubmissions are compiled-in tools to enter, when present.
	BuiltinSubmissions []string `yaml:"builtin_submissions"`

	rubric judging.Rubric
}

// dates are an edition's fixed dates.
type dates struct {
	StartsAt           time.Time `yaml:"starts_at"`
	EndsAt             time.Time `yaml:"ends_at"`
	SubmissionDeadline time.Time `yaml:"submission_deadline"`
	JudgingDeadline    time.Time `yaml:"judging_deadline"`
}

// plan gives an edition's dates relative to the day it is loaded. Judging
// starts at the submission deadline unless JudgingStartsAt says otherwise.
type plan struct {
	StartsAt           offset  `yaml:"starts_at"`
	EndsAt             offset  `yaml:"ends_at"`
	SubmissionDeadline offset  `yaml:"submission_deadline"`
	JudgingDeadline    offset  `yaml:"judging_deadline"`
	JudgingStartsAt    *offset `yaml:"judging_starts_at"`
}

// offset is a time of day (UTC, "15:04") some days after the load day
// (before it when Days is negative).
type offset struct {
	Days int    `yaml:"days"`
	At   string `yaml:"at"`
}

func (o offset) from(day time.Time) (time.Time, error) {
	at, err := time.Parse("15:04", o.At)
	if err != nil {
		return time.Time{}, fmt.Errorf("at %q: want a UTC time such as 18:00", o.At)
	}
	return day.AddDate(0, 0, o.Days).Add(time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute), nil
}

// source is a public document an edition's facts come from.
type source struct {
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
}

func parseEditions() ([]edition, error) {
	data, err := files.ReadFile("editions.yaml")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Rubrics  map[string][]criterion `yaml:"rubrics"`
		Editions []edition              `yaml:"editions"`
	}
	if err := strictYAML(data, &doc); err != nil {
		return nil, fmt.Errorf("seed editions.yaml: %w", err)
	}
	for i, ed := range doc.Editions {
		cs, ok := doc.Rubrics[ed.Rubric]
		if !ok {
			return nil, fmt.Errorf("seed editions.yaml: edition %s: no rubric named %q", ed.Slug, ed.Rubric)
		}
		for _, c := range cs {
			doc.Editions[i].rubric = append(doc.Editions[i].rubric, judging.Criterion(c))
		}
	}
	return doc.Editions, nil
}

// criterion is judging.Criterion as written in YAML.
type criterion struct {
	Key         string  `yaml:"key"`
	Label       string  `yaml:"label"`
	Description string  `yaml:"description"`
	Weight      float64 `yaml:"weight"`
	Min         int     `yaml:"min"`
	Max         int     `yaml:"max"`
}

// input is what creating the edition takes; today places a relative
// schedule.
func (ed edition) input(today time.Time) (hackathons.Input, error) {
	in := hackathons.Input{Slug: ed.Slug, Name: ed.Name, City: ed.City, Description: ed.description(), Rubric: ed.rubric}
	switch {
	case ed.Dates != nil && ed.Schedule == nil:
		in.StartsAt, in.EndsAt = ed.Dates.StartsAt, ed.Dates.EndsAt
		in.SubmissionDeadline, in.JudgingDeadline = ed.Dates.SubmissionDeadline, ed.Dates.JudgingDeadline
		return in, nil
	case ed.Schedule == nil:
		return in, fmt.Errorf("seed edition %s: give either dates or a schedule", ed.Slug)
	}
	day := today.UTC().Truncate(24 * time.Hour)
	var err error
	for _, f := range []struct {
		dst *time.Time
		o   offset
	}{{&in.StartsAt, ed.Schedule.StartsAt}, {&in.EndsAt, ed.Schedule.EndsAt},
		{&in.SubmissionDeadline, ed.Schedule.SubmissionDeadline}, {&in.JudgingDeadline, ed.Schedule.JudgingDeadline}} {
		if *f.dst, err = f.o.from(day); err != nil {
			return in, fmt.Errorf("seed edition %s: %w", ed.Slug, err)
		}
	}
	if o := ed.Schedule.JudgingStartsAt; o != nil {
		if in.JudgingStartsAt, err = o.from(day); err != nil {
			return in, fmt.Errorf("seed edition %s: %w", ed.Slug, err)
		}
	}
	return in, nil
}

// description is the edition's text followed by its sources.
func (ed edition) description() string {
	d := strings.TrimSpace(ed.Description)
	if len(ed.Sources) == 0 {
		return d
	}
	var b strings.Builder
	b.WriteString(d + "\n\n**Sources**\n")
	for _, s := range ed.Sources {
		fmt.Fprintf(&b, "\n- [%s](%s)", s.Title, s.URL)
	}
	return b.String()
}
