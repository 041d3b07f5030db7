package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Keys a keyboard-only user presses.
const (
	KeyTab      = "Tab"
	KeyShiftTab = "Shift+Tab"
	KeyEnter    = "Enter"
	KeySpace    = "Space"
	KeyEscape   = "Escape"
	KeyDown     = "ArrowDown"
	KeyUp       = "ArrowUp"
)

// Press presses a key (KeyTab, KeyShiftTab, KeyEnter, KeySpace, KeyEscape,
// KeyDown or KeyUp) with the keyboard: the browser gets the key's down and up
// events, as from a real keyboard, so the page sees no difference.
func (tab *Tab) Press(key string) {
	tab.t.Helper()
	tab.do("press "+key, keyAction(tab, key))
}

func keyAction(tab *Tab, key string) chromedp.Action[chromedp.Void] {
	switch key {
	case KeyTab:
		return pressKey("Tab", 9, "", 0)
	case KeyShiftTab:
		return pressKey("Tab", 9, "", 8)
	case KeyEnter:
		return pressKey("Enter", 13, "\r", 0)
	case KeySpace:
		return pressKey(" ", 32, " ", 0)
	case KeyEscape:
		return pressKey("Escape", 27, "", 0)
	case KeyDown:
		return pressKey("ArrowDown", 40, "", 0)
	case KeyUp:
		return pressKey("ArrowUp", 38, "", 0)
	}
	tab.t.Fatalf("browsertest: no such key %q", key)
	return nil
}

