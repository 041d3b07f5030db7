package tracker

import "testing"

func TestStartsFormula(t *testing.T) {
	for s, want := range map[string]bool{
		"=SUM(A1)": true, "+44 131": true, "-1": true, "@home": true, "\tx": true, "\rx": true,
		"": false, "plain": false, " =x": false, "'=x": false, "é=": false, "4.2": false,
	} {
		if got := StartsFormula(s); got != want {
			t.Errorf("StartsFormula(%q) = %v, want %v", s, got, want)
		}
	}
}
