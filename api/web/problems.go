package web

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/auth"
	"github.com/riposte-civic/riposte/api/store"
	"github.com/riposte-civic/riposte/api/valid"
)

// The services speak to programs, in English: "must come after starts_at",
// "judging opens at 2026-06-14 09:00 UTC". Pages speak to people in their
// language, and never name a route or a JSON field. wordings says each kind
// of service message again in the page's words: a pattern recognises the
// message, and its groups are the values the page's message carries,
// written as the visitor's language writes them (numbers, dates, the labels
// of fields). A message no pattern knows is never shown as it is.
var wordings = []struct {
	re  *regexp.Regexp
	key string
}{
	// Field problems.
	{regexp.MustCompile(`^is required: a date and time`), "problem.date"},
	{regexp.MustCompile(`^is required: the account id of the judge$`), "problem.judge"},
	{regexp.MustCompile(`^is required$`), "problem.required"},
	{regexp.MustCompile(`^is not your current password$`), "problem.currentpassword"},
	{regexp.MustCompile(`^is already your address$`), "problem.sameemail"},
	{regexp.MustCompile(`^an account with this e-mail address already exists$`), "problem.takenemail"},
	{regexp.MustCompile(`^this link is not valid`), "reset.badlink"},
	{regexp.MustCompile(`^must be at most (\d+) characters long`), "problem.toolong"},
	{regexp.MustCompile(`^must be at least (\d+) characters long$`), "problem.tooshort"},
	{regexp.MustCompile(`^must be valid UTF-8 text$`), "problem.utf8"},
	{regexp.MustCompile(`^must be an e-mail address`), "problem.email"},
	{regexp.MustCompile(`^must be lowercase words joined by hyphens`), "problem.slug"},
	{regexp.MustCompile(`^must come after (\w+)$`), "problem.after"},
	{regexp.MustCompile(`^must not come before (\w+)$`), "problem.notbefore"},
	{regexp.MustCompile(`^must come before (\w+)$`), "problem.before"},
	{regexp.MustCompile(`^must be from (\d+) to (\d+)$`), "problem.range"},
	{regexp.MustCompile(`^give 1 to (\d+) criteria$`), "problem.criteria"},
	{regexp.MustCompile(`^must be a short lowercase identifier`), "problem.key"},
	{regexp.MustCompile(`^"(.+)" is used twice$`), "problem.twice"},
	{regexp.MustCompile(`^must be greater than 0 \(and at most (\d+)\)$`), "problem.weight"},
	{regexp.MustCompile(`^scores go from min to max: 0 ≤ min < max ≤ (\d+)$`), "problem.scores"},
	{regexp.MustCompile(`^is missing: score .* from (-?\d+) to (\d+)$`), "problem.whole"},
	{regexp.MustCompile(`: it must be a whole number from (-?\d+) to (\d+)$`), "problem.whole"},
	{regexp.MustCompile(`^"(.+)" is not a criterion`), "problem.criterion"},
	{regexp.MustCompile(`^is not a judge of this edition$`), "problem.notjudge"},
	{regexp.MustCompile(`^is not an entry of this edition$`), "problem.notentry"},
	{regexp.MustCompile(`^must be accepted or rejected$`), "problem.decision"},
	{regexp.MustCompile(`^only accepted entries can receive an award$`), "problem.award"},
	{regexp.MustCompile(`^no account has this id$`), "admin.noaccount"},
	{regexp.MustCompile(`^give this account the judge role first`), "problem.role"},
	// What JSON Schema says of a plugin's input.
	{regexp.MustCompile(`^missing propert(?:y|ies) `), "problem.required"},
	{regexp.MustCompile(`^value must be one of `), "problem.oneof"},
	{regexp.MustCompile(`^value must be `), "problem.oneof"},
	{regexp.MustCompile(`^minLength: got \d+, want (\d+)$`), "problem.tooshort"},
	{regexp.MustCompile(`^maxLength: got \d+, want (\d+)$`), "problem.toolong"},
	{regexp.MustCompile(`^minimum: got .+, want (.+)$`), "problem.min"},
	{regexp.MustCompile(`^maximum: got .+, want (.+)$`), "problem.max"},
	{regexp.MustCompile(`^minItems: got \d+, want (\d+)$`), "problem.minitems"},
	{regexp.MustCompile(`^maxItems: got \d+, want (\d+)$`), "problem.maxitems"},
	{regexp.MustCompile(`^got \w+, want \w+$`), "problem.type"},
	{regexp.MustCompile(`(?:does not match pattern|is not valid) `), "problem.format"},
	{regexp.MustCompile(`^is not valid JSON$`), "try.json"},
	// Refusals.
	{regexp.MustCompile(`^(.+) already judges this edition$`), "refusal.judge"},
	{regexp.MustCompile(`^results are published; conflicts`), "refusal.published.conflicts"},
	{regexp.MustCompile(`^results are published; assignments`), "refusal.published.assignments"},
	{regexp.MustCompile(`^results are published; decisions`), "refusal.published.decisions"},
	{regexp.MustCompile(`^results are published; reviews`), "refusal.published.reviews"},
	{regexp.MustCompile(`^results are already published$`), "refusal.published.again"},
	{regexp.MustCompile(`^judging is open until (.+)$`), "refusal.judging.open"},
	{regexp.MustCompile(`^judging opens at (.+)$`), "refusal.judging.notyet"},
	{regexp.MustCompile(`^judging closed at (.+)$`), "refusal.judging.closed"},
	{regexp.MustCompile(`^the rubric is frozen`), "refusal.rubric"},
	{regexp.MustCompile(`^the slug "(.+)" is taken`), "refusal.slug"},
	{regexp.MustCompile(`^submissions closed at (.+)$`), "refusal.entries.closed"},
	{regexp.MustCompile(`^entries can no longer be withdrawn`), "refusal.entries.final"},
	{regexp.MustCompile(`^publish the plugin \(with a live version\) before submitting it$`), "refusal.entries.draft"},
	{regexp.MustCompile(`^only drafts can be published, and this plugin is (\w+)$`), "refusal.publish"},
	{regexp.MustCompile(`^the plugin (?:is already removed|was removed)`), "refusal.removed"},
	{regexp.MustCompile(`^version (\S+) already exists`), "refusal.version"},
	{regexp.MustCompile(`^every version is yanked`), "refusal.yanked"},
	{regexp.MustCompile(`^this plugin is a catalogue entry`), "try.unavailable.help"},
	{regexp.MustCompile(`^the plugin cannot be called yet`), "refusal.secret"},
	{regexp.MustCompile(`^the results of this edition are not published yet$`), "refusal.results"},
	{regexp.MustCompile(`^this needs the organizer role$`), "refusal.organizer"},
	{regexp.MustCompile(`^only the plugin's owner`), "refusal.owner"},
	{regexp.MustCompile(`^only organizers, and judges about themselves, can declare conflicts$`), "refusal.conflicts"},
	{regexp.MustCompile(`^you have a conflict of interest with `), "refusal.conflicted"},
	{regexp.MustCompile(`^too many`), "error.ratelimit"},
}

