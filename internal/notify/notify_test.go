package notify_test

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/notify"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

func TestContentEscapesAndLinksAbsolutely(t *testing.T) {
	t.Parallel()
	h := notify.Handoff{BaseURL: "https://tracker.example", Plan: tracker.Plan{Slug: "2023-24", IsCurrent: true},
		Commitment: tracker.Commitment{Ref: "4.2", Deliver: `Skills <script>alert(1)</script>`},
		Update:     tracker.Update{ID: 9, Status: tracker.OnTrack}, To: "Jo", Note: "Say <b>when</b>.\nThanks"}
	c := notify.Returned(h)
	html := c.HTML()
	if strings.Contains(html, "<script>") || strings.Contains(html, "<b>when") || !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("HTML does not escape what people typed:\n%s", html)
	}
	if !strings.Contains(html, `href="https://tracker.example/report/4.2"`) {
		t.Errorf("HTML lacks the absolute link:\n%s", html)
	}
	text := c.Text()
	if !strings.Contains(text, "> Say <b>when</b>.\n> Thanks\n") || !strings.Contains(text, "https://tracker.example/report/4.2") {
		t.Errorf("text = %s", text)
	}
	if c.Subject != "Update returned with a note: commitment 4.2" {
		t.Errorf("subject = %q", c.Subject)
	}
}
