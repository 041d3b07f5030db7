// Package notify writes the portal's emails to people: the hand-offs between partners and
// reviewers, password reset links, daily summaries and public email alerts. Each is written once
// as Content and sent as plain text and HTML, in plain English, with every link absolute from
// the portal's BASE_URL. It holds no state and reads nothing: the store calls it inside the
// transaction that queues an email.
package notify

import (
	"bytes"
	"html/template"
	"strings"
)

// Content is an email before it is written out.
type Content struct {
	Subject string
	// Greeting opens the email, such as "Dear Jo Bloggs,"; empty for none.
	Greeting string
	Paras    []Para
	// Footer comes after a rule, in smaller print: why the email came and how to stop it.
	Footer []Para
}

// Para is a paragraph: text, a quotation (such as a review note), or a link with the words that
// introduce it.
type Para struct {
	Text  string
	Quote string
	// Link is an absolute address; LinkText the words of the link in HTML.
	Link     string
	LinkText string
}

// Text writes the plain-text part.
func (c Content) Text() string {
	var b strings.Builder
	if c.Greeting != "" {
		b.WriteString(c.Greeting + "\n\n")
	}
	write := func(ps []Para) {
		for _, p := range ps {
			if p.Text != "" {
				b.WriteString(p.Text + "\n")
			}
			if p.Quote != "" {
				for _, line := range strings.Split(p.Quote, "\n") {
					b.WriteString("> " + strings.TrimRight(line, "\r") + "\n")
				}
			}
			if p.Link != "" {
				if p.Text == "" && p.LinkText != "" {
					b.WriteString(p.LinkText + ":\n")
				}
				b.WriteString(p.Link + "\n")
			}
			b.WriteString("\n")
		}
	}
	write(c.Paras)
	b.WriteString("Delivery Tracker\n")
	if len(c.Footer) > 0 {
		b.WriteString("\n---\n\n")
		write(c.Footer)
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

var page = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Subject}}</title></head>
<body style="font-family: Roboto, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #333333; max-width: 40em; margin: 0 auto; padding: 16px;">
{{if .Greeting}}<p>{{.Greeting}}</p>
{{end}}{{range .Paras}}{{template "para" .}}{{end}}<p>Delivery Tracker</p>
{{if .Footer}}<hr style="border: 0; border-top: 1px solid #b3b3b3; margin: 24px 0;">
<div style="font-size: 14px; color: #5e5e5e;">{{range .Footer}}{{template "para" .}}{{end}}</div>
{{end}}</body></html>
{{define "para"}}{{if .Text}}<p>{{.Text}}{{if and .Link (not .LinkText)}}<br><a href="{{.Link}}" style="color: #0065bd;">{{.Link}}</a>{{end}}</p>
{{end}}{{if .Quote}}<blockquote style="margin: 0 0 16px; padding: 0 0 0 16px; border-left: 4px solid #b3b3b3; white-space: pre-wrap;">{{.Quote}}</blockquote>
{{end}}{{if .LinkText}}<p><a href="{{.Link}}" style="color: #0065bd;">{{.LinkText}}</a></p>
{{end}}{{end}}`))

// HTML writes the HTML part, every text escaped.
func (c Content) HTML() string {
	var b bytes.Buffer
	if err := page.Execute(&b, c); err != nil {
		// The template is fixed and its data are strings: it cannot fail.
		panic(err)
	}
	return b.String()
}
