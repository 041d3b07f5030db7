package web

import (
	"strconv"
	"strings"
)

// Chart is a stacked bar chart of commitments by status: one bar for each priority area, or for
// each quarter in which commitments are due. It renders as an SVG picture with a text alternative,
// followed by a table of the same numbers.
type Chart struct {
	// ID is unique on the page; the chart's elements take their ids from it.
	ID string
	// Title names the chart, as its heading and the picture's accessible name.
	Title string
	// Caption says what the bars are counted by, for the table: "Priority area" or "Due".
	Caption string
	Bars    []ChartBar
	// Marker, when set, is the label of a bar to mark as the current one, such as this quarter.
	Marker string
	// FinderPath, when set, is the address of the plan's commitments finder: each count in the
	// chart's table links to the commitments it counts there, selected by the bar's Filters.
	FinderPath string
}

// ChartBar is one bar: how many commitments have each status. Counts is keyed by status value,
// StatusNoUpdate for those with no update yet.
type ChartBar struct {
	Label string
	// Short is the bar's label where space is tight (a timeline's columns); defaults to Label.
	Short  string
	Href   string
	Counts map[string]int
	// Filters select the bar's commitments in the finder, such as a priority area or a quarter.
	Filters FinderFilters
}

// Total returns how many commitments the bar counts.
func (b ChartBar) Total() int {
	n := 0
	for _, c := range b.Counts {
		n += c
	}
	return n
}

func (b ChartBar) short() string {
	if b.Short != "" {
		return b.Short
	}
	return b.Label
}

// chartStatuses lists the statuses in the order bars stack them: no update first, then as the
// portal lists them.
func chartStatuses() []string {
	return append([]string{StatusNoUpdate}, Statuses()...)
}

