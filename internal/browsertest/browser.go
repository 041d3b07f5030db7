// Package browsertest drives the portal in a real browser: Debian's headless
// Chromium, through the DevTools protocol (chromedp), against the real server
// on a real database.
//
// A test binary shares one browser process (started on first use and stopped
// by Main), and every test gets a tab of its own in a browser context of its
// own, so cookies and storage never leak from one test to the next and tests
// may run in parallel. A tab moves around the portal the way a person does:
// it opens the first page by its address, then follows links and submits
// forms by clicking them, and every step waits on a condition (a load, an
// element becoming visible), never on a fixed sleep.
//
// On every page a test can check what every page must do: axe-core's WCAG
// 2.2 A and AA rules at 1280 and 320 CSS pixels (CheckAccessible), no
// horizontal scrolling at 320 (CheckReflow), valid HTML (CheckPage saves the
// page as served, and Main runs the Nu Html Checker over them all),
// screenshots at 320, 375 and 1280 pixels for a person to look at
// (Screenshots, saved to the git-ignored screenshots/ folder at the
// repository root), keyboard-only use with visible, named focus stops (Tab,
// Press, Focused, TabTo), and the printed page (CheckPrint).
//
// The tests need /usr/bin/chromium and the pinned axe-core in
// web/node_modules, and for the HTML check java and the pinned vnu-jar;
// `make test` installs them. Where one is missing the tests skip, or the
// HTML check is left out, with a message saying so, except in CI (CI=true),
// where they fail: a missing install step must never pass quietly.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ExecPath is Debian's Chromium, which `make test` installs where missing.
const ExecPath = "/usr/bin/chromium"

// InCI reports whether the tests run in continuous integration, where
// CI=true: there a missing browser or axe-core fails the tests instead of
// skipping them.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// unavailable skips the test, or fails it in CI, because something the
// browser tests need is not installed.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("browsertest: %s (CI=true, so this is a failure: the CI run must install it)", msg)
	}
	t.Skipf("browsertest: skipping browser test: %s", msg)
}

// shared is the browser process of the test binary.
var shared struct {
	mu      sync.Mutex
	ctx     context.Context // a chromedp context that has started the browser
	cancel  func()
	dataDir string
	err     error
	started bool
}

// browser returns the shared browser's context, starting the browser on
// first use. A failure to start is remembered, so that every test reports it
// without starting Chromium again.
func browser(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(ExecPath); err != nil {
		if path, lookErr := exec.LookPath("chromium"); lookErr == nil {
			t.Logf("browsertest: chromium found at %s, but the tests use %s", path, ExecPath)
		}
		unavailable(t, "chromium is not installed at %s (install Debian's chromium package, or run `make test`, which installs it)", ExecPath)
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.started {
		shared.started = true
		shared.ctx, shared.cancel, shared.dataDir, shared.err = startBrowser()
	}
	if shared.err != nil {
		t.Fatalf("browsertest: start %s: %v", ExecPath, shared.err)
	}
	return shared.ctx
}

func startBrowser() (context.Context, func(), string, error) {
	dir, err := os.MkdirTemp("", "browsertest-chromium-")
	if err != nil {
		return nil, nil, "", err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ExecPath),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("lang", "en-GB"),
		chromedp.WindowSize(1280, 1024),
	}
	if os.Geteuid() == 0 {
		// Chromium's sandbox refuses to run as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	cancel := func() {
		cancelCtx()
		cancelAlloc()
	}
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		_ = os.RemoveAll(dir)
		return nil, nil, "", err
	}
	return ctx, cancel, dir, nil
}

// Main runs the tests of a package that uses browser tabs, then stops the
// shared browser. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if checkSavedHTML(os.Stderr) && code == 0 {
		code = 1
	}
	removePortal()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cancel != nil {
		shared.cancel()
	}
	if shared.dataDir != "" {
		_ = os.RemoveAll(shared.dataDir)
	}
	return code
}

// TabOption configures a new tab.
type TabOption func(*tabConfig)

type tabConfig struct {
	noScript bool
	width    int64
	height   int64
}

