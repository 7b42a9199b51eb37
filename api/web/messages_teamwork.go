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
	"pools.title":                  {"Pools of judges per challenge", "Jurys par défi"},
	"pools.hint":                   {"The assignment gives the entries of a challenge to the judges of its pool, keeping their loads within one of each other.", "L’attribution confie les projets d’un défi aux membres de son jury, en gardant des charges à un près."},
	"pools.entries":                {"%d entries", "%d projets"},
	"pools.balance":                {"loads from %d to %d", "charges de %d à %d"},
	"pools.load":                   {"%d entries assigned", "%d projets attribués"},
	"pools.edit":                   {"Edit the pool", "Modifier le jury"},
	"pools.empty":                  {"No judge in this pool: entries to this challenge alone go to the judges who are in no pool.", "Aucun membre dans ce jury : les projets de ce seul défi vont aux jurés qui ne sont dans aucun jury."},
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
