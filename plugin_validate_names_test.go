package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPluginValidateRefusesSecretsAndReservedNames checks that the command
// line refuses what registration refuses without the catalogue: a
// manifest that poses as a compiled-in plugin, under the platform's name,
// and carries credentials, with one line a field, naming the kind of
// credential but not the credential.
func TestPluginValidateRefusesSecretsAndReservedNames(t *testing.T) {
	awsKey := "AK" + "IA" + "Q3EGRLZ2V7XK5N4M"
	pemKey := "-----BEGIN " + "RSA PRIVATE KEY-----\n    " + strings.Repeat("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo", 2) + "\n    -----END RSA PRIVATE KEY-----"
	manifest := `slug: portes-ouverte
name: Portes Ouvertes
version: 1.0.0
summary: Shelters near an incident
description: |
    ` + pemKey + `
categories: [emergency]
languages: [fr]
license: MIT
repository: https://github.com/example/portes
maintainers: [{name: Riposte maintainers, email: a@example.org}]
runtime: {type: http, endpoint: "https://portes.example.org/invoke"}
input_schema: {type: object, properties: {text: {type: string}}}
output_schema: {type: object}
examples: [{name: one, input: {text: "` + awsKey + `"}}]
`
	file := filepath.Join(t.TempDir(), "manifest.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, nil, "plugin", "validate", file)
	if err == nil || !strings.Contains(out, "description: holds what looks like a private key") ||
		!strings.Contains(out, "examples[0].input.text: holds what looks like an AWS access key ID") {
		t.Fatalf("secrets: %q, %v; want the description and the example refused", out, err)
	}
	if strings.Contains(out, awsKey) || strings.Contains(out, "MIIEow") {
		t.Fatalf("the answer repeats a secret: %q", out)
	}
	clean := strings.ReplaceAll(strings.ReplaceAll(manifest, pemKey, "Shelters."), awsKey, "Paris 11e")
	if err := os.WriteFile(file, []byte(clean), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, nil, "plugin", "validate", file)
	for _, want := range []string{"slug: ", "name: ", "maintainers[0].name: "} {
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("reserved names: %q, %v; want a line starting %q", out, err, want)
		}
	}
}
