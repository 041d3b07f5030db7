package main

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/server"
)

func TestContactEmailConfig(t *testing.T) {
	for _, tt := range []struct {
		set, want, wantErr string
	}{
		{"", server.DefaultContactEmail, ""},
		{" delivery-tracker@Gov.Scot ", "delivery-tracker@gov.scot", ""},
		{"not an address", "", "CONTACT_EMAIL"},
	} {
		env := map[string]string{"DATABASE_URL": "postgres://localhost/x", "CONTACT_EMAIL": tt.set}
		c, err := loadConfig(func(k string) string { return env[k] })
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("CONTACT_EMAIL=%q: err = %v, want one naming %s", tt.set, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("CONTACT_EMAIL=%q: %v", tt.set, err)
		case c.ContactEmail != tt.want:
			t.Errorf("CONTACT_EMAIL=%q: contact %q, want %q", tt.set, c.ContactEmail, tt.want)
		}
	}
}
