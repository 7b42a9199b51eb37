package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// The catalogue's results — facets, hits and pages — are written by hand
// rather than by html/template: they are the hot path of the busiest page
// (and of search as you type), and executing a template costs several
// times the search itself. Every piece of text goes through esc.

var esc = html.EscapeString

// results renders the results part of the catalogue.
func (d *catalogueData) results(l *locale) template.HTML {
	var b strings.Builder
	b.Grow(12 << 10)
	// The filters fold behind their summary on small screens, above the
	// results; on wide ones the stylesheet (and the script, for browsers
	// that cannot style a closed <details>) keeps them open beside.
	b.WriteString(`<div class="catalogue">` + "\n" + `<details class="facets" id="filters">` + "\n<summary>" +
		`<h2 class="h-small">` + esc(l.T("catalogue.filters")))
	if d.Filters > 0 {
		b.WriteString(` <span class="count">(` + l.Int(d.Filters) + ")</span>")
	}
	b.WriteString("</h2></summary>\n")
	for _, f := range d.Facets {
		b.WriteString(`<fieldset class="facet">` + "\n<legend>" + esc(l.T("facet."+f.Field)) + "</legend>\n<ul>")
		for i, v := range f.Values {
			id := "f-" + f.Field + "-" + strconv.Itoa(i)
			b.WriteString("\n" + `<li><input type="checkbox" id="` + id + `" name="` + f.Field + `" value="` + esc(v.Value) + `"`)
			if v.Checked {
				b.WriteString(" checked")
			}
			b.WriteString(">\n" + `<label for="` + id + `"><span dir="auto">` + esc(v.Label) + `</span> <span class="count">` +
				l.Int(v.Count) + "</span></label></li>")
		}
		b.WriteString("\n</ul>\n</fieldset>")
	}
	if len(d.Facets) == 0 {
		b.WriteString(`<p class="hint">` + esc(l.T("catalogue.nofilters")) + "</p>")
	}
	b.WriteString("\n" + `<p class="apply"><button type="submit" class="secondary">` + esc(l.T("catalogue.apply")) + "</button></p>\n")
	if d.Filters > 0 {
		b.WriteString(`<p><a href="` + esc(d.Clear) + `">` + esc(l.T("catalogue.clear")) + "</a></p>\n")
	}
	b.WriteString("</details>\n" + `<div class="hits">` + "\n" + `<div class="hits-head">` + "\n")
	b.WriteString(`<h2 class="h-small"><span id="count" role="status">` + esc(l.N("catalogue.count", d.Total)) + "</span></h2>\n")
	b.WriteString(`<p><label for="sort">` + esc(l.T("catalogue.sort")) + "</label>\n" + `<select id="sort" name="sort">`)
	for _, s := range d.Sorts {
		b.WriteString(`<option value="` + s + `"`)
		if s == d.Sort {
			b.WriteString(" selected")
		}
		b.WriteString(">" + esc(l.T("sort."+s)) + "</option>")
	}
	b.WriteString("</select></p>\n</div>\n")
	if d.Invalid {
		b.WriteString(`<p class="warn">` + esc(l.T("catalogue.invalid")) + "</p>\n")
	}
	if d.Engine == "database" {
		b.WriteString(`<p class="warn">` + esc(l.T("catalogue.degraded")) + "</p>\n")
	}
	d.writeHits(&b, l)
	if d.Pages > 1 {
		b.WriteString(`<nav class="pages" aria-label="` + esc(l.T("catalogue.pages")) + `">` + "\n")
		if d.Prev != "" {
			b.WriteString(`<a href="` + esc(d.Prev) + `" rel="prev">` + esc(l.T("catalogue.prev")) + "</a>\n")
		}
		b.WriteString("<span>" + esc(l.T("catalogue.page", l.Int(d.Page), l.Int(d.Pages))) + "</span>\n")
		if d.Next != "" {
			b.WriteString(`<a href="` + esc(d.Next) + `" rel="next">` + esc(l.T("catalogue.next")) + "</a>\n")
		}
		b.WriteString("</nav>\n")
	}
	b.WriteString("</div>\n</div>\n")
	return template.HTML(b.String())
}

func (d *catalogueData) writeHits(b *strings.Builder, l *locale) {
	if len(d.Hits) == 0 {
		b.WriteString(`<div class="empty"><p>` + esc(l.T("catalogue.none")) + `</p><p class="hint">` +
			esc(l.T("catalogue.none.hint")) + "</p></div>\n")
		return
	}
	b.WriteString(`<ol class="hit-list">`)
	for _, h := range d.Hits {
		// Name and Summary are search.Highlighted: escaped text with <em> marks.
		b.WriteString("\n" + `<li class="hit">` + "\n" + `<h3><a href="/plugins/` + esc(h.Slug) + `" dir="auto">` +
			string(h.Name) + "</a></h3>\n" + `<p dir="auto">` + string(h.Summary) + "</p>\n" + `<p class="meta">`)
		for i, c := range h.Categories {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(esc(l.Label("category", c)))
		}
		b.WriteString("\n· " + string(languageList(l, h.Languages)) + " · " + esc(h.License))
		if h.Runtime != "none" && !h.Restricted { // a restricted plugin is tried by vetted readers only
			b.WriteString(` · <span class="runnable">` + esc(l.T("catalogue.runnable")) + "</span>")
		}
		if len(h.Badges) > 0 {
			b.WriteString("\n · " + string(badgeList(l, h.Badges)))
		}
		if p := h.Publisher; p != nil {
			b.WriteString(string(publisherMark(l, p.Slug, p.Name, p.Verified, h.Restricted)))
		} else if h.Restricted {
			b.WriteString(string(publisherMark(l, "", "", false, true)))
		}
		b.WriteString("</p>\n</li>")
	}
	b.WriteString("\n</ol>\n")
}

// languageList names languages in l's language, each marked with its code.
func languageList(l *locale, codes []string) template.HTML {
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`<span lang="` + esc(c) + `">` + esc(l.Label("lang", c)) + "</span>")
	}
	return template.HTML(b.String())
}

// badgeList shows badges in l's language, with the words of the decisions
// they tell of.
func badgeList(l *locale, badges []string) template.HTML {
	var b strings.Builder
	for _, badge := range badges {
		b.WriteString(`<span class="badge badge-` + esc(badge) + `">` + esc(l.Label("decision", badge)) + "</span> ")
	}
	return template.HTML(b.String())
}
