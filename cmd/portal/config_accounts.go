package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/scottish-government/delivery-tracker/internal/mail"
)

// loadAccountConfig reads the settings for email (SMTP_*) and for finding the client's address
// behind a proxy (TRUSTED_PROXIES).
func loadAccountConfig(c *config, get func(string) (string, error), getenv func(string) string) error {
	if host := getenv("SMTP_HOST"); host != "" {
		m := &mail.Config{Host: host, Username: getenv("SMTP_USERNAME"), From: getenv("SMTP_FROM"), TLS: getenv("SMTP_TLS")}
		if v := getenv("SMTP_PORT"); v != "" {
			p, err := strconv.Atoi(v)
			if err != nil || p < 1 || p > 65535 {
				return fmt.Errorf("SMTP_PORT %q is not a port number", v)
			}
			m.Port = p
		}
		pw, err := get("SMTP_PASSWORD")
		if err != nil {
			return err
		}
		m.Password = pw
		if m.From == "" {
			return fmt.Errorf("SMTP_FROM is needed with SMTP_HOST: the address email comes from")
		}
		if _, err := mail.NewSMTP(*m); err != nil {
			return fmt.Errorf("SMTP settings: %w", err)
		}
		c.SMTP = m
	}
	if v := getenv("TRUSTED_PROXIES"); v != "" {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			p, err := netip.ParsePrefix(f)
			if err != nil {
				a, aerr := netip.ParseAddr(f)
				if aerr != nil {
					return fmt.Errorf("TRUSTED_PROXIES: %q is neither an address nor a network such as 10.0.0.0/8", f)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			c.TrustedProxies = append(c.TrustedProxies, p.Masked())
		}
	}
	return nil
}
