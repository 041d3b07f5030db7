package server

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
	"github.com/scottish-government/delivery-tracker/web"
)

// Limits on what a request may carry.
const (
	// MaxFormBytes is the largest request body the portal reads: forms are far smaller.
	MaxFormBytes = 1 << 20
	// MaxQueryBytes is the longest query string the portal reads: filters and searches are far
	// shorter.
	MaxQueryBytes = 4 << 10
)

// The import's confirm form sends the file back base64-encoded, a third larger than
// tracker.MaxImportBytes: the build fails if that no longer fits in MaxFormBytes, with room to
// spare for the other fields.
var _ [MaxFormBytes - 4*((tracker.MaxImportBytes+2)/3) - 64<<10]struct{}

// checkInput refuses input that no page of the portal can use, before any handler sees it:
//   - a request body over MaxFormBytes gets 413;
//   - a query string over MaxQueryBytes, or one that is not well formed, gets 400;
//   - a form body that is not well formed gets 400;
//   - a query or form value (or name) that is not valid UTF-8 or holds a NUL byte gets 400:
//     browsers never send them from the portal's pages, and PostgreSQL cannot store NUL.
//
// Form bodies (URL-encoded or multipart) are parsed here, so handlers find them in r.PostForm.
func (s *Server) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) > MaxQueryBytes {
			s.badRequest(w, r, tracker.MsgQueryTooLong)
			return
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			s.badRequest(w, r, tracker.MsgQueryInvalid)
			return
		}
		if !cleanValues(q) {
			s.badRequest(w, r, tracker.MsgQueryText)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			if r.ContentLength > MaxFormBytes {
				s.tooLarge(w, r)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
			if ok := s.parseForm(w, r); !ok {
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// parseForm parses a form body and checks its values, writing the error page and returning
// false when it cannot be used.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return true
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch ct {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		err = r.ParseMultipartForm(MaxFormBytes)
	default:
		return true
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.tooLarge(w, r)
		return false
	case err != nil:
		s.badRequest(w, r, tracker.MsgFormUnreadable)
		return false
	case !cleanValues(r.PostForm):
		s.badRequest(w, r, tracker.MsgFormText)
		return false
	}
	return true
}

// cleanValues reports whether every name and value is valid UTF-8 without NUL bytes.
func cleanValues(v url.Values) bool {
	for k, vs := range v {
		if !tracker.ValidText(k) {
			return false
		}
		for _, s := range vs {
			if !tracker.ValidText(s) {
				return false
			}
		}
	}
	return true
}

func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, message string) {
	s.logger.InfoContext(r.Context(), "bad request", "reason", message)
	s.render(w, r, http.StatusBadRequest, web.BadRequestPage(s.layout(r), message))
}

func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	s.logger.InfoContext(r.Context(), "request body too large", "content_length", r.ContentLength)
	// The rest of the body is not read: close the connection rather than drain it.
	w.Header().Set("Connection", "close")
	s.render(w, r, http.StatusRequestEntityTooLarge, web.TooLargePage(s.layout(r)))
}

// notSaved answers a form that could not be saved because the database is unavailable: whatever
// the form, the user is told that nothing was saved and keeps what they typed, shown on the page
// with a button that sends it again. Passwords are never sent back (see tracker.SecretField).
func (s *Server) notSaved(w http.ResponseWriter, r *http.Request) {
	names := make([]string, 0, len(r.PostForm))
	for name := range r.PostForm {
		names = append(names, name)
	}
	sort.Strings(names)
	var fields []web.NotSavedField
	for _, name := range names {
		if tracker.SecretField(name) {
			continue
		}
		for _, v := range r.PostForm[name] {
			fields = append(fields, web.NotSavedField{Name: name, Label: fieldLabel(name), Value: v, Shown: typed(v)})
		}
	}
	// Back to the same address on this site: never a scheme-relative //host.
	action := "/" + strings.TrimLeft(r.URL.EscapedPath(), "/")
	if r.URL.RawQuery != "" {
		action += "?" + r.URL.RawQuery
	}
	s.render(w, r, http.StatusServiceUnavailable, web.NotSavedPage(s.layout(r), action, fields))
}

// typed reports whether a form value looks like text a person typed, worth showing them, rather
// than a code or number chosen from the form, such as a status or a version.
func typed(v string) bool {
	return strings.ContainsFunc(v, unicode.IsSpace) || utf8.RuneCountInString(v) > 30
}

// fieldLabel turns a form field's name, such as "evidence_url", into a label: "Evidence url".
func fieldLabel(name string) string {
	l := strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(name))
	if l == "" {
		return "Field"
	}
	r, n := utf8.DecodeRuneInString(l)
	return string(unicode.ToUpper(r)) + l[n:]
}