// NoScript turns JavaScript off in the tab, as a visitor whose browser runs no
// scripts would have it: the page's scripts never run. The checks that need a
// script of their own (axe-core, reflow, keyboard focus) still work.
func NoScript() TabOption { return func(c *tabConfig) { c.noScript = true } }

// Viewport sets the tab's viewport in CSS pixels; the default is 1280 by 900.
func Viewport(width, height int64) TabOption {
	return func(c *tabConfig) { c.width, c.height = width, height }
}

// tabsOfTest counts the tabs each test opens, to name their pictures.
var tabsOfTest sync.Map

// Tab is a browser tab of a test, in a browser context of its own.
type Tab struct {
	n        int64 // the test's first tab is 1, its second 2...
	t        testing.TB
	ctx      context.Context
	base     string
	noScript bool
	width    int64
	height   int64
	console  *consoleLog
	document *document
}

// NewTab opens a tab on the shared browser for the portal at base (such as
// Server.URL), in a fresh browser context with no cookies. The tab closes
// when the test ends; when the test has failed, its last page is saved as
// screenshots/failures/<test>.png first.
func NewTab(t testing.TB, base string, opts ...TabOption) *Tab {
	t.Helper()
	cfg := tabConfig{width: 1280, height: 900}
	for _, o := range opts {
		o(&cfg)
	}
	axeScript(t) // skip or fail at once, not at the first check, without axe-core
	parent := browser(t)
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	tab := &Tab{t: t, ctx: ctx, base: strings.TrimRight(base, "/"), noScript: cfg.noScript, width: cfg.width, height: cfg.height}
	counter, _ := tabsOfTest.LoadOrStore(t.Name(), new(atomic.Int64))
	tab.n = counter.(*atomic.Int64).Add(1)
	err := chromedp.Do(ctx)
	if err != nil {
		cancel()
		t.Fatalf("browsertest: open tab: %v", err)
	}
	tab.console = watchConsole(ctx)
	if tab.document, err = watchDocuments(ctx); err != nil {
		cancel()
		t.Fatalf("browsertest: watch the tab's pages: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			tab.saveFailure()
		}
		tab.checkConsole()
		cancel()
	})
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(cfg.width, cfg.height),
		// Scroll at once, not smoothly, so that an element is in view as
		// soon as focus or a click has moved to it.
		call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		}),
	}
	tab.do("set up the tab", steps...)
	if cfg.noScript {
		tab.setScripts(false)
	}
	return tab
}

// setScripts turns the execution of scripts in the tab's pages on or off.
func (tab *Tab) setScripts(on bool) {
	tab.t.Helper()
	tab.do("turn scripts on or off", call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}))
}

// Context returns the tab's chromedp context, for actions the Tab has no
// method for. Derive a context with a timeout from it for each action.
func (tab *Tab) Context() context.Context { return tab.ctx }

// ScriptsEnabled reports whether the page's own scripts run in the tab.
func (tab *Tab) ScriptsEnabled() bool { return !tab.noScript }

// saveFailure keeps a picture of the page a failed test ended on.
func (tab *Tab) saveFailure() {
	ctx, cancel := tab.timeout()
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tab.t.Logf("browsertest: screenshot of the failed page: %v", err)
		return
	}
	dir, err := screenshotDir("failures")
	if err != nil {
		tab.t.Logf("browsertest: %v", err)
		return
	}
	name := fileName(tab.t.Name())
	if tab.n > 1 {
		name += fmt.Sprintf("-tab%d", tab.n)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tab.t.Logf("browsertest: %v", err)
		return
	}
	url, _ := chromedp.Run(ctx, chromedp.Location())
	tab.t.Logf("browsertest: the failed test ended on %s, saved as %s", url, path)
}

// call makes an action of a protocol command whose result is not needed.
func call[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, params)
		return err
	})
}

// errorText describes err, adding the page the tab is on.
func (tab *Tab) errorText(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out waiting (" + Timeout.String() + ")"
	}
	return err.Error()
}

// Base returns the address of the site the tab is for.
func (tab *Tab) Base() string { return tab.base }

// WithTB returns a copy of the tab that reports its checks' failures to tb,
// for testing the checks themselves.
func WithTB(tab *Tab, tb testing.TB) *Tab {
	c := *tab
	c.t = tb
	return &c
}
