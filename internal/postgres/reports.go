package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// Reporting: partners and staff write updates (draft, submit), staff return them with a note or
// publish them. Every change locks the commitment's row first, so that changes to one commitment's
// updates happen one at a time, and writes its audit entry in the same transaction.

// UpdateByID returns an update in any state. It returns tracker.ErrNotFound if there is none.
// Callers decide who may see it.
func (s *Store) UpdateByID(ctx context.Context, id int64) (tracker.Update, error) {
	return one(ctx, s.pool, fmt.Sprintf("update %d", id), scanUpdate,
		`SELECT `+updateColumns+updateFrom+` WHERE u.id = $1`, id)
}

// OpenUpdate returns the update in progress (draft, submitted or returned) on the commitment that
// belongs to the author: their organisation's for a partner, their own for staff. It returns
// tracker.ErrNotFound if there is none.
func (s *Store) OpenUpdate(ctx context.Context, commitmentID int64, author *tracker.User) (tracker.Update, error) {
	u, err := openUpdate(ctx, s.pool, commitmentID, author, false)
	return u, storeError(fmt.Sprintf("open update on commitment %d", commitmentID), err, nil)
}

// openUpdate reads the author's open update on the commitment through q, locking it when lock is
// true. It returns pgx.ErrNoRows if there is none.
func openUpdate(ctx context.Context, q querier, commitmentID int64, author *tracker.User, lock bool) (tracker.Update, error) {
	owner, args := ownerClause(author)
	args = append(args, commitmentID)
	sql := `SELECT ` + updateColumns + updateFrom + ` WHERE u.state <> 'published' AND ` + owner +
		` AND u.commitment_id = $2`
	if lock {
		sql += ` FOR UPDATE OF u`
	}
	rows, _ := q.Query(ctx, sql, args...)
	return pgx.CollectExactlyOneRow(rows, scanUpdate)
}

// ownerClause selects the updates that belong to the author: their organisation's for a partner,
// those they wrote as staff otherwise. Its only argument is $1.
func ownerClause(author *tracker.User) (string, []any) {
	if author.OrganisationID != nil && !author.IsStaff() {
		return `u.organisation_id = $1`, []any{*author.OrganisationID}
	}
	return `u.organisation_id IS NULL AND u.author_id = $1`, []any{author.ID}
}

// OpenUpdates returns the updates in progress that belong to the author (see OpenUpdate), by
// commitment ID.
func (s *Store) OpenUpdates(ctx context.Context, author *tracker.User) (map[int64]tracker.Update, error) {
	owner, args := ownerClause(author)
	rows, _ := s.pool.Query(ctx, `SELECT `+updateColumns+updateFrom+` WHERE u.state <> 'published' AND `+owner, args...)
	us, err := pgx.CollectRows(rows, scanUpdate)
	if err != nil {
		return nil, storeError(fmt.Sprintf("open updates of user %d", author.ID), err, nil)
	}
	out := make(map[int64]tracker.Update, len(us))
	for _, u := range us {
		out[u.CommitmentID] = u
	}
	return out, nil
}

// OrganisationOpenUpdates returns an organisation's updates in progress, by commitment ID, for
// staff looking at what the organisation has under way.
func (s *Store) OrganisationOpenUpdates(ctx context.Context, organisationID int64) (map[int64]tracker.Update, error) {
	return s.OpenUpdates(ctx, &tracker.User{Role: tracker.RolePartner, OrganisationID: &organisationID})
}

