package main

import (
	"strings"
	"testing"
	"time"
)

func TestReminderInterval(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"", time.Minute, false},
		{"5m", 5 * time.Minute, false},
		{"0", 0, false},
		{"-1m", 0, true},
		{"often", 0, true},
	}
	for _, tt := range tests {
		env := map[string]string{"DATABASE_URL": "postgres://localhost/x", "REMINDER_INTERVAL": tt.value}
		c, err := loadConfig(func(k string) string { return env[k] })
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "REMINDER_INTERVAL") {
				t.Errorf("REMINDER_INTERVAL=%q: err = %v, want one naming it", tt.value, err)
			}
			continue
		}
		if err != nil || c.ReminderInterval != tt.want {
			t.Errorf("REMINDER_INTERVAL=%q: %v, %v; want %v", tt.value, c.ReminderInterval, err, tt.want)
		}
	}
}
