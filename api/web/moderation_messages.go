package web

import "regexp"

// The texts of reports, moderation and transparency pages, added to the
// page texts (messages.go) when the package starts.
var (
	moderationEN = map[string]string{
		"nav.moderation": "Moderation", "plugin.report": "Report this tool",
		"report.title": "Report “%s”", "report.lead": "Tell the moderators what is wrong with this tool. Reports of terrorist or illegal content are decided first. You need no account, and we keep no record of your address.",
		"report.reason": "Reason", "report.choose": "Choose a reason", "report.reason.hint": "Terrorist and illegal content is decided within the takedown clock; other reasons within 24 hours.",
		"report.details": "What is wrong", "report.details.hint": "Where in the tool, what it shows or does. Do not paste the content itself if it is illegal to share.",
		"report.contact": "How to reach you (optional)", "report.contact.hint": "Only moderators see it, never the tool's owner. Leave it empty to stay anonymous.",
		"report.send":              "Send the report",
		"reason.terrorist_content": "Terrorist content", "reason.illegal": "Illegal content", "reason.impersonation": "Impersonation",
		"reason.malware": "Malware", "reason.privacy": "Personal data or privacy", "reason.misinformation": "Misinformation", "reason.other": "Other",
		"error.reportrate": "Too many reports", "error.reportrate.help": "Reports from your connection are coming too fast. Wait a while, then send yours again.",
		"reported.title": "Thank you: your report is received", "reported.number": "Report number %s.",
		"reported.due": "A moderator is due to decide on it by", "reported.after": "What moderators decide is counted, without personal data, in the",
		"moderation.title": "Moderation", "moderation.lead": "Reports awaiting a decision, soonest due first. A takedown removes the tool at once and shows your note to its owner; an appeal must be decided by another moderator.",
		"moderation.filter": "Reports by status", "queue.waiting": "Awaiting a decision", "queue.open": "Open", "queue.appealed": "Appealed", "queue.resolved": "Resolved",
		"moderation.count.one": "%s report.", "moderation.count.other": "%s reports.",
		"moderation.report": "Report %d", "moderation.filed": "filed", "moderation.due": "due", "moderation.contact": "Reporter's contact:",
		"moderation.appeal": "Owner's appeal:", "moderation.decided": "Decision:", "action.takedown": "Take the tool down", "action.dismiss": "Dismiss the report",
		"moderation.decide": "Decision on report %d", "moderation.note": "Note", "moderation.note.hint": "Shown to the tool's owner with a takedown.",
		"moderation.resolve": "Record the decision", "moderation.empty": "No report here.",
		"moderation.overdue": "overdue by %s", "moderation.left": "%s left",
		"span.min": "%d min", "span.hmin": "%s h %s min", "percent": "%s %%",
		"problem.reason": "Choose one of the reasons listed.", "problem.action": "Choose to take the tool down or to dismiss the report.",
		"problem.samemoderator": "You made the decision under appeal: another moderator must decide the appeal.",
		"problem.resolved":      "This report is already resolved.", "problem.appealed": "This takedown was already appealed: an appeal is heard once.",
		"problem.notappealable": "Only the report whose takedown removed the tool can be appealed.",
		"notice.resolved":       "The decision is recorded.", "notice.appealed": "Your appeal is sent: another moderator will decide on it.",
		"appeal.title": "Appeal", "appeal.text": "Your tool was taken down after report %d. You can appeal once: another moderator will decide. If they dismiss the report, the tool is published again.",
		"appeal.message": "Why the takedown should be reversed", "appeal.send": "Send the appeal", "appeal.done": "Your appeal was sent on %s.",
		"transparency.title": "Transparency report", "transparency.lead": "Reports of tools and what moderators did about them. Terrorist and illegal content is due for a decision within %s, other reports within %s. No personal data is published.",
		"transparency.total": "All reports", "transparency.reports": "Reports", "transparency.takedowns": "Takedowns", "transparency.dismissals": "Dismissals",
		"transparency.median": "Median time to action", "transparency.p90": "90th percentile", "transparency.within": "Decided within the clock",
		"transparency.byreason": "By reason", "transparency.reason": "Reason", "transparency.bymonth": "By month", "transparency.month": "Month",
		"transparency.none": "No report yet.", "transparency.method": "How these figures are computed",
		"transparency.method.text": "Reports are counted in the month (UTC) they were filed, decisions in the month they were taken. The time to action runs from a report to its first decision; an appeal does not change it. Percentiles use the nearest rank: of n times in ascending order, the p-th percentile is the one at rank ⌈p × n / 100⌉.",
	}
	moderationFR = map[string]string{
		"nav.moderation": "Modération", "plugin.report": "Signaler cet outil",
		"report.title": "Signaler « %s »", "report.lead": "Dites aux modérateurs ce qui ne va pas dans cet outil. Les signalements de contenus terroristes ou illicites sont traités en premier. Pas besoin de compte, et nous ne gardons pas votre adresse.",
		"report.reason": "Motif", "report.choose": "Choisissez un motif", "report.reason.hint": "Les contenus terroristes et illicites sont traités dans le délai de retrait ; les autres motifs sous 24 heures.",
		"report.details": "Ce qui ne va pas", "report.details.hint": "Où dans l’outil, ce qu’il montre ou fait. Ne collez pas le contenu lui-même s’il est illégal de le partager.",
		"report.contact": "Comment vous joindre (facultatif)", "report.contact.hint": "Seuls les modérateurs le voient, jamais le propriétaire de l’outil. Laissez vide pour rester anonyme.",
		"report.send":              "Envoyer le signalement",
		"reason.terrorist_content": "Contenu terroriste", "reason.illegal": "Contenu illicite", "reason.impersonation": "Usurpation d’identité",
		"reason.malware": "Logiciel malveillant", "reason.privacy": "Données personnelles, vie privée", "reason.misinformation": "Désinformation", "reason.other": "Autre",
		"error.reportrate": "Trop de signalements", "error.reportrate.help": "Les signalements depuis votre connexion arrivent trop vite. Attendez un moment, puis renvoyez le vôtre.",
		"reported.title": "Merci : votre signalement est reçu", "reported.number": "Signalement numéro %s.",
		"reported.due": "Un modérateur doit avoir statué au plus tard le", "reported.after": "Les décisions des modérateurs sont comptées, sans données personnelles, dans le",
		"moderation.title": "Modération", "moderation.lead": "Les signalements en attente de décision, les plus urgents d’abord. Un retrait enlève l’outil aussitôt et montre votre note à son propriétaire ; un recours doit être tranché par un autre modérateur.",
		"moderation.filter": "Signalements par état", "queue.waiting": "En attente de décision", "queue.open": "Ouverts", "queue.appealed": "En recours", "queue.resolved": "Traités",
		"moderation.count.one": "%s signalement.", "moderation.count.other": "%s signalements.",
		"moderation.report": "Signalement %d", "moderation.filed": "déposé le", "moderation.due": "échéance", "moderation.contact": "Contact du signalant :",
		"moderation.appeal": "Recours du propriétaire :", "moderation.decided": "Décision :", "action.takedown": "Retirer l’outil", "action.dismiss": "Classer le signalement",
		"moderation.decide": "Décision sur le signalement %d", "moderation.note": "Note", "moderation.note.hint": "Montrée au propriétaire de l’outil en cas de retrait.",
		"moderation.resolve": "Enregistrer la décision", "moderation.empty": "Aucun signalement ici.",
		"moderation.overdue": "en retard de %s", "moderation.left": "reste %s",
		"span.min": "%d min", "span.hmin": "%s h %s min", "percent": "%s %%",
		"problem.reason": "Choisissez l’un des motifs proposés.", "problem.action": "Choisissez de retirer l’outil ou de classer le signalement.",
		"problem.samemoderator": "Vous avez pris la décision contestée : un autre modérateur doit trancher le recours.",
		"problem.resolved":      "Ce signalement est déjà traité.", "problem.appealed": "Ce retrait a déjà fait l’objet d’un recours : un recours n’est examiné qu’une fois.",
		"problem.notappealable": "Seul le signalement dont le retrait a enlevé l’outil peut faire l’objet d’un recours.",
		"notice.resolved":       "La décision est enregistrée.", "notice.appealed": "Votre recours est envoyé : un autre modérateur le tranchera.",
		"appeal.title": "Recours", "appeal.text": "Votre outil a été retiré à la suite du signalement %d. Vous pouvez faire un recours, une seule fois : un autre modérateur décidera. S’il classe le signalement, l’outil est republié.",
		"appeal.message": "Pourquoi le retrait devrait être annulé", "appeal.send": "Envoyer le recours", "appeal.done": "Votre recours a été envoyé le %s.",
		"transparency.title": "Rapport de transparence", "transparency.lead": "Les signalements d’outils et ce que les modérateurs en ont fait. Les contenus terroristes et illicites doivent être tranchés en %s, les autres signalements en %s. Aucune donnée personnelle n’est publiée.",
		"transparency.total": "Tous les signalements", "transparency.reports": "Signalements", "transparency.takedowns": "Retraits", "transparency.dismissals": "Classements",
		"transparency.median": "Délai médian d’action", "transparency.p90": "90e centile", "transparency.within": "Tranchés dans le délai",
		"transparency.byreason": "Par motif", "transparency.reason": "Motif", "transparency.bymonth": "Par mois", "transparency.month": "Mois",
		"transparency.none": "Aucun signalement pour l’instant.", "transparency.method": "Comment ces chiffres sont calculés",
		"transparency.method.text": "Les signalements sont comptés dans le mois (UTC) de leur dépôt, les décisions dans le mois où elles sont prises. Le délai d’action court du signalement à sa première décision ; un recours ne le change pas. Les centiles sont au rang le plus proche : parmi n délais rangés par ordre croissant, le p-ième centile est celui de rang ⌈p × n / 100⌉.",
	}
)

func init() {
	for k, v := range moderationEN {
		messagesEN[k] = v
	}
	for k, v := range moderationFR {
		messagesFR[k] = v
	}
	notices["resolved"], notices["appealed"] = true, true
	wordings = append(wordings, []struct {
		re  *regexp.Regexp
		key string
	}{
		{regexp.MustCompile(`^must be one of terrorist_content, `), "problem.reason"},
		{regexp.MustCompile(`^must be takedown or dismiss$`), "problem.action"},
		{regexp.MustCompile(`^you made the decision under appeal; another moderator must resolve the appeal$`), "problem.samemoderator"},
		{regexp.MustCompile(`^report \d+ is already resolved$`), "problem.resolved"},
		{regexp.MustCompile(`^this takedown was already appealed`), "problem.appealed"},
		{regexp.MustCompile(`^only the report whose takedown removed the plugin can be appealed$`), "problem.notappealable"},
	}...)
}
