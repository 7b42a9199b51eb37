package web

import "regexp"

// challengeMessages are the words of challenges, pools and prizes,
// English then French.
var challengeMessages = map[string][2]string{
	"challenges.title":               {"Challenges of", "Défis de"},
	"challenges.admin":               {"Challenges of %s", "Défis de %s"},
	"challenges.admin.hint":          {"Challenges are the tracks of the edition. Teams pick them when entering; each may have its own pool of judges: entries to a challenge are then judged by its pool, entries to none by the judges in no pool.", "Les défis sont les thèmes du hackathon. Les équipes les choisissent en participant ; chacun peut avoir son jury : les projets d’un défi sont alors jugés par ce jury, les projets sans défi par les jurés hors de tout jury de défi."},
	"challenges.list":                {"Challenges", "Défis"},
	"challenges.none":                {"No challenge yet.", "Aucun défi pour l’instant."},
	"challenges.by":                  {"Brought by", "Proposé par"},
	"challenges.prizes":              {"Prizes", "Prix"},
	"challenges.links":               {"Data and links", "Données et liens"},
	"challenges.approve":             {"Approve", "Approuver"},
	"challenges.refuse":              {"Refuse", "Refuser"},
	"challenges.pool":                {"Judges of this challenge", "Jury de ce défi"},
	"challenges.pool.none":           {"No pool: its entries are judged like entries to no challenge.", "Pas de jury propre : ses projets sont jugés comme ceux sans défi."},
	"challenges.pool.add":            {"Judge of the edition", "Juré du hackathon"},
	"challenges.pool.add.go":         {"Add to this challenge", "Ajouter à ce défi"},
	"challenges.pool.remove.label":   {"Remove %s from the judges of %s", "Retirer %s du jury de %s"},
	"challenges.edit":                {"Edit the challenge", "Modifier le défi"},
	"challenges.edit.link":           {"Edit", "Modifier"},
	"challenges.edit.label":          {"Edit %s", "Modifier %s"},
	"challenges.delete":              {"Delete", "Supprimer"},
	"challenges.delete.label":        {"Delete %s", "Supprimer %s"},
	"challenges.new":                 {"New challenge", "Nouveau défi"},
	"challenges.create":              {"Create the challenge", "Créer le défi"},
	"challenges.save":                {"Save the challenge", "Enregistrer le défi"},
	"challenges.f.title":             {"Title", "Titre"},
	"challenges.f.description":       {"Description", "Description"},
	"challenges.f.organization":      {"Organisation (its address name)", "Organisation (son identifiant)"},
	"challenges.f.organization.hint": {"A verified organisation, e.g. croix-rouge for /organizations/croix-rouge.", "Une organisation vérifiée, par exemple croix-rouge pour /organizations/croix-rouge."},
	"challenges.f.broughtby":         {"Or brought by", "Ou proposé par"},
	"challenges.f.broughtby.hint":    {"Who brings it when the organisation is not on the platform.", "Qui le propose, si l’organisation n’est pas sur la plateforme."},
	"challenges.f.links":             {"Data and links", "Données et liens"},
	"challenges.f.links.hint":        {"One a line: label | https://…", "Un par ligne : libellé | https://…"},
	"challenges.f.prizes":            {"Prizes", "Prix"},
	"challenges.f.prizes.hint":       {"One a line: title | description (optional)", "Un par ligne : titre | description (facultative)"},
	"challenges.entries":             {"Entries to this challenge", "Projets pour ce défi"},
	"challenges.entries.none":        {"No entry yet.", "Aucun projet pour l’instant."},
	"challenges.feedback":            {"Your feedback to %s", "Votre retour à %s"},
	"challenges.feedback.hint":       {"The team and the organizers read it.", "L’équipe et les organisateurs le lisent."},
	"challenges.feedback.received":   {"What the challenges' organisations said", "Ce que disent les organisations des défis"},
	"challenges.feedback.send":       {"Send the feedback", "Envoyer le retour"},
	"challenges.board":               {"Results of this challenge", "Résultats de ce défi"},
	"challenges.pick":                {"Challenges of your entry to", "Défis de votre projet pour"},
	"challenges.pick.legend":         {"The challenges your entry answers", "Les défis auxquels votre projet répond"},
	"challenges.pick.save":           {"Save the challenges", "Enregistrer les défis"},
	"challenges.pick.link":           {"Challenges", "Défis"},
	"challenges.manage":              {"Challenges", "Défis"},
	"challenges.org.entries":         {"Entries to its challenges", "Projets pour ses défis"},
	"challenges.propose":             {"Propose a challenge", "Proposer un défi"},
	"challenges.propose.hint":        {"The organizers review your proposal; until then only they and your organisation see it.", "Les organisateurs examinent votre proposition ; d’ici là, seuls eux et votre organisation la voient."},
	"challenges.propose.org":         {"In the name of", "Au nom de"},
	"challenges.propose.go":          {"Send the proposal", "Envoyer la proposition"},
	"challenges.propose.noorg":       {"Challenges are proposed by members of a verified organisation.", "Les défis sont proposés par les membres d’une organisation vérifiée."},
	"challenges.propose.apply":       {"Register an organisation", "Inscrire une organisation"},
	"notice.proposed":                {"Your challenge is proposed to the organizers.", "Votre défi est proposé aux organisateurs."},
	"challenges.prize.pick":          {"Or a prize of its challenges (it becomes the award)", "Ou un prix de ses défis (il devient le prix décerné)"},
	"challenges.prize.none":          {"No prize", "Aucun prix"},
	"challenge.status.approved":      {"Approved", "Approuvé"},
	"challenge.status.proposed":      {"Proposed", "Proposé"},
	"challenge.status.refused":       {"Refused", "Refusé"},
	"notice.challenge":               {"The challenges are saved.", "Les défis sont enregistrés."},
	"notice.feedback":                {"Your feedback is sent.", "Votre retour est envoyé."},
	"notice.challenges":              {"The challenges of your entry are saved.", "Les défis de votre projet sont enregistrés."},
	"problem.challenge.https":        {"Give https addresses, one a line after the label: label | https://…", "Donnez des adresses https, une par ligne après le libellé : libellé | https://…"},
	"problem.challenge.org":          {"No verified organisation has this name.", "Aucune organisation vérifiée ne porte ce nom."},
	"problem.challenge.either":       {"Give either an organisation or who brings it, not both.", "Indiquez une organisation ou qui le propose, pas les deux."},
	"refusal.challenge.picked":       {"Entries picked this challenge: it can no longer be deleted.", "Des projets ont choisi ce défi : il ne peut plus être supprimé."},
	"refusal.challenge.pool":         {"This judge is already in the challenge's pool.", "Ce juré fait déjà partie du jury de ce défi."},
	"refusal.challenge.closed":       {"Submissions are closed: the challenges can no longer change.", "Les participations sont closes : les défis ne peuvent plus changer."},
	"problem.challenge.pool.judge":   {"Add this account as a judge of the edition first.", "Ajoutez d’abord ce compte comme juré du hackathon."},
	"problem.challenge.unknown":      {"A challenge picked is not open to entries.", "Un défi choisi n’est pas ouvert aux projets."},
}

