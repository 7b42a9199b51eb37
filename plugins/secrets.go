package plugins

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Credentials in a manifest. A manifest is public: a key pasted into its
// description or an example is leaked the moment it is published. Every
// string of the manifest (keys of its objects included) is scanned for
// the credentials below, and a match is a problem naming the field and
// the kind of credential, never the credential itself.
//
// The rules are ours, as data in this file. Maintained rule sets were
// weighed: gitleaks, used as a library, brings in a configuration
// framework and a large dependency tree for a scan of a few kilobytes;
// github.com/DefangLabs/secret-detector (a port of detect-secrets) is
// small, but lacks GitLab, Google Cloud, Standard Webhooks and Riposte's
// own tokens, and its keyword and entropy detectors refuse ordinary prose
// ("password: see the docs"). Each rule here matches a documented token
// format, with a fixed prefix or a context, so that hashes, UUIDs, images
// in base64 and prose pass. plugins/secrets_test.go holds true samples of
// each rule (built by concatenation, so that no scanner takes this
// repository for a leak) and false-positive samples.

// SecretAdvice ends the problem of a field that holds a credential.
const SecretAdvice = "remove it, and revoke it, since a published manifest is public"

// secretRule finds one kind of credential.
type secretRule struct {
	kind string         // what it is, as the problem says
	re   *regexp.Regexp // where one may be
	// confirm, when set, must accept the match (its first submatch when the
	// expression has one) for it to count.
	confirm func(string) bool
}

var secretRules = []secretRule{
	{kind: "an AWS access key ID", re: regexp.MustCompile(`\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})\b`), confirm: notExample},
	{kind: "an AWS secret access key", re: regexp.MustCompile(`(?i)\baws[_\-. ]?(?:secret[_\-. ]?(?:access[_\-. ]?)?key|secret)\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`), confirm: notExample},
	{kind: "a Google Cloud service-account key", re: regexp.MustCompile(`"private_key_id"\s*:\s*"[0-9a-f]{40}"`)},
	{kind: "a Google API key", re: regexp.MustCompile(`(?:^|[^0-9A-Za-z_\-])(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)`)},
	{kind: "an Azure storage account key", re: regexp.MustCompile(`(?i)\bAccountKey=[A-Za-z0-9+/]{86}==`)},
	{kind: "an Azure shared access key", re: regexp.MustCompile(`(?i)\bSharedAccessKey=[A-Za-z0-9+/]{43}=`)},
	{kind: "a GitHub token", re: regexp.MustCompile(`\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b`)},
	{kind: "a GitHub fine-grained token", re: regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b`)},
	{kind: "a GitLab token", re: regexp.MustCompile(`\bglpat-[A-Za-z0-9_\-]{20,}`)},
	{kind: "a Slack token", re: regexp.MustCompile(`\bxox[baprs]-[0-9]{8,}-[0-9A-Za-z\-]{8,}`)},
	{kind: "a Slack webhook URL", re: regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{16,}`)},
	{kind: "a Stripe live key", re: regexp.MustCompile(`\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b`)},
	{kind: "a private key", re: regexp.MustCompile(`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,300}?[A-Za-z0-9+/=]{40}`)},
	{kind: "a JSON Web Token", re: regexp.MustCompile(`\b(eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})`), confirm: jwtHeader},
	{kind: "a webhook signing secret", re: regexp.MustCompile(`\bwhsec_[A-Za-z0-9+/]{24,}`)},
	{kind: "a Riposte API token", re: regexp.MustCompile(`\brpt_[A-Z2-7]{52}\b`)},
	{kind: "a Riposte refresh token", re: regexp.MustCompile(`\brpr_[A-Z2-7]{52}\b`)},
}

// notExample refuses the placeholders of AWS's documentation
// (AKIAIOSFODNN7EXAMPLE and its secret), which tutorials quote.
func notExample(s string) bool { return !strings.Contains(s, "EXAMPLE") }

// jwtHeader accepts a token whose first part decodes to a JSON object
// with an "alg", as a JSON Web Token's header does.
func jwtHeader(token string) bool {
	head, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	_, ok := h["alg"].(string)
	return ok
}

// SecretKinds lists the kinds of credential that FindSecrets finds, as
// its answers name them.
func SecretKinds() []string {
	out := make([]string, len(secretRules))
	for i, r := range secretRules {
		out[i] = r.kind
	}
	return out
}

// FindSecrets returns the kinds of credential that s holds, each once, in
// the order of the rules.
func FindSecrets(s string) []string {
	var kinds []string
	for _, r := range secretRules {
		if r.found(s) && !slices.Contains(kinds, r.kind) {
			kinds = append(kinds, r.kind)
		}
	}
	return kinds
}

func (r secretRule) found(s string) bool {
	if r.confirm == nil {
		return r.re.MatchString(s)
	}
	for _, m := range r.re.FindAllStringSubmatch(s, -1) {
		if r.confirm(m[len(m)-1]) {
			return true
		}
	}
	return false
}

// ScanSecrets returns a problem for each field of the manifest, at its
// JSON path (such as "examples[0].input.text"), that holds a credential.
func ScanSecrets(m *Manifest) []Problem {
	dec := json.NewDecoder(bytes.NewReader(m.Canonical()))
	dec.UseNumber()
	var tree any
	if dec.Decode(&tree) != nil {
		return nil // cannot happen: Canonical is valid JSON
	}
	var ps problems
	seen := map[Problem]bool{}
	walkStrings("", tree, func(path, s string) {
		for _, kind := range FindSecrets(s) {
			p := Problem{path, fmt.Sprintf("holds what looks like %s: %s", kind, SecretAdvice)}
			if !seen[p] {
				seen[p] = true
				ps = append(ps, p)
			}
		}
	})
	return ps
}

// walkStrings calls f with every string in a decoded JSON value and its
// path; an object's keys are given with the path of their value.
func walkStrings(path string, v any, f func(path, s string)) {
	switch v := v.(type) {
	case string:
		f(path, v)
	case []any:
		for i, e := range v {
			walkStrings(fmt.Sprintf("%s[%d]", path, i), e, f)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			f(p, k)
			walkStrings(p, v[k], f)
		}
	}
}

func checkSecrets(m *Manifest, ps *problems) {
	*ps = append(*ps, ScanSecrets(m)...)
}
