package tracker

import (
	"strings"
	"testing"
)

func TestLeadLineSegments(t *testing.T) {
	sg := Organisation{Code: "SG-DHCD", Name: "Scottish Government Digital Health and Care Directorate",
		AsWritten: []string{"Scottish Government Digital Health and Care Directorate"}}
	cso := Organisation{Code: "CSO", Name: "Chief Scientist Office", AsWritten: []string{"Chief Scientist Office (CSO)"}}
	lgdo := Organisation{Code: "LGDO", Name: "Local Government Digital Office", AsWritten: []string{"LGDO"}}
	tests := []struct {
		name string
		line LeadLine
		want []string // segment texts, linked ones in [brackets]
	}{
		{"whole line", LeadLine{Text: "LGDO", Organisations: []Organisation{lgdo}}, []string{"[LGDO]"}},
		{"two bodies", LeadLine{Text: sg.AsWritten[0] + " and Chief Scientist Office (CSO)", Organisations: []Organisation{sg, cso}},
			[]string{"[" + sg.AsWritten[0] + "]", " and ", "[Chief Scientist Office (CSO)]"}},
		{"qualifier", LeadLine{Text: "LGDO and others, depending on the nature of the challenges.", Organisations: []Organisation{lgdo}},
			[]string{"[LGDO]", " and others, depending on the nature of the challenges."}},
		{"name not printed", LeadLine{Text: "Others", Organisations: []Organisation{lgdo}}, []string{"Others"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var joined strings.Builder
			for _, s := range tt.line.Segments() {
				joined.WriteString(s.Text)
				if s.Organisation != nil {
					got = append(got, "["+s.Text+"]")
				} else {
					got = append(got, s.Text)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("segments = %q, want %q", got, tt.want)
			}
			if joined.String() != tt.line.Text {
				t.Errorf("joined segments = %q, want the line as printed %q", joined.String(), tt.line.Text)
			}
		})
	}
}