// SubmissionMark returns the highest submission for the commitment so far, 0 if none: a new
// report form remembers it as tracker.ReportBase.Seen.
func (s *Store) SubmissionMark(ctx context.Context, commitmentID int64) (int64, error) {
	var mark int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(submission), 0) FROM updates WHERE commitment_id = $1`,
		commitmentID).Scan(&mark)
	return mark, storeError(fmt.Sprintf("submission mark of commitment %d", commitmentID), err, nil)
}

// ReviewQueue returns the oldest updates waiting for review, at most limit of them (all of them
// when limit is 0), oldest submission first, and how many are waiting in all.
func (s *Store) ReviewQueue(ctx context.Context, limit int) ([]tracker.Update, int, error) {
	return s.ReviewQueuePage(ctx, limit, 0)
}

// ReviewQueuePage is ReviewQueue from the offset'th update waiting on: a page of the queue.
func (s *Store) ReviewQueuePage(ctx context.Context, limit, offset int) ([]tracker.Update, int, error) {
	var us []tracker.Update
	var total int
	batch := &pgx.Batch{}
	queueReviewQueue(batch, limit, max(offset, 0), &us, &total)
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return nil, 0, storeError("review queue", err, nil)
	}
	return us, total, nil
}

// reviewWhere is the updates waiting for review, of commitments not retired.
const reviewWhere = ` WHERE u.state = 'submitted' AND c.retired_at IS NULL`

// notRetired is, for an update u, that its commitment is not retired: not among the few retired
// commitments of the index commitments_retired, which is cheaper to ask of many updates than
// looking up each one's commitment.
const notRetired = `NOT EXISTS (SELECT FROM commitments c WHERE c.id = u.commitment_id AND c.retired_at IS NOT NULL)`

// queueReviewQueue adds to batch the reading of the review queue: how many updates wait, counted
// from the index on state (see notRetired), and limit of them (all when limit is 0) from the
// offset'th, longest waiting first, into us and total.
func queueReviewQueue(batch *pgx.Batch, limit, offset int, us *[]tracker.Update, total *int) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	batch.Queue(`SELECT count(*) FROM updates u WHERE u.state = 'submitted' AND ` + notRetired).
		QueryRow(func(row pgx.Row) error { return row.Scan(total) })
	batch.Queue(`SELECT `+updateColumns+updateFrom+reviewWhere+` ORDER BY u.submitted_at, u.id LIMIT $1 OFFSET $2`, lim, offset).
		Query(func(rows pgx.Rows) error {
			var err error
			if *us, err = pgx.CollectRows(rows, scanUpdate); err != nil {
				return err
			}
			// The two statements see the data a moment apart: a page that is not cut short
			// ends the whole queue, and one that holds any goes at least as far. An empty page
			// past the end says only that the queue is shorter.
			switch {
			case (lim == nil || len(*us) < limit) && (len(*us) > 0 || offset == 0):
				*total = offset + len(*us)
			case len(*us) > 0:
				*total = max(*total, offset+len(*us))
			}
			return nil
		})
}

// ReportWrite is a report to save as a draft, submit for review or (staff only) publish.
type ReportWrite struct {
	CommitmentID int64
	Report       tracker.Report
	Base         tracker.ReportBase
	Action       tracker.ReportAction
}

// lockCommitment reads the commitment (without its lead lines) and locks its row until the
// transaction ends. It returns pgx.ErrNoRows if there is no such commitment or it is retired.
func lockCommitment(ctx context.Context, tx pgx.Tx, id int64) (tracker.Commitment, error) {
	rows, _ := tx.Query(ctx, `SELECT `+commitmentColumns+commitmentFrom+`
		WHERE c.id = $1 AND c.retired_at IS NULL FOR UPDATE OF c`, id)
	return pgx.CollectExactlyOneRow(rows, scanCommitment)
}

// SaveReport writes the actor's report on a commitment, as the action asks: a draft, a submission
// for review, or (for staff writing their own) a publication. It creates the update or changes
// the one the author's organisation (or, for staff, the author) has in progress, and audits it,
// in one transaction, at the time by the store's clock.
//
// The caller checks the actor may report on the commitment (tracker.Can). It returns the error
// of tracker.ReportPermission if the actor is not signed in or may not publish or set the status,
// tracker.ErrNotFound if the commitment does not exist or is retired, and a
// *tracker.ConflictError, writing nothing, when tracker.ReportConflict finds that the form was
// based on an out-of-date view. It returns an EINVALID error about the field, writing nothing, when
// the report's status and month disagree at the store's time (tracker.CheckDates).
func (s *Store) SaveReport(ctx context.Context, actor tracker.Actor, w ReportWrite) (tracker.Update, error) {
	if err := tracker.ReportPermission(actor.User, w.Action, w.Report.Status); err != nil {
		return tracker.Update{}, err
	}
	var id int64
	err := s.tx(ctx, fmt.Sprintf("save report on commitment %d", w.CommitmentID), reportViolations(), func(tx pgx.Tx, at time.Time) error {
		c, err := lockCommitment(ctx, tx, w.CommitmentID)
		if err != nil {
			return err
		}
		if err := tracker.CheckDates(w.Report, c.Due, at); err != nil {
			return err
		}
		var open *tracker.Update
		if u, err := openUpdate(ctx, tx, c.ID, actor.User, true); err == nil {
			open = &u
		} else if !noRows(err) {
			return err
		}
		var since []tracker.Update
		if w.Action != tracker.ActionDraft {
			since, err = submittedSince(ctx, tx, c.ID, w.Base.Seen, open)
			if err != nil {
				return err
			}
		}
		if msg := tracker.ReportConflict(w.Base, w.Action, c, open, since); msg != "" {
			return conflict(ctx, tx, msg, c, w.Base, open, since)
		}
		id, err = s.writeReport(ctx, tx, actor, at, c, open, w)
		return err
	})
	if err != nil {
		return tracker.Update{}, s.reportError(ctx, err)
	}
	return s.UpdateByID(ctx, id)
}

// reportViolations says what the violated constraints of reporting mean: two people of one
// organisation started an update on the same commitment at once. The commitment's lock makes this
// unreachable, but it is said plainly if it ever happens.
func reportViolations() violations {
	return violations{updatesOpenPerOrg: tracker.ErrUpdateStartedTwice(), updatesOpenPerStaffer: tracker.ErrUpdateStartedTwice()}
}

// writeReport inserts or updates the author's update with the report, in the state the action
// asks for, publishes it if asked, and audits it.
func (s *Store) writeReport(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, c tracker.Commitment, open *tracker.Update,
	w ReportWrite) (int64, error) {
	state := tracker.StateDraft
	switch w.Action {
	case tracker.ActionSubmit:
		state = tracker.StateSubmitted
	case tracker.ActionPublish:
		state = tracker.StatePublished
	}
	// A publication is written as a submission first and then published, so that publishing is
	// one path whichever way an update arrives.
	rowState := state
	if state == tracker.StatePublished {
		rowState = tracker.StateSubmitted
	}
	r := w.Report
	var org *int64
	if !actor.User.IsStaff() {
		org = actor.User.OrganisationID
	}
	args := pgx.NamedArgs{
		"commitment":   c.ID,
		"state":        string(rowState),
		"status":       string(r.Status),
		"narrative":    r.Narrative,
		"expected":     monthDate(r.Expected),
		"evidence":     nullable(r.EvidenceURL),
		"reason":       nullable(r.StatusReason),
		"on_track":     nullable(r.OnTrackReason),
		"cf_plan":      nullable(r.CarriedForwardTo),
		"cf_plan_id":   r.CarriedForwardPlanID,
		"base_version": w.Base.Version,
		"base_sub":     w.Base.Seen,
		"author":       actor.User.ID,
		"org":          org,
		"at":           at,
		"submit":       state == tracker.StateSubmitted,
		"publish":      state == tracker.StatePublished,
	}
	before := "none"
	var id int64
	var err error
	if open == nil {
		err = tx.QueryRow(ctx, `INSERT INTO updates (commitment_id, state, status, narrative, expected_month,
				evidence_url, status_reason, on_track_reason, carried_forward_plan, carried_forward_plan_id, base_version,
				base_submission, author_id, organisation_id, submitted_at, submission, created_at, updated_at)
			VALUES (@commitment, @state, @status, @narrative, @expected, @evidence, @reason, @on_track, @cf_plan, @cf_plan_id,
				@base_version, @base_sub, @author, @org,
				CASE WHEN @submit OR @publish THEN @at::timestamptz END,
				CASE WHEN @submit THEN nextval('updates_submission_seq') END, @at, @at)
			RETURNING id`, args).Scan(&id)
	} else {
		before = string(open.State)
		args["id"] = open.ID
		err = tx.QueryRow(ctx, `UPDATE updates SET state = @state, status = @status, narrative = @narrative,
				expected_month = @expected, evidence_url = @evidence, status_reason = @reason, on_track_reason = @on_track,
				carried_forward_plan = @cf_plan, carried_forward_plan_id = @cf_plan_id,
				base_version = @base_version, base_submission = @base_sub, author_id = @author,
				submitted_at = CASE WHEN @submit OR @publish THEN @at::timestamptz END,
				submission = CASE WHEN @submit THEN nextval('updates_submission_seq') ELSE submission END,
				version = version + 1, updated_at = @at
			WHERE id = @id RETURNING id`, args).Scan(&id)
	}
	if err != nil {
		return 0, err
	}
	if err := audit(ctx, tx, actor, at, AuditEntry{
		Action: "update." + string(w.Action), RecordType: "update", RecordID: RecordRef(id),
		Details: map[string]any{
			"commitment": c.Ref,
			"state":      map[string]any{"before": before, "after": string(state)},
			"status":     string(r.Status),
		},
	}); err != nil {
		return 0, err
	}
	switch state {
	case tracker.StatePublished:
		if err := s.publish(ctx, tx, actor, c, id, at); err != nil {
			return 0, err
		}
	case tracker.StateSubmitted:
		if err := s.queueHandoff(ctx, tx, actor, at, id, submittedEmail); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// nullable turns an empty string into SQL NULL.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// publish makes the update, already marked published or about to be, the commitment's latest: the
// commitment takes its status, reason and (where it gives one) expected month, unless it has been
// carried forward (see carriedStatus), its version goes up, and the update records that version.
// The commitment's row must be locked.
func (s *Store) publish(ctx context.Context, tx pgx.Tx, actor tracker.Actor, c tracker.Commitment, updateID int64, at time.Time) error {
	var version int
	var status string
	var expected *time.Time
	var reason, cfPlan *string
	err := tx.QueryRow(ctx, `UPDATE commitments c SET status = CASE WHEN c.carried_forward_to IS NULL THEN u.status ELSE c.status END,
			expected_month = CASE WHEN c.carried_forward_to IS NOT NULL OR u.expected_month IS NULL THEN c.expected_month
			                      WHEN u.expected_month = c.due_month THEN NULL
			                      ELSE u.expected_month END,
			status_reason = CASE WHEN c.carried_forward_to IS NULL THEN u.status_reason ELSE c.status_reason END,
			carried_forward_plan = CASE WHEN c.carried_forward_to IS NULL THEN u.carried_forward_plan ELSE c.carried_forward_plan END,
			carried_forward_plan_id = CASE WHEN c.carried_forward_to IS NULL THEN u.carried_forward_plan_id ELSE c.carried_forward_plan_id END,
			last_published_at = $3, version = c.version + 1, updated_at = $3
		FROM updates u WHERE c.id = $1 AND u.id = $2
		RETURNING c.version, c.status, c.expected_month, c.status_reason, c.carried_forward_plan`,
		c.ID, updateID, at).Scan(&version, &status, &expected, &reason, &cfPlan)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE updates SET state = 'published', published_at = $2, reviewer_id = $3,
			published_version = $4, version = version + 1, updated_at = $2
		WHERE id = $1`, updateID, at, actor.UserID(), version)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("update %d not found to publish", updateID)
	}
	if err := carriedStatus(ctx, tx, actor, at, c.CarriedForwardToID, updateID); err != nil {
		return err
	}
	if err := audit(ctx, tx, actor, at, AuditEntry{
		Action: "commitment.publish_update", RecordType: "commitment", RecordID: RecordRef(c.ID),
		Details: map[string]any{
			"ref":    c.Ref,
			"update": updateID,
			"before": commitmentState(c.Status, c.Expected, c.StatusReason, c.CarriedForwardTo, c.Version),
			"after":  commitmentState(tracker.Status(status), monthPtr(expected), deref(reason), deref(cfPlan), version),
		},
	}); err != nil {
		return err
	}
	if err := recordAlertEvent(ctx, tx, at, "update", c.ID, &updateID, map[string]any{
		"status_before": string(c.Status), "status_after": status,
		"expected_before": monthString(c.Expected), "expected_after": monthString(monthPtr(expected)),
	}); err != nil {
		return err
	}
	return s.queueHandoff(ctx, tx, actor, at, updateID, publishedEmail)
}

