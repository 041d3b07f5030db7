package browsertest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The Nu Html Checker (vnu.jar, pinned in web/package.json as vnu-jar) checks
// the HTML of every page state the tests check. CheckPage saves the page's
// HTML as the server sent it; Main checks all the saved pages with one run
// of the checker after the tests, and fails the run on any error.

// vnuPath is where `npm ci` in web/ puts the pinned checker.
const vnuPath = "web/node_modules/vnu-jar/build/dist/vnu.jar"

// VNUTimeout bounds one run of the checker over all the saved pages.
var VNUTimeout = 5 * time.Minute

// document follows the tab's current document: the request that loaded
// it, so that its body can be read as the server sent it.
type document struct {
	mu        sync.Mutex
	requestID network.RequestID
	url       string
}

// watchDocuments records each document the tab loads. The listener runs on
// the goroutine that reads the browser's messages, before the load's own
// events, so the request is known by the time a load has finished.
func watchDocuments(ctx context.Context) (*document, error) {
	d := &document{}
	err := chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok && r.Type == network.ResourceTypeDocument {
			d.mu.Lock()
			d.requestID, d.url = r.RequestID, r.Response.URL
			d.mu.Unlock()
		}
	})
	return d, err
}

// ServedHTML returns the HTML of the tab's page as the server sent it, before
// any script changed it.
func (tab *Tab) ServedHTML() []byte {
	tab.t.Helper()
	tab.document.mu.Lock()
	id := tab.document.requestID
	tab.document.mu.Unlock()
	if id == "" {
		tab.t.Fatalf("browsertest: on %s, no document has loaded", tab.where())
	}
	res := run(tab, "read the page as it was served", func(ctx context.Context, t *chromedp.Target) (network.GetResponseBodyResult, error) {
		return chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})
	})
	return res.Body
}

// savedPage is a page saved for the checker: where it was seen first.
type savedPage struct {
	Test, State, Path string
}

// saved are the pages saved for the checker in this test binary.
var saved struct {
	mu    sync.Mutex
	dir   string
	err   error
	pages map[string]savedPage // by file name
	sums  map[[32]byte]bool    // pages with the same HTML are checked once
}

// saveHTML keeps the tab's page, as served, for the checker run by Main.
func (tab *Tab) saveHTML(state string) {
	tab.t.Helper()
	body := tab.ServedHTML()
	sum := sha256.Sum256(body)
	saved.mu.Lock()
	defer saved.mu.Unlock()
	if saved.dir == "" && saved.err == nil {
		saved.dir, saved.err = os.MkdirTemp("", "browsertest-html-")
		saved.pages, saved.sums = map[string]savedPage{}, map[[32]byte]bool{}
	}
	if saved.err != nil {
		tab.t.Fatalf("browsertest: a folder for the pages to check: %v", saved.err)
	}
	if saved.sums[sum] {
		return
	}
	saved.sums[sum] = true
	name := fmt.Sprintf("page-%04d.html", len(saved.pages)+1)
	if err := os.WriteFile(filepath.Join(saved.dir, name), body, 0o644); err != nil {
		tab.t.Fatalf("browsertest: save the page for the checker: %v", err)
	}
	mode := ""
	if tab.noScript {
		mode = " (without JavaScript)"
	}
	saved.pages[name] = savedPage{Test: tab.t.Name() + mode, State: state, Path: tab.Path()}
}

// NuMessage is an error the Nu Html Checker found in a file.
type NuMessage struct {
	File    string // the file's name, without its folder
	Line    int
	Column  int
	Message string
	Extract string // the markup around the error
}

// String describes the error for a person fixing it.
func (m NuMessage) String() string {
	s := fmt.Sprintf("line %d, column %d: %s", m.Line, m.Column, m.Message)
	if x := strings.TrimSpace(m.Extract); x != "" {
		s += "\n      " + strings.Join(strings.Fields(x), " ")
	}
	return s
}

