package plancsv

import (
	"bytes"
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// FuzzCheck reads any file as an upload would give it: no panic, and a file found without
// problems holds only what the database can store and the pages can show.
func FuzzCheck(f *testing.F) {
	var exported bytes.Buffer
	if err := Write(&exported, samplePlan().Commitments); err != nil {
		f.Fatal(err)
	}
	f.Add(exported.Bytes())
	var workbook bytes.Buffer
	if err := WriteXLSX(&workbook, samplePlan().Commitments); err != nil {
		f.Fatal(err)
	}
	f.Add(workbook.Bytes())
	f.Add([]byte("ref,priority,deliver,why,leads,lead_organisations,due\n4.7,4,New thing,,NES,NES,March 2026\n"))
	f.Add([]byte("ref,priority,deliver,why,leads,lead_organisations,due\n4.7,4,a\x00b,,,,March 2026\n"))
	f.Add([]byte("\xef\xbb\xbfref,priority,deliver,why,leads,lead_organisations,due,source_url\n4.7,4,x,\"a\nb\",,,March 2026,javascript:alert(1)\n"))
	f.Add([]byte("ref,priority,deliver,why,leads,lead_organisations,due\n\"4.7,4,x\n"))
	f.Add([]byte("ref,priority,deliver,why,leads,lead_organisations,due\n4.7,4,'=HYPERLINK(\"http://evil\"),,,,March 2026\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		preview, errs := Check(bytes.NewReader(data), samplePlan())
		for _, e := range errs {
			if e.Row < 0 || e.Message == "" {
				t.Errorf("problem %+v has no message", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		for _, ch := range append(preview.Create, preview.Change...) {
			c := ch.After
			if problems := tracker.ValidateCommitment(c); len(problems) > 0 {
				t.Errorf("row %d passed but the commitment is not valid: %v", ch.Row, problems)
			}
			texts := append([]string{c.Ref, c.Deliver, c.SourceURL}, c.Why...)
			for _, l := range c.Leads {
				texts = append(texts, l.Text)
			}
			for _, s := range texts {
				if !tracker.ValidText(s) {
					t.Errorf("row %d passed with text the database cannot store: %q", ch.Row, s)
				}
			}
			if l := strings.ToLower(c.SourceURL); c.SourceURL != "" && !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Errorf("row %d passed with source link %q", ch.Row, c.SourceURL)
			}
		}
	})
}