// pressKey presses and releases a key as one keystroke of a real keyboard:
// a key that types text goes down with its text (the page sees keydown and
// keypress from the one event), and a key that types none goes down raw.
// Sending the text as a separate event, as chromedp's KeyEvent does, lets
// Enter on a link follow the link and then, with the focus moved, press
// Enter again on whatever the link led to.
func pressKey(key string, code int64, text string, modifiers int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		keyCode := key
		switch key {
		case " ":
			keyCode = "Space"
		}
		down := input.DispatchKeyEventParams{
			Type: input.DispatchKeyEventTypeRawKeyDown, Key: key, Code: keyCode, Modifiers: modifiers,
			WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code,
		}
		if text != "" {
			down.Type, down.Text, down.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, text, text
		}
		up := input.DispatchKeyEventParams{
			Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: keyCode, Modifiers: modifiers,
			WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code,
		}
		for _, p := range []input.DispatchKeyEventParams{down, up} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// PressAndLoad presses a key that should take the browser to another page
// (Enter on a link or a submit button, Space on a button), waits for the
// page and returns its HTTP status.
func (tab *Tab) PressAndLoad(key string) int {
	tab.t.Helper()
	return tab.load("press "+key+" and wait for the page", keyAction(tab, key))
}

// Focus describes the element that has the keyboard focus.
type Focus struct {
	Tag  string `json:"tag"` // "body" when nothing has focus
	ID   string `json:"id"`
	Type string `json:"type"` // an input's or button's type
	Text string `json:"text"` // its text, or for a field the text of its label
	Href string `json:"href"` // a link's href attribute, as written
	// InMain tells whether it is in the page's main content.
	InMain bool `json:"inMain"`
	// AfterMain tells whether it comes after the start of the main content.
	AfterMain bool `json:"afterMain"`
	// Shown tells whether it is on screen: it, or a label of it, is more
	// than 1 by 1 CSS pixels and lies in the viewport (a skip link is shown
	// only when focused; the design system draws radios and checkboxes on
	// their labels).
	Shown bool `json:"shown"`
	// Name is its accessible name, as the browser gives it to assistive
	// technology.
	Name string `json:"-"`
	// Indicator says what shows the focus: the element's own outline or box
	// shadow, or that of its label, or "" when nothing does.
	Indicator string `json:"indicator"`
}

// String describes the focused element for messages.
func (f Focus) String() string {
	s := "<" + f.Tag
	if f.ID != "" {
		s += " id=" + f.ID
	}
	if f.Href != "" {
		s += " href=" + f.Href
	}
	s += ">"
	if text := []rune(f.Text); len(text) > 80 {
		s += fmt.Sprintf(" %q", string(text[:79])+"…")
	} else if len(text) > 0 {
		s += fmt.Sprintf(" %q", f.Text)
	}
	return s
}

// Visible reports whether a sighted keyboard user can see where the focus
// is: the element is on screen and something marks it as focused.
func (f Focus) Visible() bool { return f.Shown && f.Indicator != "" }

// focusScript describes document.activeElement. A visible focus indicator is
// an outline that is drawn (a style, a width and a colour that is not
// transparent), a box shadow, a drop shadow or the design system's yellow
// focus background, on the element, on its ::before or ::after, or on its
// label and the label's ::before or ::after: the design system hides radio
// and checkbox inputs and draws their focus on the label. The yellow focus
// background of an element close around it counts too.
const focusScript = `(() => {
	const el = document.activeElement;
	const main = document.getElementById('main-content');
	if (!el || el === document.body || el === document.documentElement) {
		return { tag: 'body', id: '', type: '', text: '', href: '', inMain: false, afterMain: false, shown: false, indicator: '' };
	}
	// The design system's focus colour, #fdd522, which it puts behind
	// focused links and buttons.
	const focusColour = 'rgb(253, 213, 34)';
	const transparent = (c) => c === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(c);
	const drawn = (cs) => {
		if (!cs) return '';
		if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && !transparent(cs.outlineColor)) return 'outline';
		if (cs.boxShadow && cs.boxShadow !== 'none') return 'box-shadow';
		if (cs.filter && cs.filter.includes('drop-shadow')) return 'drop-shadow';
		if (cs.backgroundColor === focusColour) return 'focus colour';
		return '';
	};
	const labels = el.labels ? [...el.labels] : [];
	let indicator = '';
	for (const [node, name] of [[el, ''], ...labels.map((l) => [l, 'label '])]) {
		for (const pseudo of [null, '::before', '::after']) {
			const how = drawn(getComputedStyle(node, pseudo));
			if (how && !indicator) indicator = name + how + (pseudo || '');
		}
	}
	// The design system marks some controls on the element around them
	// (:focus-within), such as a filter's remove button on the filter: in
	// its focus colour, which nothing else uses.
	for (let a = el.parentElement, i = 0; a && i < 3 && !indicator; a = a.parentElement, i++) {
		if (getComputedStyle(a).backgroundColor === focusColour) indicator = 'focus colour of ' + a.tagName.toLowerCase();
	}
	const shownBox = (node) => {
		const r = node.getBoundingClientRect();
		return r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 &&
			r.top < window.innerHeight && r.left < window.innerWidth;
	};
	const text = (labels.length ? labels[0].textContent : (el.innerText || el.value || el.getAttribute('aria-label') || '')).trim().replace(/\s+/g, ' ');
	return {
		tag: el.tagName.toLowerCase(), id: el.id || '', type: el.getAttribute('type') || '',
		text, href: el.getAttribute('href') || '',
		inMain: !!main && main.contains(el),
		afterMain: !!main && (main.contains(el) || !!(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)),
		shown: shownBox(el) || labels.some(shownBox),
		indicator,
	};
})()`

// Focused describes the element that has the keyboard focus.
func (tab *Tab) Focused() Focus {
	tab.t.Helper()
	f := run(tab, "find the focused element", chromedp.Evaluate[Focus](focusScript))
	if f.Tag != "body" {
		f.Name = tab.focusedName()
	}
	return f
}

// focusedName returns the accessible name of the focused element, as the
// browser computes it for assistive technology.
func (tab *Tab) focusedName() string {
	tab.t.Helper()
	const group = "browsertest-focus"
	return run(tab, "read the focused element's accessible name", func(ctx context.Context, t *chromedp.Target) (string, error) {
		ev, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: "document.activeElement", ObjectGroup: group})
		if err != nil {
			return "", err
		}
		defer chromedp.Call(ctx, runtime.ReleaseObjectGroup, runtime.ReleaseObjectGroupParams{ObjectGroup: group})
		if ev.ExceptionDetails != nil || ev.Result == nil || ev.Result.ObjectID == "" {
			return "", nil
		}
		tree, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{
			ObjectID: ev.Result.ObjectID, FetchRelatives: new(false),
		})
		if err != nil {
			return "", err
		}
		for _, n := range tree.Nodes {
			if n.Name == nil || len(n.Name.Value) == 0 {
				continue
			}
			var name string
			if err := json.Unmarshal(n.Name.Value, &name); err != nil {
				return "", fmt.Errorf("the accessible name %s: %w", n.Name.Value, err)
			}
			return strings.Join(strings.Fields(name), " "), nil
		}
		return "", nil
	})
}