// fieldLabels are the labels of the fields that messages name.
var fieldLabels = map[string]string{
	"starts_at": "edition.starts", "ends_at": "edition.ends", "submission_deadline": "edition.submissions",
	"judging_deadline": "edition.judging", "judging_starts_at": "edition.judgingstarts",
}

// word says a service's message in l's language; ok is false when the
// message is of no kind that wordings knows.
func (l *locale) word(msg string) (string, bool) {
	msg = bare(msg)
	for _, w := range wordings {
		m := w.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, v := range m[1:] {
			args[i] = l.value(v)
		}
		return l.T(w.key, args...), true
	}
	return "", false
}

// value writes one value of a message as l does: a number, a date, the
// label of a field or of a state.
func (l *locale) value(v string) string {
	if n, err := strconv.Atoi(v); err == nil {
		return l.Int(n)
	}
	if t, err := time.Parse("2006-01-02 15:04 MST", v); err == nil {
		return l.DateTime(t)
	}
	if key, ok := fieldLabels[v]; ok {
		return l.T(key)
	}
	return l.Label("status", v)
}

// bare is a message without the words of the sentinel error it wraps.
func bare(msg string) string {
	for _, p := range []string{store.ErrConflict.Error() + ": ", store.ErrNotFound.Error() + ": "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return strings.TrimSuffix(msg, ": "+auth.ErrForbidden.Error())
}

// problemText is what a page says of a service's problem with a field.
func problemText(l *locale, msg string) string {
	if s, ok := l.word(msg); ok {
		return s
	}
	return l.T("problem.invalid")
}

// message is what a page says of a refusal (a conflict with the state of
// things, an action not allowed): the service's reason, in the visitor's
// words, or a general one.
func message(l *locale, err error) string {
	if s, ok := l.word(err.Error()); ok {
		return s
	}
	return l.T("error.conflict.help")
}

// fieldMessages indexes validation problems by field, worded for the
// visitor; the first problem of a field wins.
func fieldMessages(l *locale, errs valid.Errors) map[string]string {
	m := map[string]string{}
	for _, p := range errs {
		if _, ok := m[p.Field]; !ok {
			m[p.Field] = problemText(l, p.Message)
		}
	}
	return m
}

var missingProperty = regexp.MustCompile(`^missing property '([^']+)'$`)

// inputProblem words a problem with a plugin's input for the "Try it"
// form and names the form field it is about ("" for the input as a whole):
// a missing property is the problem of its own field. What the plugin
// itself says of its input, no pattern knows; it is quoted as the tool's.
func inputProblem(l *locale, p valid.Problem) (field, text string) {
	path := strings.TrimPrefix(strings.TrimPrefix(p.Field, "input"), ".")
	if m := missingProperty.FindStringSubmatch(p.Message); m != nil && path == "" {
		path = m[1]
	}
	field, _, _ = strings.Cut(path, ".")
	field, _, _ = strings.Cut(field, "[")
	if s, ok := l.word(p.Message); ok {
		return field, s
	}
	return field, l.T("problem.plugin", p.Message)
}
