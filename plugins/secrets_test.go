package plugins

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
)

// Alphabets of the token formats.
const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	alnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	base64Chars = alnum + "+/"
	base32Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	hexDigits   = "0123456789abcdef"
)

// fake returns n characters of alphabet, the same for the same seed and
// random-looking: the body of a real-looking credential that is nobody's.
// Samples are assembled at run time so that this file holds no string a
// scanner would take for a leaked credential.
func fake(alphabet string, n int, seed string) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		sum := sha256.Sum256([]byte(seed + string(rune('a'+i%26)) + strings.Repeat("x", i/26)))
		for _, c := range sum {
			if b.Len() < n {
				b.WriteByte(alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return b.String()
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// trueSecrets are real-looking credentials of every kind, each in a
// sentence, with the kind the scan must name.
func trueSecrets() []struct{ name, text, kind string } {
	pem := func(label string) string {
		return "-----BEGIN " + label + " PRIVATE KEY-----\n" + fake(base64Chars, 64, label) + "\n" + fake(base64Chars, 64, label+"2") +
			"\n-----END " + label + " PRIVATE KEY-----"
	}
	return []struct{ name, text, kind string }{
		{"AWS access key ID", "export AWS_ACCESS_KEY_ID=" + "AK" + "IA" + fake(upperDigits, 16, "aws"), "an AWS access key ID"},
		{"AWS temporary key ID", "id: " + "AS" + "IA" + fake(upperDigits, 16, "sts"), "an AWS access key ID"},
		{"AWS secret key in a config line", "aws_secret_access_key = " + fake(base64Chars, 40, "awss"), "an AWS secret access key"},
		{"AWS secret key in JSON", `{"AWS_SECRET_KEY": "` + fake(alnum, 40, "awss2") + `"}`, "an AWS secret access key"},
		{"GCP service-account key", `{"type": "service_account", "private_key_id": "` + fake(hexDigits, 40, "gcp") + `"}`, "a Google Cloud service-account key"},
		{"Google API key", "key=" + "AI" + "za" + fake(alnum+"-_", 35, "gapi"), "a Google API key"},
		{"Azure connection string", "DefaultEndpointsProtocol=https;AccountName=riposte;" + "Account" + "Key=" + fake(base64Chars, 86, "az") + "==;EndpointSuffix=core.windows.net", "an Azure storage account key"},
		{"Azure Service Bus key", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;" + "SharedAccess" + "Key=" + fake(base64Chars, 43, "sb") + "=", "an Azure shared access key"},
		{"GitHub personal token", "token " + "gh" + "p_" + fake(alnum, 36, "ghp"), "a GitHub token"},
		{"GitHub OAuth token", "gh" + "o_" + fake(alnum, 36, "gho"), "a GitHub token"},
		{"GitHub user-to-server token", "gh" + "u_" + fake(alnum, 36, "ghu"), "a GitHub token"},
		{"GitHub server-to-server token", "gh" + "s_" + fake(alnum, 36, "ghs"), "a GitHub token"},
		{"GitHub refresh token", "gh" + "r_" + fake(alnum, 36, "ghr"), "a GitHub token"},
		{"GitHub fine-grained token", "github" + "_pat_" + fake(alnum, 22, "pat1") + "_" + fake(alnum, 59, "pat2"), "a GitHub fine-grained token"},
		{"GitLab token", "PRIVATE-TOKEN: " + "gl" + "pat-" + fake(alnum+"_-", 20, "gl"), "a GitLab token"},
		{"Slack bot token", "xo" + "xb-" + fake("0123456789", 12, "s1") + "-" + fake("0123456789", 13, "s2") + "-" + fake(alnum, 24, "s3"), "a Slack token"},
		{"Slack user token", "xo" + "xp-" + fake("0123456789", 11, "u1") + "-" + fake("0123456789", 11, "u2") + "-" + fake(hexDigits, 32, "u3"), "a Slack token"},
		{"Slack webhook", "post to https://hooks." + "slack.com/services/T" + fake(upperDigits, 8, "w1") + "/B" + fake(upperDigits, 10, "w2") + "/" + fake(alnum, 24, "w3"), "a Slack webhook URL"},
		{"Stripe secret key", "sk" + "_live_" + fake(alnum, 24, "st"), "a Stripe live key"},
		{"Stripe restricted key", "rk" + "_live_" + fake(alnum, 24, "rk"), "a Stripe live key"},
		{"RSA private key", pem("RSA"), "a private key"},
		{"PKCS#8 private key", pem(""), "a private key"},
		{"OpenSSH private key", pem("OPENSSH"), "a private key"},
		{"EC private key", pem("EC"), "a private key"},
		{"JSON Web Token", "Authorization: Bearer " + b64url(`{"alg":"HS256","typ":"JWT"}`) + "." + b64url(`{"sub":"42","exp":1900000000}`) + "." + fake(alnum+"-_", 43, "jwt"), "a JSON Web Token"},
		{"webhook signing secret", "PLUGIN_SECRET=" + "wh" + "sec_" + fake(base64Chars, 32, "wh"), "a webhook signing secret"},
		{"Riposte API token", "RIPOSTE_TOKEN=" + "rp" + "t_" + fake(base32Upper, 52, "rpt"), "a Riposte API token"},
		{"Riposte refresh token", "rp" + "r_" + fake(base32Upper, 52, "rpr"), "a Riposte refresh token"},
	}
}

func TestFindSecretsFindsEveryKind(t *testing.T) {
	t.Parallel()
	found := map[string]bool{}
	for _, tc := range trueSecrets() {
		t.Run(tc.name, func(t *testing.T) {
			if got := FindSecrets(tc.text); !slices.Contains(got, tc.kind) {
				t.Errorf("FindSecrets(%q) = %q, want %q", tc.text, got, tc.kind)
			}
		})
		found[tc.kind] = true
	}
	for _, kind := range SecretKinds() {
		if !found[kind] {
			t.Errorf("no true sample of %q", kind)
		}
	}
}

func TestFindSecretsPassesLookalikes(t *testing.T) {
	t.Parallel()
	png := "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte(fake(alnum+"\x00\x01\x89", 3000, "png")))
	sum := sha256.Sum256([]byte("riposte"))
	for name, text := range map[string]string{
		"UUID":                         "request 123e4567-e89b-12d3-a456-426614174000 failed",
		"SHA-256 in docs":              "sha256:" + hex.EncodeToString(sum[:]),
		"git commit":                   "fixed in 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
		"image in base64":              png,
		"AKIA in prose":                "AWS access key IDs start with AKIA; never paste one here",
		"AWS documentation example":    "AKIA" + "IOSFODNN7EXAMPLE",
		"AWS secret example":           "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"example.com URL":              "https://example.com/api?key=abc123&token=xyz",
		"ghp_ in prose":                "GitHub tokens start with ghp_ or github_pat_",
		"public key":                   "-----BEGIN PUBLIC KEY-----\n" + fake(base64Chars, 64, "pub") + "\n-----END PUBLIC KEY-----",
		"private key header in prose":  "never paste a -----BEGIN PRIVATE KEY----- block into a manifest",
		"dotted base64 that is no JWT": b64url(`{"note":"no alg here"}`) + "." + fake(alnum, 12, "a") + "." + fake(alnum, 12, "b"),
		"version and host names":       "requires 1.2.3 on api.tool.example.org",
		"Stripe test key":              "sk" + "_test_" + fake(alnum, 24, "test"),
		"webhook secret placeholder":   "PLUGIN_SECRET=whsec_… go run .",
		"short Riposte prefix":         "tokens look like rpt_ followed by 52 letters",
		"Slack prose":                  "ask on Slack (xoxb tokens are never needed)",
		"Arabic and French":            "بلّغ عن المحتوى — Signalez les contenus haineux",
		"Google in prose":              "AIza keys belong to Google Cloud",
		"hex in a word":                "akia" + fake(hexDigits, 16, "lower"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := FindSecrets(text); len(got) > 0 {
				t.Errorf("FindSecrets found %q in a harmless text", got)
			}
		})
	}
}

func TestScanSecretsNamesFieldsNotSecrets(t *testing.T) {
	t.Parallel()
	secrets := trueSecrets()
	aws, pemKey, slack, jwt := secrets[0].text, secrets[20].text, secrets[17].text, secrets[24].text
	m := &Manifest{
		Slug: "secret-leak", Name: "Leak", Version: "1.0.0", Summary: "s", Description: "Set it up:\n" + pemKey,
		Homepage:    "https://hooks.slack.com/x",
		Maintainers: []Maintainer{{Name: "Ops " + aws, Email: "ops@example.org"}},
		InputSchema: []byte(`{"type":"object","properties":{"text":{"type":"string","default":"` + jwt + `"}}}`),
		Examples:    []Example{{Name: "one", Input: []byte(`{"text":"` + strings.ReplaceAll(slack, "/", `\/`) + `"}`)}},
		Tags:        []string{"ok"},
	}
	got := map[string]string{}
	for _, p := range ScanSecrets(m) {
		got[p.Path] = p.Message
	}
	want := map[string]string{
		"description":                          "a private key",
		"maintainers[0].name":                  "an AWS access key ID",
		"input_schema.properties.text.default": "a JSON Web Token",
		"examples[0].input.text":               "a Slack webhook URL",
	}
	if len(got) != len(want) {
		t.Errorf("problems at %v, want at %v", got, want)
	}
	for path, kind := range want {
		if !strings.Contains(got[path], kind) {
			t.Errorf("%s: %q, want it to name %q", path, got[path], kind)
		}
	}
	for path, msg := range got {
		for _, s := range []string{aws, pemKey, slack, jwt, "AKIA", "BEGIN", "eyJ"} {
			if strings.Contains(msg, s) {
				t.Errorf("%s: the message %q repeats the secret", path, msg)
			}
		}
	}
}

func TestCheckRefusesSecrets(t *testing.T) {
	t.Parallel()
	gh := trueSecrets()[8].text
	data := []byte(`{"slug":"leaky","name":"Leaky","version":"1.0.0","summary":"s","categories":["research"],"languages":["fr"],
		"license":"MIT","repository":"https://github.com/example/leaky","maintainers":[{"name":"A","email":"a@example.org"}],
		"runtime":{"type":"none"},"description":"use ` + gh + `"}`)
	_, err := Check(data, Options{})
	var me *ManifestError
	if !errors.As(err, &me) || len(me.Problems) != 1 || me.Problems[0].Path != "description" {
		t.Fatalf("Check = %v, want one problem at description", err)
	}
}
