package tracker

import "time"

// Frequency is how often a person gets a kind of email: at once, or in a daily summary.
type Frequency string

// The frequencies.
const (
	FrequencyImmediate Frequency = "immediate"
	FrequencyDaily     Frequency = "daily"
)

// Frequencies lists the frequencies in the order forms offer them.
var Frequencies = []Frequency{FrequencyImmediate, FrequencyDaily}

// Label says the frequency as a form offers it.
func (f Frequency) Label() string {
	if f == FrequencyDaily {
		return "In a daily summary"
	}
	return "At once"
}

// ParseFrequency returns the frequency s names, or false.
func ParseFrequency(s string) (Frequency, bool) {
	for _, f := range Frequencies {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// AlertScope is what an email alert follows.
type AlertScope string

// The scopes of an email alert.
const (
	ScopePlan         AlertScope = "plan"
	ScopePriority     AlertScope = "priority"
	ScopeCommitment   AlertScope = "commitment"
	ScopeOrganisation AlertScope = "organisation"
)

// ParseAlertScope returns the scope s names, or false.
func ParseAlertScope(s string) (AlertScope, bool) {
	switch sc := AlertScope(s); sc {
	case ScopePlan, ScopePriority, ScopeCommitment, ScopeOrganisation:
		return sc, true
	}
	return "", false
}

// Alert lifetimes.
const (
	// AlertUnconfirmedTTL is how long an alert waits for its confirmation before it, and an address
	// with nothing else, is deleted.
	AlertUnconfirmedTTL = 7 * 24 * time.Hour
	// AlertLinkTTL is how long the unsubscribe and manage links in an alert email work.
	AlertLinkTTL = 90 * 24 * time.Hour
)

// Subscription is one email alert of an address.
type Subscription struct {
	ID           int64
	SubscriberID int64
	Email        string
	Scope        AlertScope
	ScopeID      int64
	// Title names what it follows, such as "Commitment 4.2: Deliver ...".
	Title string
	// Link is the path of the page of what it follows.
	Link        string
	Frequency   Frequency
	CreatedAt   time.Time
	ConfirmedAt *time.Time
}

// SubscribeForm is what a person asks for on a "Get emails about this" form.
type SubscribeForm struct {
	Email     string
	Frequency Frequency
}

// ParseSubscribe checks a subscribe form: an email address and a frequency.
func ParseSubscribe(email, frequency string) (SubscribeForm, []FieldError) {
	f := SubscribeForm{Email: NormaliseEmail(email)}
	var errs []FieldError
	if msg := EmailProblem(email); msg != "" {
		errs = append(errs, FieldError{Field: "email", Message: msg})
	}
	fr, ok := ParseFrequency(frequency)
	if !ok {
		errs = append(errs, FieldError{Field: "frequency", Message: "Choose how often you want emails"})
	}
	f.Frequency = fr
	return f, errs
}

// AlertThrottle returns the rules a request to subscribe is subject to: at most 5 in any hour for
// an email address, so that nobody can flood a mailbox with confirmation emails, and 30 in any
// hour from one client. It is counted before anything is looked up, whether or not the address
// is subscribed already, and one refused gets the same answer.
func AlertThrottle(email, addr string) []ThrottleRule {
	return []ThrottleRule{hourly("alert:"+throttleAccount(email), 5), hourly("alert-address:"+throttleNetwork(addr), 30)}
}

// ParseEmailPreferences reads the choices of a user with the role, field "pref_" and the kind,
// as /account sends them: each kind they receive at once or daily. A kind left out keeps what
// it was.
func ParseEmailPreferences(r Role, get func(field string) string) (map[string]Frequency, []FieldError) {
	out := map[string]Frequency{}
	var errs []FieldError
	for _, k := range PreferenceKinds(r) {
		v := get("pref_" + k)
		if v == "" {
			continue
		}
		f, ok := ParseFrequency(v)
		if !ok {
			errs = append(errs, FieldError{Field: "pref_" + k, Message: "Choose at once or a daily summary"})
			continue
		}
		out[k] = f
	}
	return out, errs
}
