package main

import (
	"strings"
	"testing"
)

func TestAccountConfig(t *testing.T) {
	base := map[string]string{"DATABASE_URL": "postgres://localhost/x"}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c config)
	}{
		{"no SMTP", nil, "", func(t *testing.T, c config) {
			if c.SMTP != nil || len(c.TrustedProxies) != 0 {
				t.Errorf("SMTP %+v, proxies %v", c.SMTP, c.TrustedProxies)
			}
		}},
		{"SMTP", map[string]string{"SMTP_HOST": "smtp.example.scot", "SMTP_PORT": "2525", "SMTP_FROM": "no-reply@example.scot",
			"SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"}, "", func(t *testing.T, c config) {
			if c.SMTP == nil || c.SMTP.Host != "smtp.example.scot" || c.SMTP.Port != 2525 || c.SMTP.Password != "p" {
				t.Errorf("SMTP = %+v", c.SMTP)
			}
		}},
		{"SMTP without sender", map[string]string{"SMTP_HOST": "smtp.example.scot"}, "SMTP_FROM", nil},
		{"bad SMTP port", map[string]string{"SMTP_HOST": "h", "SMTP_FROM": "a@b.scot", "SMTP_PORT": "x"}, "SMTP_PORT", nil},
		{"bad TLS mode", map[string]string{"SMTP_HOST": "h", "SMTP_FROM": "a@b.scot", "SMTP_TLS": "sometimes"}, "TLS mode", nil},
		{"proxies", map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,fd00::/8"}, "", func(t *testing.T, c config) {
			if len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.0.2.7/32" {
				t.Errorf("proxies = %v", c.TrustedProxies)
			}
		}},
		{"bad proxy", map[string]string{"TRUSTED_PROXIES": "proxy.local"}, "TRUSTED_PROXIES", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				if v, ok := tt.env[k]; ok {
					return v
				}
				return base[k]
			}
			c, err := loadConfig(getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want one mentioning %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}
