package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riposte-civic/riposte/api/store"
)

// locale is a page language: its messages and how it writes dates and
// numbers. Text that people wrote (plugin names, descriptions, comments)
// is shown as written, with dir="auto" so that Arabic reads right to left.
type locale struct {
	Code  string // "fr" or "en"
	Other string // the other language, for the switch
	msgs  map[string]string
}

var locales = map[string]*locale{
	"en": {Code: "en", Other: "fr", msgs: messagesEN},
	"fr": {Code: "fr", Other: "en", msgs: messagesFR},
}

// defaultLocale serves visitors whose browser asks for neither language.
const defaultLocale = "en"

// langCookie keeps the language a visitor chose with the switch.
const langCookie = "riposte_lang"

type localeKey struct{}

func withLocale(ctx context.Context, l *locale) context.Context {
	return context.WithValue(ctx, localeKey{}, l)
}

func localeFrom(ctx context.Context) *locale {
	if l, ok := ctx.Value(localeKey{}).(*locale); ok {
		return l
	}
	return locales[defaultLocale]
}

// pickLocale chooses the language: the visitor's choice, else the first
// of French and English in Accept-Language by preference, else English.
func pickLocale(r *http.Request) *locale {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := locales[c.Value]; ok {
			return l
		}
	}
	best, bestQ := defaultLocale, 0.0
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if _, ok := locales[primary]; ok && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return locales[best]
}

// handleLanguage remembers the language chosen with the switch and goes
// back to the page.
func (h *Handler) handleLanguage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if _, ok := locales[code]; !ok {
		return errPage(store.ErrNotFound, "error.notfound")
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, Secure: h.deps.SecureCookies, HttpOnly: true})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// T returns the message for key, formatted with args. A missing message
// shows its key, and a test keeps that from happening.
func (l *locale) T(key string, args ...any) string {
	m, ok := l.msgs[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	for i, a := range args {
		if p, ok := a.(*string); ok && p != nil {
			args[i] = *p // templates pass optional fields as they are
		}
	}
	return fmt.Sprintf(m, args...)
}

// N returns the singular or plural message for n: key.one or key.other,
// with n formatted as a number. French uses the singular for 0 and 1.
func (l *locale) N(key string, n int) string {
	return l.T(key+"."+l.plural(n), l.Int(n))
}

// plural is the plural form of n: "one" or "other".
func (l *locale) plural(n int) string {
	if n == 1 || (n == 0 && l.Code == "fr") {
		return "one"
	}
	return "other"
}

// Has reports whether there is a message for key, for labels of values
// that may or may not have one (categories, languages).
func (l *locale) Has(key string) bool { _, ok := l.msgs[key]; return ok }

// Label returns the message for prefix.value, or value itself.
func (l *locale) Label(prefix, value string) string {
	if m, ok := l.msgs[prefix+"."+value]; ok {
		return m
	}
	return value
}

var monthsFR = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Date writes a day: "23 January 2016", "23 janvier 2016".
func (l *locale) Date(t time.Time) string {
	t = t.UTC()
	if l.Code == "fr" {
		day := strconv.Itoa(t.Day())
		if t.Day() == 1 {
			day = "1er"
		}
		return day + " " + monthsFR[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return t.Format("2 January 2006")
}

// DateTime writes a moment in UTC: "23 January 2016, 09:00 UTC",
// "23 janvier 2016 à 09:00 UTC".
func (l *locale) DateTime(t time.Time) string {
	t = t.UTC()
	if l.Code == "fr" {
		return l.Date(t) + " à " + t.Format("15:04") + " UTC"
	}
	return l.Date(t) + ", " + t.Format("15:04") + " UTC"
}

// ISO writes a moment for <time datetime>.
func (l *locale) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Int writes a whole number with the language's digit grouping: 12,345 or
// 12 345 (with a narrow no-break space).
func (l *locale) Int(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if l.Code == "fr" {
		sep = "\u202f"
	}
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Num writes a number with decimals places: 72.50 or 72,50.
func (l *locale) Num(f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(whole)
	out := l.Int(n)
	if frac != "" {
		if l.Code == "fr" {
			out += "," + frac
		} else {
			out += "." + frac
		}
	}
	if f < 0 && strings.Trim(s, "0.") != "" {
		out = "−" + out
	}
	return out
}

// Short writes a number with at most two decimals, dropping trailing
// zeros: 1, 1.5, 0.25.
func (l *locale) Short(f float64) string {
	s := l.Num(f, 2)
	sep := "."
	if l.Code == "fr" {
		sep = ","
	}
	if strings.Contains(s, sep) {
		s = strings.TrimRight(strings.TrimRight(s, "0"), sep)
	}
	return s
}