// checkStop fails the test unless a sighted keyboard user can see where the
// focus is and a screen reader user hears what it is on.
func (tab *Tab) checkStop(f Focus) {
	tab.t.Helper()
	if !f.Visible() {
		tab.t.Fatalf("browsertest: on %s, the keyboard focus is on %s but cannot be seen (shown on screen, larger than 1 pixel: %t, focus indicator: %q)",
			tab.Path(), f, f.Shown, f.Indicator)
	}
	if f.Name == "" {
		tab.t.Fatalf("browsertest: on %s, the keyboard focus is on %s, which has no accessible name", tab.Path(), f)
	}
}

// MaxTabs bounds how many times TabTo presses Tab looking for an element.
var MaxTabs = 150

// TabTo presses Tab until the focus is on an element for which match is
// true, checking at every stop that the focus can be seen and that the
// element has an accessible name, and returns that element. It fails the
// test if the focus is ever invisible or unnamed, or the element is not
// reached within MaxTabs presses. what describes the element for
// messages.
func (tab *Tab) TabTo(what string, match func(Focus) bool) Focus {
	tab.t.Helper()
	var path []string
	var first Focus
	for i := range MaxTabs {
		tab.Press(KeyTab)
		f := tab.Focused()
		if f.Tag == "body" {
			path = append(path, "(nothing)")
			continue
		}
		if i > 0 && f == first {
			break // round the page and back
		}
		if first.Tag == "" {
			first = f
		}
		path = append(path, f.String())
		tab.checkStop(f)
		if match(f) {
			return f
		}
	}
	tab.t.Fatalf("browsertest: on %s, Tab never reached %s; the focus went to:\n  %s",
		tab.Path(), what, strings.Join(path, "\n  "))
	return Focus{}
}

// TabToLink presses Tab until a link with the text is focused.
func (tab *Tab) TabToLink(text string) Focus {
	tab.t.Helper()
	return tab.TabTo(fmt.Sprintf("the link %q", text), func(f Focus) bool { return f.Tag == "a" && f.Text == text })
}

// TabToButton presses Tab until a button with the text is focused.
func (tab *Tab) TabToButton(text string) Focus {
	tab.t.Helper()
	return tab.TabTo(fmt.Sprintf("the button %q", text), func(f Focus) bool {
		return (f.Tag == "button" || f.Tag == "input" && (f.Type == "submit" || f.Type == "button")) && f.Text == text
	})
}

// TabToField presses Tab until the form control labelled label is focused.
func (tab *Tab) TabToField(label string) Focus {
	tab.t.Helper()
	return tab.TabTo(fmt.Sprintf("the field %q", label), func(f Focus) bool {
		return (f.Tag == "input" || f.Tag == "textarea" || f.Tag == "select") && f.Text == label
	})
}

// Type types text into the focused field, as from a keyboard.
func (tab *Tab) Type(text string) {
	tab.t.Helper()
	tab.do("type into the focused field", chromedp.KeyEvent(text))
}

