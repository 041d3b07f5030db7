package web

import (
	"context"
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
	// Brief leaves out of the table's count links the words that repeat its headers for screen
	// readers, for a table of many rows: a count's row and column headers say what it counts.
	Brief bool
	// drawn is the chart's markup as Drawn made it, written out as it is in place of drawing the
	// chart again.
	drawn string
}

// Drawn returns the chart with its markup made once, to be shown as it is: for a chart that is
// the same for every reader, such as a priority area's timeline at a data version, kept and shown
// to many. Its fields must not be changed after.
func Drawn(ctx context.Context, c Chart) (Chart, error) {
	var b strings.Builder
	if err := drawChart(c).Render(ctx, &b); err != nil {
		return Chart{}, err
	}
	c.drawn = b.String()
	return c, nil
}

// ChartBar is one bar: how many commitments have each status. Counts is keyed by status value,
// StatusNoUpdate for those with no update yet.
type ChartBar struct {
	Label  string
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
	if c.Marker != "" {
		b.WriteString(" The current quarter is " + c.Marker + ".")
	}
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

// The picture has no viewBox: it is as wide as its column and as tall as its rows, and its text
// keeps its size in CSS pixels at every width. (Scaled from a 640-unit viewBox, 13-unit text was
// drawn about 6 pixels high on a 320 pixel wide screen.) Across, positions are percentages of the
// picture's width; down, CSS pixels. Each bar has its label on lines of its own above it, so no
// label can run into another at any width.
const (
	chartFont      = 14.0 // the size of labels and totals, in CSS pixels
	chartCountFont = 13.0 // the size of the counts inside segments
	chartLine      = 18.0 // from one line of a bar's label to the next
	chartBarH      = 24.0 // a bar's height
	chartRowGap    = 16.0 // below each bar
	// chartBarRoom is the percentage of the width that the longest bar takes: the rest is room
	// for its total.
	chartBarRoom = 85.0
	// chartNarrowWidth is how wide a chart is, in CSS pixels, on a screen 320 pixels wide: a
	// segment shows its count only when the count fits in it there.
	chartNarrowWidth = 288.0
	// chartLabelChars is how many characters a line of a bar's label holds: about 240 pixels of
	// 14 pixel text, which fits the chart at its narrowest.
	chartLabelChars = 34
)

// rect is a segment of a bar: X and W in percent of the picture's width, Y and H in pixels.
type rect struct {
	X, Y, W, H float64
	Bar        string
	Status     string
	Count      int
	Title      string
}

// chartRow is a bar as the picture draws it: its label's lines, its segments and its total.
type chartRow struct {
	Y, H    float64 // the row's top and height, for the marker of the current bar
	Lines   []string
	LineY   []float64
	Current bool // the bar the chart marks, such as this quarter
	BarY    float64
	Segs    []rect
	TotalX  float64 // in percent of the width
	TotalDX float64 // in pixels after TotalX
	Total   string
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func pct(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) + "%" }

// rows places the chart's bars, one under another.
func (c Chart) rows() []chartRow {
	var out []chartRow
	scale := 0.0 // percent of the width for one commitment
	if m := c.max(); m > 0 {
		scale = chartBarRoom / float64(m)
	}
	y := 0.0
	for _, b := range c.Bars {
		r := chartRow{Y: y, Current: c.Marker != "" && b.Label == c.Marker}
		text := b.Label
		if r.Current {
			text += " (now)"
		}
		r.Lines = wrapWords(text, chartLabelChars)
		for i := range r.Lines {
			r.LineY = append(r.LineY, y+chartFont+float64(i)*chartLine)
		}
		r.BarY = y + float64(len(r.Lines))*chartLine + 4
		x := 0.0
		for _, s := range chartStatuses() {
			n := b.Counts[s]
			if n == 0 {
				continue
			}
			w := float64(n) * scale
			r.Segs = append(r.Segs, rect{X: x, Y: r.BarY, W: w, H: chartBarH, Bar: b.Label, Status: s, Count: n,
				Title: b.Label + ": " + plural(n, "commitment", "commitments") + " " + strings.ToLower(StatusLabel(s))})
			x += w
		}
		r.Total = "None"
		if t := b.Total(); t > 0 {
			r.Total, r.TotalX, r.TotalDX = strconv.Itoa(t), x, 6
		}
		r.H = r.BarY + chartBarH + chartRowGap/2 - y
		y = r.BarY + chartBarH + chartRowGap
		out = append(out, r)
	}
	return out
}

// height is the picture's height in pixels.
func (c Chart) height() float64 {
	rows := c.rows()
	if len(rows) == 0 {
		return 0
	}
	last := rows[len(rows)-1]
	return last.BarY + chartBarH + 4
}

// textY is the baseline that centres text of the size in a bar at y.
func textY(y, size float64) float64 { return y + chartBarH/2 + size*0.35 }

// segmentLabel is the count written inside a segment, when it fits there at the chart's
// narrowest: about 8 pixels a digit, and room either side.
func segmentLabel(r rect) string {
	s := strconv.Itoa(r.Count)
	if r.W/100*chartNarrowWidth < 8+8*float64(len(s)) {
		return ""
	}
	return s
}

// wrapWords breaks text into lines of at most width characters, between words; a word longer
// than a line has a line of its own.
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}