func monthString(m *tracker.Month) string {
	if m == nil {
		return ""
	}
	return m.String()
}

func commitmentState(st tracker.Status, expected *tracker.Month, reason, cfPlan string, version int) map[string]any {
	m := map[string]any{"status": string(st), "version": version}
	if expected != nil {
		m["expected_month"] = expected.String()
	}
	if reason != "" {
		m["status_reason"] = reason
	}
	if cfPlan != "" {
		m["carried_forward_plan"] = cfPlan
	}
	return m
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// lockUpdateForReview locks the commitment of a submitted update and then the update, in that
// order (the order every reporting change takes), and returns both.
func lockUpdateForReview(ctx context.Context, tx pgx.Tx, id int64) (tracker.Update, tracker.Commitment, error) {
	var commitmentID int64
	if err := tx.QueryRow(ctx, `SELECT commitment_id FROM updates WHERE id = $1`, id).Scan(&commitmentID); err != nil {
		return tracker.Update{}, tracker.Commitment{}, err
	}
	c, err := lockCommitment(ctx, tx, commitmentID)
	if err != nil {
		return tracker.Update{}, tracker.Commitment{}, err
	}
	rows, _ := tx.Query(ctx, `SELECT `+updateColumns+updateFrom+` WHERE u.id = $1 FOR UPDATE OF u`, id)
	u, err := pgx.CollectExactlyOneRow(rows, scanUpdate)
	return u, c, err
}

// PublishUpdate publishes a submitted update: in one transaction the update becomes public, the
// commitment takes its status and expected month, its version goes up, and both are audited, all
// at the time by the store's clock. updateVersion and commitmentVersion are the versions the
// reviewer saw.
//
// The caller checks the actor may review (tracker.ActionReview). It returns tracker.ErrNotFound
// if there is no such update (or its commitment is retired), and a *tracker.ConflictError,
// writing nothing, when tracker.PublishConflict refuses: of two reviewers publishing the same
// update at once, exactly one succeeds and the other gets a conflict saying it is published. It
// returns an EINVALID error about the reviewer's note, writing nothing, when the update's month
// has passed since it was submitted (tracker.CheckPublishDates).
func (s *Store) PublishUpdate(ctx context.Context, actor tracker.Actor, id int64, updateVersion, commitmentVersion int) (tracker.Update, error) {
	return s.review(ctx, "publish", id, func(tx pgx.Tx, at time.Time, u tracker.Update, c tracker.Commitment) error {
		if msg := tracker.PublishConflict(u, updateVersion, c, commitmentVersion); msg != "" {
			return conflict(ctx, tx, msg, c, tracker.ReportBase{Version: commitmentVersion, Seen: u.Submission}, &u, []tracker.Update{})
		}
		if err := tracker.CheckPublishDates(u, at); err != nil {
			return err
		}
		if err := auditReview(ctx, tx, actor, at, u, c, "update.publish", tracker.StatePublished, "status", string(u.Status)); err != nil {
			return err
		}
		return s.publish(ctx, tx, actor, c, id, at)
	})
}

// ReturnUpdate returns a submitted update to its author's organisation with the reviewer's note,
// and audits it, in one transaction at the time by the store's clock. updateVersion is the
// version the reviewer saw.
//
// The caller checks the actor may review (tracker.ActionReview) and the note
// (tracker.ParseReviewNote). It returns tracker.ErrNotFound if there is no such update, and a
// *tracker.ConflictError, writing nothing, when tracker.ReturnConflict refuses.
func (s *Store) ReturnUpdate(ctx context.Context, actor tracker.Actor, id int64, updateVersion int, note string) (tracker.Update, error) {
	return s.review(ctx, "return", id, func(tx pgx.Tx, at time.Time, u tracker.Update, c tracker.Commitment) error {
		if msg := tracker.ReturnConflict(u, updateVersion); msg != "" {
			return conflict(ctx, tx, msg, c, tracker.ReportBase{Version: c.Version, Seen: u.Submission}, &u, []tracker.Update{})
		}
		if _, err := tx.Exec(ctx, `UPDATE updates SET state = 'returned', review_note = $2, reviewer_id = $3,
				returned_at = $4, version = version + 1, updated_at = $4
			WHERE id = $1`, id, note, actor.UserID(), at); err != nil {
			return err
		}
		if _, err := addMessage(ctx, tx, at, id, tracker.MessageReturn, actor.UserID(), note); err != nil {
			return err
		}
		if err := auditReview(ctx, tx, actor, at, u, c, "update.return", tracker.StateReturned, "note", note); err != nil {
			return err
		}
		return s.queueHandoff(ctx, tx, actor, at, id, returnedEmail)
	})
}

// review makes a reviewer's change (verb) to the update in one transaction at the time by the
// store's clock, with its commitment and then the update locked, and returns the update after.
func (s *Store) review(ctx context.Context, verb string, id int64, change func(tx pgx.Tx, at time.Time, u tracker.Update, c tracker.Commitment) error) (tracker.Update, error) {
	err := s.tx(ctx, fmt.Sprintf("%s update %d", verb, id), reportViolations(), func(tx pgx.Tx, at time.Time) error {
		u, c, err := lockUpdateForReview(ctx, tx, id)
		if err != nil {
			return err
		}
		return change(tx, at, u, c)
	})
	if err != nil {
		return tracker.Update{}, s.reportError(ctx, err)
	}
	return s.UpdateByID(ctx, id)
}

// auditReview audits a reviewer's change (action) of the update's state to after, with one more
// detail (key and value) besides the commitment and the states.
func auditReview(ctx context.Context, tx pgx.Tx, actor tracker.Actor, at time.Time, u tracker.Update, c tracker.Commitment,
	action string, after tracker.UpdateState, key string, value any) error {
	return audit(ctx, tx, actor, at, AuditEntry{
		Action: action, RecordType: "update", RecordID: RecordRef(u.ID),
		Details: map[string]any{
			"commitment": c.Ref,
			"state":      map[string]any{"before": string(u.State), "after": string(after)},
			key:          value,
		},
	})
}