// challengeWordings say the challenges' messages in the pages' words.
var challengeWordings = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^must be an https URL`), "problem.challenge.https"},
	{regexp.MustCompile(`^(no organisation has this slug|this organisation is not verified)$`), "problem.challenge.org"},
	{regexp.MustCompile(`^give either organization or brought_by`), "problem.challenge.either"},
	{regexp.MustCompile(`entries picked this challenge`), "refusal.challenge.picked"},
	{regexp.MustCompile(`^pool judge: .*conflict`), "refusal.challenge.pool"},
	{regexp.MustCompile(`the challenges can no longer change`), "refusal.challenge.closed"},
	{regexp.MustCompile(`^add this account as a judge of the edition first$`), "problem.challenge.pool.judge"},
	{regexp.MustCompile(`^challenge \d+ is (not open|picked twice)|^no challenge \d+ in this edition$`), "problem.challenge.unknown"},
}

// init adds the words, wordings, notices and pages of challenges to the
// pages' lists.
func init() {
	for k, v := range challengeMessages {
		messagesEN[k], messagesFR[k] = v[0], v[1]
	}
	wordings = append(wordings, challengeWordings...)
	notices["challenge"], notices["feedback"], notices["challenges"], notices["proposed"] = true, true, true, true
	pageNames = append(pageNames, "challenges-admin", "challenge", "entry-challenges", "challenge-propose")
}
