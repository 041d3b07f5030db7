package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Download is a file the browser downloaded.
type Download struct {
	URL      string // the address it came from, without the site
	Filename string // the name the browser suggests saving it as
	Data     []byte
}

// Download clicks the link whose text is text, which must download a file
// rather than open a page, waits for the download to finish, and returns the
// file.
func (tab *Tab) Download(text string) Download {
	tab.t.Helper()
	dir := tab.t.TempDir()
	ctx, cancel := tab.timeout()
	defer cancel()
	bctx := chromedp.FromContext(tab.ctx).BrowserContextID
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: bctx,
		DownloadPath: dir, EventsEnabled: new(true),
	}); err != nil {
		tab.t.Fatalf("browsertest: allow downloads: %v", err)
	}
	// Subscribe before clicking, so that no event is missed.
	begins := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	what := fmt.Sprintf("the link %q", text)
	tab.do("click "+what, tab.click(what, linkXPath(text)))

	var d Download
	var guid string
	for ev, err := range begins {
		if err != nil {
			tab.t.Fatalf("browsertest: %s started no download: %s", what, tab.errorText(err))
		}
		// Other tabs of the shared browser download too.
		if strings.HasPrefix(ev.URL, tab.base+"/") {
			guid, d.URL, d.Filename = ev.GUID, strings.TrimPrefix(ev.URL, tab.base), ev.SuggestedFilename
			break
		}
	}
	for ev, err := range progress {
		if err != nil {
			tab.t.Fatalf("browsertest: the download from %s did not finish: %s", what, tab.errorText(err))
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			tab.t.Fatalf("browsertest: the download from %s was cancelled", what)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		tab.t.Fatalf("browsertest: read the download from %s: %v", what, err)
	}
	d.Data = data
	return d
}
