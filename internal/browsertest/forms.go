package browsertest

import (
	"slices"
	"strings"

	"github.com/chromedp/chromedp"
)

// SignIn signs in from the page the tab is on, as a person does: it follows
// the header's "Sign in" link, types the email address and password, and
// presses "Sign in". It fails the test unless that leads to a page.
func (tab *Tab) SignIn(email, password string) {
	tab.t.Helper()
	tab.ClickLink("Sign in")
	tab.Fill("Email address", email)
	tab.Fill("Password", password)
	if got := tab.ClickButton("Sign in"); got != 200 {
		tab.t.Fatalf("browsertest: sign in as %s: status %d, want 200 (errors: %q)", email, got, tab.ErrorSummary())
	}
	if tab.Count(".ds_error-summary") > 0 {
		tab.t.Fatalf("browsertest: sign in as %s: %q", email, tab.ErrorSummary())
	}
}

// SignOut presses the header's "Sign out" button and fails the test unless
// that leads to a page.
func (tab *Tab) SignOut() {
	tab.t.Helper()
	if got := tab.ClickButton("Sign out"); got != 200 {
		tab.t.Fatalf("browsertest: sign out: status %d, want 200", got)
	}
}

// SignedInAs returns the name the header says is signed in, or "".
func (tab *Tab) SignedInAs() string {
	tab.t.Helper()
	return run(tab, "read who is signed in", chromedp.Evaluate[string](
		`(() => { const e = document.querySelector('.app-site-header__user strong'); return e ? e.textContent.trim() : ''; })()`))
}

// Notification returns the text of the page's notification banner, or "".
func (tab *Tab) Notification() string {
	tab.t.Helper()
	s := run(tab, "read the notification banner", chromedp.Evaluate[string](
		`(() => { const e = document.querySelector('.ds_notification'); return e ? e.textContent : ''; })()`))
	return strings.Join(strings.Fields(s), " ")
}

// ErrorSummary returns the messages of the page's error summary, or nothing
// when it has none.
func (tab *Tab) ErrorSummary() []string {
	tab.t.Helper()
	return run(tab, "read the error summary", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('.ds_error-summary li')].map((li) => li.textContent.trim().replace(/\s+/g, ' '))`))
}

// formErrors checks a form shown again with errors: every message in the
// error summary links to a field on the page that shows the same message
// next to it, and every field with a message is in the summary.
const formErrors = `(() => {
	const problems = [];
	const links = [...document.querySelectorAll('.ds_error-summary a')];
	const inline = [...document.querySelectorAll('.ds_question__error-message')];
	for (const a of links) {
		const id = decodeURIComponent((a.getAttribute('href') || '').replace(/^#/, ''));
		const field = document.getElementById(id);
		if (!field) { problems.push('"' + a.textContent.trim() + '" links to #' + id + ', which is not on the page'); continue; }
		const question = field.closest('.ds_question');
		const message = question && question.querySelector('.ds_question__error-message');
		if (!message) { problems.push('#' + id + ' has no error message next to it'); continue; }
		if (!message.textContent.includes(a.textContent.trim())) {
			problems.push('#' + id + ' says "' + message.textContent.trim() + '" but the summary says "' + a.textContent.trim() + '"');
		}
		// A group of radios or checkboxes is described as a whole, on
		// its fieldset.
		const group = field.closest('fieldset');
		const described = [field, group].filter(Boolean).flatMap((e) => (e.getAttribute('aria-describedby') || '').split(/\s+/));
		if (message.id && !described.includes(message.id)) {
			problems.push('#' + id + ' is not described by its error message ' + message.id);
		}
	}
	if (inline.length !== links.length) {
		problems.push(inline.length + ' fields show errors, but the summary lists ' + links.length);
	}
	return problems;
})()`

// CheckFormErrors checks a form that came back with errors: the page's
// title starts "Error: ", the error summary lists want (in order), each
// message links to its field, which shows the same message and is described
// by it; with JavaScript the error summary has the focus, so that keyboard
// and screen reader users start there. It then checks the page as CheckPage
// does.
func (tab *Tab) CheckFormErrors(state string, want ...string) {
	tab.t.Helper()
	if title := tab.Title(); !strings.HasPrefix(title, "Error: ") {
		tab.t.Errorf("browsertest: %s: the page's title is %q, want it to start \"Error: \"", state, title)
	}
	if got := tab.ErrorSummary(); !slices.Equal(got, want) {
		tab.t.Errorf("browsertest: %s: the error summary says %q, want %q", state, got, want)
	}
	if problems := run(tab, "check the form's errors", chromedp.Evaluate[[]string](formErrors)); len(problems) > 0 {
		tab.t.Errorf("browsertest: %s: %s", state, strings.Join(problems, "; "))
	}
	if !tab.noScript {
		if f := tab.Focused(); f.ID != "error-summary" {
			tab.t.Errorf("browsertest: %s: the focus is on %s, want the error summary", state, f)
		} else if !f.Visible() {
			tab.t.Errorf("browsertest: %s: the error summary has the focus, but it cannot be seen", state)
		}
	}
	tab.CheckPage(state)
}

// UploadFile chooses the file at path for the file input labelled label, as a person does with
// the browser's file picker.
func (tab *Tab) UploadFile(label, path string) {
	tab.t.Helper()
	id := tab.fieldID(label)
	tab.do("choose the file "+path+" for "+label, chromedp.SetUploadFiles(chromedp.ID(id), []string{path}))
}
