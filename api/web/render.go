package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/riposte-civic/riposte/api/auth"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assets are the embedded static files with the content hashes that make
// their URLs change whenever they do, so browsers may cache them forever.
type assets struct {
	files map[string][]byte // by name, such as "app.css"
	hash  map[string]string
}

func loadAssets() (*assets, error) {
	as := &assets{files: map[string][]byte{}, hash: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		as.files[name], as.hash[name] = b, hex.EncodeToString(sum[:6])
		return nil
	})
	return as, err
}

// url returns an asset's address, versioned by its content.
func (as *assets) url(name string) (string, error) {
	h, ok := as.hash[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return "/static/" + name + "?v=" + h, nil
}

// serve answers GET /static/{name}.
func (as *assets) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, ok := as.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
	w.Header().Set("Content-Type", types[path.Ext(name)])
	if r.URL.Query().Get("v") == as.hash[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+as.hash[name]+`"`)
	if r.Header.Get("If-None-Match") == `"`+as.hash[name]+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(b)
}

// pages holds one template set per page, each with the layout.
type pages struct {
	byName map[string]*template.Template
}

// pageNames lists the pages; each is templates/<name>.html defining
// "content" (and may define "head").
var pageNames = []string{"error", "catalogue", "plugin", "signin", "signup", "hackathons", "hackathon",
	"judge", "review", "organize", "edition-admin", "edition-results", "edition-form", "publish", "mine", "manifest", "myplugin",
	"about", "newplugin", "devmail", "forgot", "reset", "account", "verify", "unsubscribe",
	"report", "reported", "moderation", "transparency", "crisis",
	"organizations", "organization", "org-apply", "invitation"}

func loadPages(as *assets) (*pages, error) {
	funcs := template.FuncMap{
		"asset":  as.url,
		"dict":   dict,
		"add":    func(a, b int) int { return a + b },
		"seq":    seq,
		"itoa":   strconv.Itoa,
		"langs":  languageList,
		"badges": badgeList,
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	ps := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: page %s: %w", name, err)
		}
		ps.byName[name] = t
	}
	return ps, nil
}

// dict builds a map for sub-templates: dict "a" 1 "b" 2.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// seq returns lo, lo+1, …, hi.
func seq(lo, hi int) []int {
	var out []int
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}

// view is what every page template receives.
type view struct {
	L      *locale
	User   *auth.User // nil for visitors
	Title  string
	Path   string // the page's address, for the language switch and "Sign in" (see pagePath)
	Notice string // a translated confirmation after a form, or ""
	Data   any
	// Crisis is the banner of the crisis in force, or nil.
	Crisis *crisisBanner
	// ModuleErrorsLogged says that sandboxed tools' error output goes to
	// the server's log (development), which a plugin page must not hide.
	ModuleErrorsLogged bool

	judges func() bool // whether the visitor has entries to judge, asked once
}

// JudgingDesk reports whether the navigation offers the judging desk: to
// judges, and to organizers who have entries to judge.
func (v view) JudgingDesk() bool { return v.judges != nil && v.judges() }

// judging reports whether u has a judging desk: judges always do, an
// organizer when asked to judge entries, other accounts never.
func (h *Handler) judging(ctx context.Context, u auth.User) bool {
	switch {
	case u.Role == auth.RoleJudge:
		return true
	case u.Is(auth.RoleOrganizer):
		items, err := h.deps.Hackathons.Queue(ctx, u)
		return err == nil && len(items) > 0
	}
	return false
}

// Is reports whether the visitor is signed in with the rights of role.
func (v view) Is(role string) bool { return v.User != nil && v.User.Is(auth.Role(role)) }

// notices are the confirmations a redirect may ask for with ?done=.
var notices = map[string]bool{
	"signedin": true, "signedout": true, "signedup": true, "saved": true, "published": true, "created": true,
	"version": true, "submitted": true, "withdrawn": true, "removed": true, "judge": true, "unjudge": true,
	"conflict": true, "decided": true, "opened": true, "edited": true, "results": true, "recused": true,
	"reset": true, "password": true, "verified": true,
	"notifications": true,
	"verifysent":    true, "emailsent": true,
	"language":  true,
	"crisisset": true, "crisisended": true,
	"applied": true, "reviewed": true, "joined": true, "left": true, "memberremoved": true, "transferred": true,
}

// pagePath is the address the language switch and "Sign in" lead back to:
// the page asked for, or, for the answer to a form, the page the form
// belongs to — its address, or the nearest one above it that the front
// answers with GET (/plugins/rumeur for /plugins/rumeur/try). A form's
// fields never go into it.
func (h *Handler) pagePath(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	return h.nearestPage(r.Host, r.URL.Path)
}

// nearestPage is p, or the nearest address above it, that the front
// answers with GET; "/" when none is.
func (h *Handler) nearestPage(host, p string) string {
	for ; p != "/" && p != "."; p = path.Dir(p) {
		probe := &http.Request{Method: http.MethodGet, Host: host, URL: &url.URL{Path: p}}
		if _, pattern := h.mux.Handler(probe); pattern != "/" && pattern != "" {
			return (&url.URL{Path: p}).EscapedPath()
		}
	}
	return "/"
}

// render executes a page into a buffer, then writes it with status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	name := "layout.html"
	if page == "results" {
		page, name = "catalogue", "results" // a fragment, fetched by the catalogue as you type
	}
	t, ok := h.pages.byName[page]
	if !ok {
		panic("web: no page " + page)
	}
	v := view{L: localeFrom(r.Context()), Title: title, Path: h.pagePath(r), Data: data, ModuleErrorsLogged: h.deps.ModuleErrorsLogged}
	v.Crisis = h.banner(r.Context(), v.L.Code)
	if u, ok := caller(r); ok {
		v.User = &u
		v.judges = sync.OnceValue(func() bool { return h.judging(r.Context(), u) })
	}
	if n := r.URL.Query().Get("done"); notices[n] {
		v.Notice = v.L.T("notice." + n)
	}
	if p, ok := data.(interface{ pageNotice() string }); ok && p.pageNotice() != "" {
		v.Notice = p.pageNotice() // worded from what the form did
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); bufPool.Put(buf) }()
	if err := t.ExecuteTemplate(buf, name, v); err != nil {
		h.log.ErrorContext(r.Context(), "page template failed", "page", page, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
