package tracker

import (
	"strings"
	"testing"
	"time"
)

func TestParseFeedback(t *testing.T) {
	long := strings.Repeat("a", MaxFeedbackText)
	yes, no := true, false
	tests := []struct {
		name   string
		in     FeedbackInput
		want   Feedback
		fields []string // the fields with problems, in order
	}{
		{"useful, nothing typed", FeedbackInput{Page: "/commitments/4.2", Useful: "yes"},
			Feedback{Page: "/commitments/4.2", Useful: &yes}, nil},
		{"not useful, with what went wrong", FeedbackInput{Page: "/", Useful: "no", Doing: " Looking for 4.2 ", WentWrong: "It was\r\nnot there"},
			Feedback{Page: "/", Useful: &no, Doing: "Looking for 4.2", WentWrong: "It was\nnot there"}, nil},
		{"no answer, only text, no page", FeedbackInput{WentWrong: "The chart is too small"},
			Feedback{WentWrong: "The chart is too small"}, nil},
		{"the longest answers", FeedbackInput{Doing: long, WentWrong: long},
			Feedback{Doing: long, WentWrong: long}, nil},
		{"a line break counts as one character", FeedbackInput{Doing: strings.Repeat("a\r\n", MaxFeedbackText/2)},
			Feedback{Doing: strings.TrimSpace(strings.Repeat("a\n", MaxFeedbackText/2))}, nil},
		{"the page's query is dropped", FeedbackInput{Page: "/commitments?q=my+name", Useful: "no"},
			Feedback{Page: "/commitments", Useful: &no}, nil},
		{"a page elsewhere is dropped, not shown as an error", FeedbackInput{Page: "https://example.com@evil.test/x", Useful: "yes"},
			Feedback{Useful: &yes}, nil},
		{"nothing said about a page", FeedbackInput{Page: "/commitments/4.2", Doing: "  "}, Feedback{}, []string{"useful"}},
		{"nothing said at all", FeedbackInput{}, Feedback{}, []string{"doing"}},
		{"an answer that is not yes or no", FeedbackInput{Useful: "maybe", Doing: "x"}, Feedback{}, []string{"useful"}},
		{"too long", FeedbackInput{Doing: long + "a", WentWrong: long + "b"}, Feedback{}, []string{"doing", "went_wrong"}},
		{"a NUL byte", FeedbackInput{Useful: "yes", WentWrong: "a\x00b"}, Feedback{}, []string{"went_wrong"}},
		{"not UTF-8", FeedbackInput{Doing: "\xff"}, Feedback{}, []string{"doing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := ParseFeedback(tt.in)
			var fields []string
			for _, p := range problems {
				fields = append(fields, p.Field)
				if p.Message == "" {
					t.Errorf("problem with %s has no message", p.Field)
				}
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Fatalf("problems %v, want %v", problems, tt.fields)
			}
			if got.Page != tt.want.Page || FeedbackAnswer(got.Useful) != FeedbackAnswer(tt.want.Useful) ||
				got.Doing != tt.want.Doing || got.WentWrong != tt.want.WentWrong {
				t.Errorf("got %+v (useful %q), want %+v (useful %q)", got, FeedbackAnswer(got.Useful), tt.want, FeedbackAnswer(tt.want.Useful))
			}
		})
	}
}

func TestFeedbackPage(t *testing.T) {
	tests := map[string]string{
		"":                                      "",
		"/":                                     "/",
		"/commitments/4.2":                      "/commitments/4.2",
		" /organisations/NES ":                  "/organisations/NES",
		"/commitments?status=overdue#results":   "/commitments",
		"https://tracker.gov.scot/priorities/x": "/priorities/x",
		"http://localhost:8080/data?x=1":        "/data",
		"commitments/4.2":                       "",
		"//evil.test/x":                         "",
		"javascript:alert(1)":                   "",
		"/a\\b":                                 "",
		"/a\nb":                                 "",
		"https://user:pw@host/x":                "",
		"/" + strings.Repeat("a", MaxFeedbackPage):   "",
		"/" + strings.Repeat("a", MaxFeedbackPage-1): "/" + strings.Repeat("a", MaxFeedbackPage-1),
		"/bad\x00": "",
	}
	for in, want := range tests {
		if got := FeedbackPage(in); got != want {
			t.Errorf("FeedbackPage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormTime(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	shown := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	token := SignFormTime(key, shown)
	if got, ok := FormTime(key, token); !ok || !got.Equal(shown) {
		t.Fatalf("FormTime(SignFormTime(%v)) = %v, %v", shown, got, ok)
	}
	secs, mac, _ := strings.Cut(token, ".")
	for name, bad := range map[string]string{
		"empty":            "",
		"no MAC":           secs,
		"another time":     "2" + secs[1:] + "." + mac,
		"another key":      SignFormTime([]byte("another key of thirty-two bytes!"), shown),
		"MAC cut short":    secs + "." + mac[:len(mac)-1],
		"not a number":     "abc." + mac,
		"negative":         "-1." + formTimeMAC(key, "-1"),
		"far too long":     strings.Repeat("9", 13) + "." + formTimeMAC(key, strings.Repeat("9", 13)),
		"two dots":         token + ".x",
		"spaces around it": " " + token,
	} {
		if _, ok := FormTime(key, bad); ok {
			t.Errorf("%s: FormTime(%q) accepted", name, bad)
		}
	}
}

func TestFeedbackFillTime(t *testing.T) {
	shown := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		after time.Duration
		want  FillTime
	}{
		{-time.Minute, FillTooFast},
		{0, FillTooFast},
		{FeedbackMinFill - time.Millisecond, FillTooFast},
		{FeedbackMinFill, FillOK},
		{time.Hour, FillOK},
		{FeedbackMaxAge, FillOK},
		{FeedbackMaxAge + time.Second, FillExpired},
	}
	for _, tt := range tests {
		if got := FeedbackFillTime(shown, shown.Add(tt.after)); got != tt.want {
			t.Errorf("sent %v after it was shown: %v, want %v", tt.after, got, tt.want)
		}
	}
}

func TestFeedbackThrottle(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	a := FeedbackThrottle("192.0.2.10", key)
	if len(a) != 1 || a[0].Free != 10 || a[0].Window != time.Hour || a[0].Lock(11) != time.Hour {
		t.Fatalf("rule %+v: want 10 free an hour, then an hour's lock", a)
	}
	if strings.Contains(a[0].Key, "192.0.2") {
		t.Errorf("key %q holds the address", a[0].Key)
	}
	same := func(x, y string) bool { return FeedbackThrottle(x, key)[0].Key == FeedbackThrottle(y, key)[0].Key }
	if !same("2001:db8:1:2::1", "2001:db8:1:2:ffff::9") {
		t.Error("two addresses of one IPv6 /64 count apart")
	}
	if same("2001:db8:1:2::1", "2001:db8:1:3::1") || same("192.0.2.10", "192.0.2.11") {
		t.Error("different clients count together")
	}
	if FeedbackThrottle("192.0.2.10", []byte("another key"))[0].Key == a[0].Key {
		t.Error("the key does not depend on the secret, so the address can be found from it")
	}
}

func TestWaitWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "1 minute", time.Second: "1 minute", time.Minute: "1 minute",
		time.Minute + time.Second: "2 minutes", time.Hour: "60 minutes",
	} {
		if got := waitWords(d); got != want {
			t.Errorf("waitWords(%v) = %q, want %q", d, got, want)
		}
	}
}