// NuCommand returns the command that runs the Nu Html Checker, or why it
// cannot run: java and the pinned vnu.jar must be installed.
func NuCommand(ctx context.Context, args ...string) (*exec.Cmd, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, fmt.Errorf("java is not installed (install Debian's default-jre-headless, or run `make test`, which installs it)")
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	jar := filepath.Join(root, vnuPath)
	if _, err := os.Stat(jar); err != nil {
		return nil, fmt.Errorf("the Nu Html Checker is not installed at %s (run `make test`, or `npm ci` in web/, which installs the pinned vnu-jar)", vnuPath)
	}
	return exec.CommandContext(ctx, java, append([]string{"-jar", jar}, args...)...), nil
}

// RequireNu skips the test, or fails it in CI, when the Nu Html Checker
// cannot run.
func RequireNu(t testing.TB) {
	t.Helper()
	if _, err := NuCommand(context.Background()); err != nil {
		unavailable(t, "%v", err)
	}
}

// CheckHTMLFiles runs the Nu Html Checker once over the .html files in dir
// and returns the errors it finds, in file and line order. It returns an
// error if the checker cannot run.
func CheckHTMLFiles(ctx context.Context, dir string) ([]NuMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, VNUTimeout)
	defer cancel()
	cmd, err := NuCommand(ctx, "--errors-only", "--format", "json", "--stdout", dir)
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var out struct {
		Messages []struct {
			Type         string `json:"type"`
			SubType      string `json:"subType"`
			URL          string `json:"url"`
			LastLine     int    `json:"lastLine"`
			FirstLine    int    `json:"firstLine"`
			FirstColumn  int    `json:"firstColumn"`
			LastColumn   int    `json:"lastColumn"`
			Message      string `json:"message"`
			Extract      string `json:"extract"`
			HiliteStart  int    `json:"hiliteStart"`
			HiliteLength int    `json:"hiliteLength"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("the Nu Html Checker's output: %v (exit: %v)\n%s%s", err, runErr, stdout.String(), stderr.String())
	}
	var msgs []NuMessage
	for _, m := range out.Messages {
		if m.Type != "error" && m.SubType != "fatal" {
			continue
		}
		name := m.URL
		if u, err := url.Parse(m.URL); err == nil && u.Path != "" {
			name = filepath.Base(u.Path)
		} else if u != nil && u.Opaque != "" {
			name = filepath.Base(u.Opaque)
		}
		msgs = append(msgs, NuMessage{File: name, Line: m.LastLine, Column: m.FirstColumn, Message: m.Message, Extract: m.Extract})
	}
	if len(msgs) == 0 && runErr != nil {
		return nil, fmt.Errorf("the Nu Html Checker failed: %v\n%s", runErr, stderr.String())
	}
	sort.SliceStable(msgs, func(i, j int) bool {
		if msgs[i].File != msgs[j].File {
			return msgs[i].File < msgs[j].File
		}
		return msgs[i].Line < msgs[j].Line
	})
	return msgs, nil
}

// checkSavedHTML runs the checker over the pages the tests saved, writes
// each error with its page to w, and returns whether the run must fail. A
// checker that cannot run is a warning, except in CI.
func checkSavedHTML(w io.Writer) (failed bool) {
	saved.mu.Lock()
	defer saved.mu.Unlock()
	if saved.dir == "" {
		return false
	}
	if _, err := NuCommand(context.Background()); err != nil {
		if InCI() {
			fmt.Fprintf(w, "browsertest: cannot check the pages' HTML: %v (CI=true, so this is a failure: the CI run must install it)\n", err)
			_ = os.RemoveAll(saved.dir)
			return true
		}
		fmt.Fprintf(w, "browsertest: warning: the pages' HTML was not checked: %v\n", err)
		_ = os.RemoveAll(saved.dir)
		return false
	}
	msgs, err := CheckHTMLFiles(context.Background(), saved.dir)
	if err != nil {
		fmt.Fprintf(w, "browsertest: %v\n", err)
		return true
	}
	if len(msgs) == 0 {
		fmt.Fprintf(w, "browsertest: the Nu Html Checker found no errors in %d pages\n", len(saved.pages))
		_ = os.RemoveAll(saved.dir)
		return false
	}
	fmt.Fprintf(w, "browsertest: the Nu Html Checker found %d errors; the pages are kept in %s\n", len(msgs), saved.dir)
	for _, m := range msgs {
		p := saved.pages[m.File]
		fmt.Fprintf(w, "--- %s: %s (%s), %s\n    %s\n", p.Test, p.State, p.Path, m.File, m)
	}
	return true
}