// statuses returns the statuses that occur in the chart, in stacking order.
func (c Chart) statuses() []string {
	var out []string
	for _, s := range chartStatuses() {
		for _, b := range c.Bars {
			if b.Counts[s] > 0 {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// Total returns how many commitments the whole chart counts.
func (c Chart) Total() int {
	n := 0
	for _, b := range c.Bars {
		n += b.Total()
	}
	return n
}

func (c Chart) max() int {
	m := 0
	for _, b := range c.Bars {
		m = max(m, b.Total())
	}
	return m
}

// description is the picture's text alternative: what it shows and every number in it.
func (c Chart) description() string {
	var b strings.Builder
	b.WriteString(plural(c.Total(), "commitment", "commitments") + " by " + strings.ToLower(c.Caption) + " and status. ")
	for i, bar := range c.Bars {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(bar.Label + ": ")
		if bar.Total() == 0 {
			b.WriteString("none")
			continue
		}
		b.WriteString(strconv.Itoa(bar.Total()))
		var parts []string
		for _, s := range chartStatuses() {
			if n := bar.Counts[s]; n > 0 {
				parts = append(parts, strconv.Itoa(n)+" "+strings.ToLower(StatusLabel(s)))
			}
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	b.WriteString(".")
	return b.String()
}

// tagColours are the design system's tag colours: background and text. A chart fills each status
// with its tag's background, and outlines and patterns it with the tag's text colour, so that the
// chart matches the status tags.
var tagColours = map[string][2]string{
	"grey":     {"#ebebeb", "#3e3e3e"},
	"green":    {"#cff4da", "#0e3c1b"},
	"teal":     {"#cdf3ef", "#1b6e67"},
	"darkblue": {"#daeeff", "#000b14"},
	"purple":   {"#f8e5f7", "#41113d"},
	"pink":     {"#ffe4f3", "#a5005b"},
	"orange":   {"#fde7db", "#8f3708"},
	"yellow":   {"#feeb98", "#7f6801"},
}

func statusColours(status string) (fill, ink string) {
	c, ok := tagColours[statusStyles[status].colour]
	if !ok {
		c = tagColours["grey"]
	}
	return c[0], c[1]
}

// statusPatterns give each status its own texture, so that colour is never the only cue: each is
// drawn in the status's ink over its fill, in an 8 by 8 tile.
var statusPatterns = map[string]string{
	StatusNoUpdate:       "M 2 2 h 1 v 1 h -1 z M 6 6 h 1 v 1 h -1 z", // sparse dots
	StatusNotStarted:     "M 0 2 H 8 M 0 6 H 8",                       // horizontal lines
	StatusOnTrack:        "",                                          // plain
	StatusAtRisk:         "M 0 0 L 8 8 M 8 0 L 0 8",                   // cross-hatch
	StatusDelayed:        "M 2 0 V 8 M 6 0 V 8",                       // vertical lines
	StatusDelivered:      "M 0 8 L 8 0 M -2 2 L 2 -2 M 6 10 L 10 6",   // diagonal lines
	StatusWithdrawn:      "M 1 1 h 3 v 3 h -3 z M 5 5 h 3 v 3 h -3 z", // squares
	StatusCarriedForward: "M 0 0 L 8 8 M -2 6 L 2 10 M 6 -2 L 10 2",   // back diagonal lines
}

func (c Chart) patternID(status string) string {
	if status == StatusNoUpdate {
		status = "none"
	}
	return c.ID + "-pattern-" + status
}

func (c Chart) fill(status string) string { return "url(#" + c.patternID(status) + ")" }

func ink(status string) string {
	_, i := statusColours(status)
	return i
}

func background(status string) string {
	f, _ := statusColours(status)
	return f
}

// rect is a segment of a bar, placed in the picture.
type rect struct {
	X, Y, W, H float64
	Bar        string
	Status     string
	Count      int
	Title      string
}

// label is a piece of text placed in the picture.
type label struct {
	X, Y   float64
	Text   string
	Anchor string
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// Horizontal chart geometry: a bar per row, its label above it.
const (
	hWidth    = 640.0
	hRowH     = 56.0
	hBarH     = 24.0
	hLabelGap = 20.0
	hRight    = 48.0 // room for the total after the longest bar
)

func (c Chart) hHeight() float64 { return float64(len(c.Bars))*hRowH + 8 }

// hScale is the width of one commitment in the horizontal chart: the longest bar fills the room
// left for bars, and an empty chart has no width at all.
func (c Chart) hScale() float64 {
	if m := c.max(); m > 0 {
		return (hWidth - hRight) / float64(m)
	}
	return 0
}

// hSegments places the segments of the horizontal chart's bars.
func (c Chart) hSegments() []rect {
	var out []rect
	scale := c.hScale()
	for i, b := range c.Bars {
		x := 0.0
		y := float64(i)*hRowH + hLabelGap + 4
		for _, s := range chartStatuses() {
			n := b.Counts[s]
			if n == 0 {
				continue
			}
			w := float64(n) * scale
			out = append(out, rect{X: x, Y: y, W: w, H: hBarH, Bar: b.Label, Status: s, Count: n,
				Title: b.Label + ": " + plural(n, "commitment", "commitments") + " " + strings.ToLower(StatusLabel(s))})
			x += w
		}
	}
	return out
}

// hLabels places the bar labels and totals of the horizontal chart.
func (c Chart) hLabels() []label {
	var out []label
	scale := c.hScale()
	for i, b := range c.Bars {
		y := float64(i) * hRowH
		out = append(out, label{X: 0, Y: y + 16, Text: b.Label, Anchor: "start"})
		total := "None"
		if b.Total() > 0 {
			total = strconv.Itoa(b.Total())
		}
		out = append(out, label{X: float64(b.Total())*scale + 6, Y: y + hLabelGap + 4 + 17, Text: total, Anchor: "start"})
	}
	return out
}

// Vertical chart geometry: a column per bar, labels below, a scale on the left.
const (
	vWidth  = 640.0
	vPlotH  = 200.0
	vTop    = 12.0
	vLeft   = 32.0
	vBottom = 56.0
)

func (c Chart) vHeight() float64 { return vTop + vPlotH + vBottom }

func (c Chart) vColumn() float64 {
	if len(c.Bars) == 0 {
		return 0
	}
	return (vWidth - vLeft) / float64(len(c.Bars))
}

// vScaleMax is the top of the vertical scale: the largest bar, rounded up to an even number so
// that the middle gridline falls on a whole number.
func (c Chart) vScaleMax() int {
	m := c.max()
	if m%2 == 1 {
		m++
	}
	return max(m, 2)
}

func (c Chart) vSegments() []rect {
	var out []rect
	col := c.vColumn()
	unit := vPlotH / float64(c.vScaleMax())
	for i, b := range c.Bars {
		x := vLeft + float64(i)*col + col*0.15
		y := vTop + vPlotH
		for _, s := range chartStatuses() {
			n := b.Counts[s]
			if n == 0 {
				continue
			}
			h := float64(n) * unit
			y -= h
			out = append(out, rect{X: x, Y: y, W: col * 0.7, H: h, Bar: b.Label, Status: s, Count: n,
				Title: b.Label + ": " + plural(n, "commitment", "commitments") + " " + strings.ToLower(StatusLabel(s))})
		}
	}
	return out
}

// vGrid returns the scale's gridlines: zero, the middle and the top.
func (c Chart) vGrid() []label {
	top := c.vScaleMax()
	var out []label
	for _, v := range []int{0, top / 2, top} {
		y := vTop + vPlotH - float64(v)*vPlotH/float64(top)
		out = append(out, label{X: vLeft - 6, Y: y, Text: strconv.Itoa(v), Anchor: "end"})
	}
	return out
}

// vLabels places each column's label (two lines: "Q1" and "2024-25") and its total above it.
func (c Chart) vLabels() []label {
	var out []label
	col := c.vColumn()
	unit := vPlotH / float64(c.vScaleMax())
	for i, b := range c.Bars {
		x := vLeft + float64(i)*col + col/2
		first, second, _ := strings.Cut(b.short(), " ")
		out = append(out, label{X: x, Y: vTop + vPlotH + 16, Text: first, Anchor: "middle"})
		if second != "" {
			out = append(out, label{X: x, Y: vTop + vPlotH + 32, Text: second, Anchor: "middle"})
		}
		if t := b.Total(); t > 0 {
			out = append(out, label{X: x, Y: vTop + vPlotH - float64(t)*unit - 4, Text: strconv.Itoa(t), Anchor: "middle"})
		}
	}
	return out
}

// vMarker returns where to draw the marker of the current bar, and whether there is one.
func (c Chart) vMarker() (float64, bool) {
	for i, b := range c.Bars {
		if c.Marker != "" && b.Label == c.Marker {
			return vLeft + float64(i)*c.vColumn() + c.vColumn()/2, true
		}
	}
	return 0, false
}

// segmentLabel is the count written inside a segment, when the segment has room for it.
func segmentLabel(r rect, horizontal bool) string {
	if horizontal && r.W < 20 || !horizontal && r.H < 14 {
		return ""
	}
	return strconv.Itoa(r.Count)
}
