package tracker

import (
	"strconv"
	"strings"
)

// RoundInput is the reporting round form as submitted, every field as typed. Plan is the ID of
// the plan the round is for.
type RoundInput struct {
	Plan         string
	Name         string
	Opens        DateInput
	Deadline     DateInput
	RemindBefore string
	RemindAfter  string
}

// ParseRound checks a reporting round as staff type it. For a new round (existing nil) Plan must
// be the ID of one of plans and Opens a date; for a round being changed, its plan and opening day
// are taken from existing and those fields are ignored. The deadline may not fall before the
// opening day. It returns the round (ID and version unset) and a message for each field that is
// wrong, in the order of the form, each keyed by its field: plan, name, opens, deadline,
// remind_before or remind_after, except that a date's problem is keyed by the input of its first
// wrong part, such as deadline-month (see DateField). The round is only fit to save when there
// are none.
func ParseRound(in RoundInput, plans []Plan, existing *Round) (Round, []FieldError) {
	var rd Round
	var errs fieldErrors
	if existing == nil {
		id, _ := strconv.ParseInt(strings.TrimSpace(in.Plan), 10, 64)
		for _, p := range plans {
			if p.ID == id {
				rd.PlanID = id
			}
		}
		if rd.PlanID == 0 {
			errs.add("plan", "Choose the plan the round is for")
		}
	} else {
		rd.PlanID, rd.Opens = existing.PlanID, existing.Opens
	}
	rd.Name = strings.TrimSpace(in.Name)
	errs.text("name", rd.Name, "a name for the round, such as Q3 2026-27", true, MaxRoundName)
	if existing == nil {
		rd.Opens = errs.date("opens", in.Opens, "The day the round opens", true)
	}
	switch d := errs.date("deadline", in.Deadline, "The deadline", true); {
	case d.IsZero(): // reported already
	case !rd.Opens.IsZero() && d.Before(rd.Opens):
		errs.add(DateField("deadline", DateDay), "The deadline must be on or after the day the round opens, %s", FormatDate(rd.Opens))
	default:
		rd.Deadline = d
	}
	var err error
	if rd.RemindBefore, err = ParseDays(in.RemindBefore); err != nil {
		errs.add("remind_before", "Enter whole numbers of days from 0 to %d, separated by commas, such as 14, 7", MaxReminderDays)
	}
	if rd.RemindAfter, err = ParseDays(in.RemindAfter); err != nil {
		errs.add("remind_after", "Enter whole numbers of days from 0 to %d, separated by commas, such as 3", MaxReminderDays)
	}
	return rd, errs
}
