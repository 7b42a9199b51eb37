// Package searchtest is the behaviour every search engine must show, as one
// suite: Run it against an engine to know it behaves as Riposte's users
// expect, whichever engine it is.
package searchtest

import (
	"time"

	"github.com/riposte-civic/riposte/api/search"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func doc(slug, name, summary string, tags []string, desc string, cats, langs []string, license, runtime string, days int) search.Document {
	return search.Document{
		Slug: slug, Name: name, Summary: summary, Tags: tags, Description: desc, Categories: cats, Languages: langs,
		License: license, Runtime: runtime, Hackathons: []string{}, Badges: []string{},
		UpdatedAt: epoch.Add(time.Duration(days) * 24 * time.Hour), Revision: 1,
	}
}

// Corpus returns the documents the suite indexes: tools in French, English
// and Arabic, with the traps each behaviour needs.
func Corpus() []search.Document {
	docs := []search.Document{
		doc("propaganda-detector", "Propaganda Detector", "Flags recruitment propaganda in social media posts",
			[]string{"detection", "nlp"}, "Uses a classifier trained on public datasets.", []string{"detection"}, []string{"en"}, "MIT", "http", 10),
		doc("detecteur-propagande", "Détecteur de propagande", "Repère les messages de propagande djihadiste sur les réseaux sociaux",
			[]string{"propagande", "détection"}, "Un classifieur entraîné sur des corpus publics.", []string{"detection"}, []string{"fr"}, "Apache-2.0", "http", 11),
		doc("portes-ouvertes", "Portes Ouvertes", "Abris proposés par les habitants près d'un incident",
			[]string{"portesouvertes", "abri", "urgence"}, "Inspiré de #PortesOuvertes, le 13 novembre 2015.", []string{"emergency"}, []string{"fr", "en"}, "MIT", "builtin", 12),
		doc("elections-veille", "Veille des élections", "Surveille la désinformation pendant l'élection présidentielle",
			[]string{"élection", "désinformation"}, "", []string{"research"}, []string{"fr"}, "CC-BY-4.0", "none", 13),
		doc("counter-speech-kit", "Counter-Speech Kit", "Templates for answering hate speech online",
			[]string{"counter-speech", "templates"}, "Answers propaganda with facts, testimonies and humour.", []string{"counter-speech", "education"}, []string{"en"}, "MIT", "none", 14),
		doc("arabic-counter", "رد على الدعاية", "أداة لكشف الدعاية الإرهابية على الإنترنت",
			[]string{}, "", []string{"counter-speech", "detection"}, []string{"ar"}, "MIT", "http", 15),
		doc("signalement", "Signalement", "Where to report terrorist content online (PHAROS)",
			[]string{"reporting", "pharos"}, "", []string{"reporting"}, []string{"fr", "en"}, "EUPL-1.2", "builtin", 16),
		doc("rumour-checker", "Rumour Checker", "Checks a message against debunked rumours",
			[]string{"rumour", "fact-check"}, "", []string{"counter-speech", "research"}, []string{"en", "fr", "ar"}, "MIT", "http", 17),
		doc("bots-detection", "Bots Detection", "Finds coordinated bot networks",
			[]string{"bots"}, "", []string{"detection", "research"}, []string{"en"}, "GPL-3.0-only", "http", 18),
		doc("hate-map", "Hate Map", "Maps hateful messages by city",
			[]string{"hate", "map"}, "", []string{"research"}, []string{"en"}, "MIT", "none", 19),
		doc("xss-name", "<script>alert(1)</script> Propaganda Watch", "Escapes HTML & keeps it as text",
			[]string{}, "", []string{"research"}, []string{"en"}, "MIT", "none", 20),
		doc("prevention-ecoles", "Prévention dans les écoles", "Ateliers de prévention de la radicalisation pour les collèges",
			[]string{}, "", []string{"prevention", "education"}, []string{"fr"}, "CC-BY-SA-4.0", "none", 21),
		doc("civic-hub", "Civic Hub", "Helps volunteers organise counter-narrative campaigns",
			[]string{}, "", []string{"civic-engagement"}, []string{"en", "fr"}, "MIT", "none", 22),
		doc("alert-relay-a", "Alert Relay", "Relays official alerts to volunteers",
			[]string{}, "", []string{"emergency"}, []string{"en"}, "MIT", "none", 23),
		doc("alert-relay-b", "Alert Relay", "Relays official alerts to volunteers",
			[]string{}, "", []string{"emergency"}, []string{"en"}, "MIT", "none", 24),
	}
	byslug := map[string]*search.Document{}
	for i := range docs {
		byslug[docs[i].Slug] = &docs[i]
	}
	byslug["propaganda-detector"].Hackathons = []string{"paris-2016"}
	byslug["propaganda-detector"].Badges = []string{"accepted"}
	byslug["propaganda-detector"].Trust = 1
	byslug["portes-ouvertes"].Hackathons = []string{"paris-2016"}
	byslug["portes-ouvertes"].Badges = []string{"accepted", "award:public-choice"}
	byslug["portes-ouvertes"].Trust = 2
	byslug["prevention-ecoles"].Hackathons = []string{"paris-2026"}
	byslug["alert-relay-b"].Trust = 2
	return docs
}
