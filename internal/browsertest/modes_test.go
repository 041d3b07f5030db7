package browsertest_test

import "github.com/scottish-government/delivery-tracker/internal/browsertest"

// mode is a way of browsing that every journey is run in.
type mode struct {
	name string
	opts []browsertest.TabOption
	// shots tells whether the journey saves its pages' screenshots in this
	// mode; one mode is enough.
	shots bool
}

var modes = []mode{
	{name: "with JavaScript", shots: true},
	{name: "without JavaScript", opts: []browsertest.TabOption{browsertest.NoScript()}},
}

// screenshots saves the page's pictures at 320 and 1280 pixels, in the mode
// that takes them.
func (m mode) screenshots(tab *browsertest.Tab, name string) {
	if m.shots {
		tab.Screenshots(name)
	}
}
