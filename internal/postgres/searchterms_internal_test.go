package postgres

import "testing"

// TestPlainWordCount: only two or more plain words by relevance are answered from the words kept
// in commitment_terms; phrases, operators, refs, one word and long text are not.
func TestPlainWordCount(t *testing.T) {
	for text, want := range map[string]int{
		"cyber resilience":       2,
		"Dementia care Pathways": 3,
		"the and":                2,
		"a b c d e f":            6,
		"a b c d e f g":          0,
		"cyber":                  0,
		"cyber or resilience":    0,
		"cyber OR resilience":    0,
		`"cyber resilience"`:     0,
		"cyber -resilience":      0,
		"3.17":                   0,
		"cyber 3.17":             0,
		"e-health services":      0,
		"cyber  resilience":      0,
		"":                       0,
	} {
		if got := (CommitmentSearch{Text: text, Sort: SortRelevance}).plainWordCount(); got != want {
			t.Errorf("%q: %d, want %d", text, got, want)
		}
	}
	if got := (CommitmentSearch{Text: "cyber resilience", Sort: SortRef}).plainWordCount(); got != 0 {
		t.Errorf("by ref: %d, want 0", got)
	}
}
