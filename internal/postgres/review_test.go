package postgres_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestReplyThread follows the conversation about a return note: staff's note is its first
// message, a partner of the organisation replies (queueing the email to the reviewer who returned
// it, in the same transaction), staff answer, and nobody else may write in it.
func TestReplyThread(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	partner := rp.user(tracker.RolePartner, "NES")
	outsider := rp.user(tracker.RolePartner, "CIVTECH")
	staff := rp.user(tracker.RoleStaff, "")
	u := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "Cohort 3 delayed."))

	// Nothing to reply to before the update is returned.
	if _, err := rp.store.Reply(rp.ctx, tracker.Actor{User: partner}, u.ID, "Too soon."); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("reply before a return: %v, want ErrNotFound", err)
	}
	if _, err := rp.store.ReturnUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, u.Version, "Say which cohort."); err != nil {
		t.Fatal(err)
	}
	rp.clock.Advance(time.Hour)
	reply, err := rp.store.Reply(rp.ctx, tracker.Actor{User: partner}, u.ID, "Cohort 3, the one starting in June.")
	if err != nil {
		t.Fatal(err)
	}
	if reply.Kind != tracker.MessageReply || reply.OrganisationName == "" || reply.AuthorName != partner.Name {
		t.Errorf("reply = %+v", reply)
	}
	if _, err := rp.store.Reply(rp.ctx, tracker.Actor{User: outsider}, u.ID, "Not ours."); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("another organisation's reply: %v, want ErrNotFound", err)
	}
	if _, err := rp.store.Reply(rp.ctx, tracker.Actor{User: staff}, u.ID, "Thanks: resubmit with that."); err != nil {
		t.Fatal(err)
	}
	thread, err := rp.store.Thread(rp.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range thread {
		got = append(got, string(m.Kind)+": "+m.Body)
	}
	want := []string{"return: Say which cohort.", "reply: Cohort 3, the one starting in June.", "answer: Thanks: resubmit with that."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("thread = %q, want %q", got, want)
	}

	// The reply was queued to the reviewer who returned it, once; the answer to nobody.
	var n int
	var subject string
	if err := rp.pool.QueryRow(rp.ctx, `SELECT count(*), coalesce(max(subject), '') FROM outbox WHERE kind = $1`,
		tracker.EmailKindReply).Scan(&n, &subject); err != nil {
		t.Fatal(err)
	}
	if n != 1 || subject != "Reply to your return note: commitment 4.1" {
		t.Errorf("%d reply emails queued (%q), want 1", n, subject)
	}
	if got := rp.auditActions("update", fmt.Sprint(u.ID)); strings.Join(got, ",") != "update.submit,update.return,update.reply,update.answer" {
		t.Errorf("audit = %q", got)
	}

	// Once published, the conversation is closed, and stays with the update.
	re := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "Cohort 3 starts in June."))
	if _, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff}, re.ID, re.Version, rp.commitment("4.1").Version); err != nil {
		t.Fatal(err)
	}
	if _, err := rp.store.Reply(rp.ctx, tracker.Actor{User: partner}, u.ID, "After."); !errors.Is(err, tracker.ErrNotFound) {
		t.Errorf("reply after publishing: %v, want ErrNotFound", err)
	}
	if thread, _ := rp.store.Thread(rp.ctx, u.ID); len(thread) != 3 {
		t.Errorf("thread after publishing has %d messages, want 3", len(thread))
	}
}

// TestCorrectUpdate corrects a word of a submitted update: the update says the new words, the
// change is recorded with who, when, before and after, audited, and what is published is the
// corrected text. A correction based on an old version is a conflict.
func TestCorrectUpdate(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	partner := rp.user(tracker.RolePartner, "NES")
	staff := rp.user(tracker.RoleStaff, "")
	u := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "Teh cohort starts in June."))
	fields, errs := tracker.ParseCorrection(tracker.CorrectionInput{Narrative: "The cohort starts in June."}, u)
	if errs != nil {
		t.Fatal(errs)
	}
	corrected, err := rp.store.CorrectUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, u.Version, fields)
	if err != nil {
		t.Fatal(err)
	}
	if corrected.Narrative != "The cohort starts in June." || corrected.State != tracker.StateSubmitted || corrected.Version != u.Version+1 {
		t.Errorf("corrected = %+v", corrected)
	}
	if _, err := rp.store.CorrectUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, u.Version, fields); tracker.ErrorCode(err) != tracker.ECONFLICT {
		t.Errorf("a correction on an old version: %v, want conflict", err)
	}
	cs, err := rp.store.Corrections(rp.ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Field != tracker.FieldNarrative || cs[0].Before != "Teh cohort starts in June." ||
		cs[0].After != "The cohort starts in June." || cs[0].ByName != staff.Name || !cs[0].At.Equal(reportAt) {
		t.Fatalf("corrections = %+v", cs)
	}
	var details string
	if err := rp.pool.QueryRow(rp.ctx, `SELECT details::text FROM audit_log WHERE action = 'update.correct' AND record_id = $1`,
		fmt.Sprint(u.ID)).Scan(&details); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(details, "Teh cohort") || !strings.Contains(details, "The cohort") {
		t.Errorf("audit details = %s, want before and after", details)
	}
	published, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, corrected.Version, rp.commitment("4.1").Version)
	if err != nil {
		t.Fatal(err)
	}
	if published.Narrative != "The cohort starts in June." {
		t.Errorf("published narrative = %q", published.Narrative)
	}
	if _, err := rp.store.CorrectUpdate(rp.ctx, tracker.Actor{User: staff}, u.ID, published.Version, fields); tracker.ErrorCode(err) != tracker.ECONFLICT {
		t.Errorf("correcting a published update: %v, want conflict", err)
	}
}

// TestLastPublishedBy finds when the update's organisation last published on the commitment,
// leaving out other organisations and the update itself.
func TestLastPublishedBy(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	partner := rp.user(tracker.RolePartner, "NES")
	staff := rp.user(tracker.RoleStaff, "")
	first := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "First."))
	if at, err := rp.store.LastPublishedBy(rp.ctx, first); err != nil || at != nil {
		t.Errorf("before anything was published: %v, %v", at, err)
	}
	if _, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: staff}, first.ID, first.Version, rp.commitment("4.1").Version); err != nil {
		t.Fatal(err)
	}
	rp.clock.Advance(100 * 24 * time.Hour)
	rp.mustSave(staff, "4.1", tracker.ActionPublish, report(tracker.AtRisk, "Staff's own."))
	second := rp.mustSave(partner, "4.1", tracker.ActionSubmit, report(tracker.AtRisk, "Second."))
	at, err := rp.store.LastPublishedBy(rp.ctx, second)
	if err != nil || at == nil || !at.Equal(reportAt) {
		t.Errorf("last published by NES = %v, %v; want %s", at, err, reportAt)
	}
}
