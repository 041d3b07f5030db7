package main

import (
	"fmt"

	"github.com/scottish-government/delivery-tracker/internal/server"
	"github.com/scottish-government/delivery-tracker/internal/tracker"
)

// loadPagesConfig reads what the pages about the service say that depends on who runs it: the
// address people write to (CONTACT_EMAIL).
func loadPagesConfig(c *config, getenv func(string) string) error {
	c.ContactEmail = getenv("CONTACT_EMAIL")
	if c.ContactEmail == "" {
		c.ContactEmail = server.DefaultContactEmail
		return nil
	}
	if msg := tracker.EmailProblem(c.ContactEmail); msg != "" {
		return fmt.Errorf("CONTACT_EMAIL %q is not an email address: %s", c.ContactEmail, msg)
	}
	c.ContactEmail = tracker.NormaliseEmail(c.ContactEmail)
	return nil
}
