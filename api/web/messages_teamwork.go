package web

// The texts of the captain's pending invitations, the organizers' team
// list and the judges' pools on the assignment page, in English and
// French.
var teamworkMessages = map[string][2]string{
	"plugin.award":                 {"Award winner: %s (%s)", "Primé : %s (%s)"},
	"roster.title":                 {"Teams", "Équipes"},
	"roster.team":                  {"Team", "Équipe"},
	"roster.members":               {"Members", "Membres"},
	"roster.entries":               {"Entries", "Projets inscrits"},
	"roster.challenges":            {"Challenges:", "Défis :"},
	"roster.noentry":               {"No entry yet", "Aucun projet inscrit"},
	"roster.none":                  {"No team yet.", "Aucune équipe pour l’instant."},
	"teams.pending":                {"Invitations not used yet", "Invitations pas encore utilisées"},
	"teams.pending.link":           {"Link", "Lien"},
	"teams.pending.expires":        {"expires %s", "expire le %s"},
	"teams.pending.revoke":         {"Revoke", "Révoquer"},
	"notify.team_activity":         {"someone joins or leaves my team, its captain changes, or an organisation leaves feedback on our entry", "quelqu’un rejoint ou quitte mon équipe, son capitaine change, ou une organisation laisse un retour sur notre projet"},
	"notice.teaminvitationrevoked": {"The invitation is revoked: its link no longer works.", "L’invitation est révoquée : son lien ne fonctionne plus."},
}

func init() {
	for k, v := range teamworkMessages {
		messagesEN[k], messagesFR[k] = v[0], v[1]
	}
}