// CheckSkipLink checks the skip link with the keyboard, on a page just
// loaded: the first Tab focuses a visible "Skip to main content" link, Enter
// follows it, and the next Tab lands in the main content (or after it, on a
// page whose main content has nothing to focus), not back in the header.
func (tab *Tab) CheckSkipLink() {
	tab.t.Helper()
	tab.Press(KeyTab)
	f := tab.Focused()
	if f.Tag != "a" || f.Href != "#main-content" {
		tab.t.Fatalf("browsertest: on %s, the first Tab focused %s, want the skip link to #main-content", tab.Path(), f)
	}
	if !f.Visible() {
		tab.t.Fatalf("browsertest: on %s, the focused skip link cannot be seen (shown: %t, indicator %q)", tab.Path(), f.Shown, f.Indicator)
	}
	tab.Press(KeyEnter)
	if got := run(tab, "read the address's fragment", chromedp.Evaluate[string](`location.hash`)); got != "#main-content" {
		tab.t.Errorf("browsertest: on %s, the skip link led to %q, want #main-content", tab.Path(), got)
	}
	f = tab.Focused()
	if f.Tag == "main" {
		return // a script moved the focus to the main content itself
	}
	tab.Press(KeyTab)
	f = tab.Focused()
	if !f.AfterMain {
		tab.t.Errorf("browsertest: on %s, Tab after the skip link focused %s, which is before the main content", tab.Path(), f)
	}
	if !f.Visible() {
		tab.t.Errorf("browsertest: on %s, the focus after the skip link is on %s but cannot be seen", tab.Path(), f)
	}
}

// SignInWithKeyboard signs in from the page the tab is on with the keyboard
// alone: Tab to the header's "Sign in" link, Enter, then type the email
// address and password into their fields and press Enter.
func (tab *Tab) SignInWithKeyboard(email, password string) {
	tab.t.Helper()
	tab.TabToLink("Sign in")
	if got := tab.PressAndLoad(KeyEnter); got != 200 {
		tab.t.Fatalf("browsertest: Enter on Sign in: status %d", got)
	}
	tab.TabToField("Email address")
	tab.Type(email)
	tab.TabToField("Password")
	tab.Type(password)
	if got := tab.PressAndLoad(KeyEnter); got != 200 {
		tab.t.Fatalf("browsertest: Enter in the password field: status %d, want 200", got)
	}
	if tab.Count(".ds_error-summary") > 0 {
		tab.t.Fatalf("browsertest: sign in as %s with the keyboard: %q", email, tab.ErrorSummary())
	}
}

// FollowWithKeyboard presses Tab until the link with the text is focused,
// checking the focus can be seen at every stop, presses Enter, and fails the
// test unless the page it leads to loads with status 200.
func (tab *Tab) FollowWithKeyboard(text string) {
	tab.t.Helper()
	tab.TabToLink(text)
	if got := tab.PressAndLoad(KeyEnter); got != 200 {
		tab.t.Fatalf("browsertest: Enter on the link %q: status %d, want 200", text, got)
	}
}

// CheckTabStops presses Tab through the whole of a page just loaded, from
// its top until the focus has left its last control, checking at every stop
// that the focus can be seen and that the element has an accessible name. It
// returns the stops in order. state names the page for messages.
func (tab *Tab) CheckTabStops(state string) []Focus {
	tab.t.Helper()
	var stops []Focus
	for range 4 * MaxTabs {
		tab.Press(KeyTab)
		f := tab.Focused()
		if f.Tag == "body" || len(stops) > 0 && f == stops[0] {
			if len(stops) == 0 {
				tab.t.Fatalf("browsertest: %s (%s): Tab focuses nothing", state, tab.Path())
			}
			return stops
		}
		tab.checkStop(f)
		stops = append(stops, f)
	}
	tab.t.Fatalf("browsertest: %s (%s): the focus did not leave the page after %d presses of Tab", state, tab.Path(), 4*MaxTabs)
	return nil
}
