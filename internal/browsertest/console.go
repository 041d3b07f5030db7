package browsertest

import (
	"context"
	"strings"
	"sync"

	"github.com/chromedp/chromedp"
)

// consoleLog collects what a tab's pages report as errors on the console:
// uncaught exceptions, console.error calls and the browser's own errors,
// such as a resource that failed to load or a Content-Security-Policy
// violation.
type consoleLog struct {
	mu     sync.Mutex
	errors []consoleError
	// pages are the documents the test loaded knowing they answer with an
	// error status (a 404 page, a form with errors), which the browser
	// reports as failed loads.
	pages map[string]bool
}

type consoleError struct {
	text, url string
}

func watchConsole(ctx context.Context) *consoleLog {
	l := &consoleLog{pages: map[string]bool{}}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
				continue
			}
			l.mu.Lock()
			l.errors = append(l.errors, consoleError{text: m.String(), url: m.URL})
			l.mu.Unlock()
		}
	}()
	return l
}

// errorPage notes that the document at url answered with an error status
// that the test asked for.
func (l *consoleLog) errorPage(url string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pages[url] = true
}

// ConsoleErrors returns the errors the tab's pages have reported so far,
// leaving out the error statuses of pages the test loaded on purpose.
func (tab *Tab) ConsoleErrors() []string {
	l := tab.console
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.errors {
		if (l.pages[e.url] || strings.HasSuffix(e.url, "/favicon.ico")) &&
			strings.Contains(e.text, "Failed to load resource: the server responded with a status of") {
			// A page loaded on purpose with an error status, or the icon
			// the browser looks for by itself when it shows a download
			// such as JSON, which names no icon.
			continue
		}
		text := e.text
		if e.url != "" {
			text += " (" + strings.TrimPrefix(e.url, tab.base) + ")"
		}
		out = append(out, text)
	}
	return out
}

// checkConsole fails the test if any page reported an error: a page of the
// portal has no script errors, no failed loads and no policy violations.
func (tab *Tab) checkConsole() {
	if errs := tab.ConsoleErrors(); len(errs) > 0 {
		tab.t.Errorf("browsertest: the pages reported errors on the console:\n  %s", strings.Join(errs, "\n  "))
	}
}
