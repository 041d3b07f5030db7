package postgres_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// TestConcurrentReportingLosesNothing has partners of several organisations report on the same
// commitments while staff publish their own reports and review the partners', all at once (run it
// with -race, as make test does). Whatever interleaving the database chooses, every accepted
// publication is in the commitment's history exactly once, the commitment shows its latest
// published update, and nothing fails but the conflicts the forms explain.
func TestConcurrentReportingLosesNothing(t *testing.T) {
	t.Parallel()
	rp := newReporting(t)
	refs := []string{"4.1", "4.2", "4.3"}
	partners := []*tracker.User{
		rp.user(tracker.RolePartner, "NES"), rp.user(tracker.RolePartner, "NES"),
		rp.user(tracker.RolePartner, "LGDO"), rp.user(tracker.RolePartner, "SSSC"),
	}
	reviewers := []*tracker.User{rp.user(tracker.RoleStaff, ""), rp.user(tracker.RoleAdmin, "")}
	writers := []*tracker.User{rp.user(tracker.RoleStaff, ""), rp.user(tracker.RoleStaff, "")}
	before := map[string]tracker.Commitment{}
	for _, ref := range refs {
		before[ref] = rp.commitment(ref)
	}
	statuses := tracker.ReportableStatuses

	var mu sync.Mutex
	published := map[int64]int64{} // accepted publications: update ID -> commitment ID
	var unexpected []error
	accept := func(u tracker.Update) {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := published[u.ID]; dup {
			unexpected = append(unexpected, fmt.Errorf("update %d accepted for publication twice", u.ID))
		}
		published[u.ID] = u.CommitmentID
	}
	// check sorts an error: a conflict is an answer the form explains; anything else is a failure.
	check := func(who string, err error) bool {
		var ce *tracker.ConflictError
		if err == nil || errors.As(err, &ce) {
			return err == nil
		}
		mu.Lock()
		defer mu.Unlock()
		unexpected = append(unexpected, fmt.Errorf("%s: %w", who, err))
		return false
	}

	const rounds = 6
	var writing sync.WaitGroup
	// Partners submit reports for review, each from a form opened just before, and send again
	// after a conflict, as a person shown what changed would.
	for i, p := range partners {
		writing.Go(func() {
			for round := range rounds {
				ref := refs[(i+round)%len(refs)]
				if p.OrganisationCode != "NES" {
					ref = "4.2" // the only one of the three LGDO and SSSC lead
				}
				r := tracker.Report{Status: statuses[(i+round)%len(statuses)], Narrative: fmt.Sprintf("%s, round %d.", p.Name, round)}
				for try := 0; try < 5; try++ {
					_, err := rp.save(p, ref, rp.base(ref, p), tracker.ActionSubmit, r)
					if check(p.Name+" submits on "+ref, err) || err == nil {
						break
					}
				}
			}
		})
	}
	// Staff publish reports of their own straight away.
	for i, w := range writers {
		writing.Go(func() {
			for round := range rounds {
				ref := refs[(i+round+1)%len(refs)]
				r := tracker.Report{Status: statuses[(i+round+2)%len(statuses)], Narrative: fmt.Sprintf("%s, round %d.", w.Name, round)}
				for try := 0; try < 5; try++ {
					u, err := rp.save(w, ref, rp.base(ref, w), tracker.ActionPublish, r)
					if check(w.Name+" publishes on "+ref, err) {
						accept(u)
						break
					}
					if err == nil {
						break
					}
				}
			}
		})
	}
	// Reviewers publish what is waiting, each in their own order, until the writers are done and
	// nothing waits.
	writersDone := make(chan struct{})
	go func() { writing.Wait(); close(writersDone) }()
	var reviewing sync.WaitGroup
	for i, rv := range reviewers {
		reviewing.Go(func() {
			// While the writers write, review whatever is waiting; then empty the queue, in a
			// bounded number of passes.
			for pass := 0; pass < 100; {
				select {
				case <-writersDone:
					pass++
				default:
				}
				queue, _, err := rp.store.ReviewQueue(rp.ctx, 0)
				if !check(rv.Name+" reads the queue", err) {
					return
				}
				if len(queue) == 0 && pass > 0 {
					return
				}
				if i%2 == 1 {
					slices.Reverse(queue)
				}
				for _, u := range queue {
					c, err := rp.store.CommitmentByID(rp.ctx, u.CommitmentID)
					if !check(rv.Name+" reads a commitment", err) {
						return
					}
					pu, err := rp.store.PublishUpdate(rp.ctx, tracker.Actor{User: rv}, u.ID, u.Version, c.Version)
					if check(rv.Name+" publishes update "+fmt.Sprint(u.ID), err) {
						accept(pu)
					}
				}
			}
			check(rv.Name, errors.New("the review queue never emptied"))
		})
	}
	reviewing.Wait()
	<-writersDone

	for _, err := range unexpected {
		t.Error(err)
	}
	if len(published) < len(refs) {
		t.Fatalf("only %d publications were accepted: the test did not exercise anything", len(published))
	}
	for _, ref := range refs {
		c := rp.commitment(ref)
		history, err := rp.store.PublishedUpdates(rp.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []int64
		for id, cid := range published {
			if cid == c.ID {
				want = append(want, id)
			}
		}
		var latest *tracker.Update
		for _, u := range history {
			if u.PublishedAt == nil { // reported in a published plan, before the portal
				continue
			}
			got = append(got, u.ID)
			if latest == nil || u.PublishedVersion > latest.PublishedVersion {
				latest = &u
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s history holds updates %v, want the accepted publications %v, each once", ref, got, want)
		}
		if latest == nil {
			continue
		}
		if latest.ID != history[0].ID {
			t.Errorf("%s history starts with update %d, want the latest published, %d", ref, history[0].ID, latest.ID)
		}
		if c.Status != latest.Status {
			t.Errorf("%s status = %s, want %s from its latest published update %d", ref, c.Status, latest.Status, latest.ID)
		}
		if wantVersion := before[ref].Version + len(want); c.Version != wantVersion || latest.PublishedVersion != c.Version {
			t.Errorf("%s version = %d (latest update published at version %d), want %d", ref, c.Version, latest.PublishedVersion, wantVersion)
		}
		if got := len(rp.auditActions("commitment", fmt.Sprint(c.ID))); got != len(want) {
			t.Errorf("%s: %d publications audited, want %d", ref, got, len(want))
		}
	}
	var waiting int
	if err := rp.pool.QueryRow(rp.ctx, `SELECT count(*) FROM updates WHERE state = 'submitted'`).Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	if waiting != 0 {
		t.Errorf("%d submitted updates were left waiting", waiting)
	}
	t.Logf("%d publications accepted", len(published))
}
