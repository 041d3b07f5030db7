package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDemoDataRefusesADatabaseThatIsNotForDemonstrations(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"flag naming another database", []string{"--database-url", "postgres://u:p@127.0.0.1:1/portal"}, nil, `name must contain "demo"`},
		{"environment naming another database", nil, map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:1/production"}, `name must contain "demo"`},
		{"the flag wins over the environment", []string{"--database-url", "postgres://u:p@127.0.0.1:1/live"},
			map[string]string{"DATABASE_URL": "postgres://u:p@127.0.0.1:1/portal_demo"}, `database "live"`},
		{"fresh with a URL", []string{"--fresh", "--database-url", "postgres://u:p@127.0.0.1:1/portal_demo"}, nil, "only does so on the project-local cluster"},
		{"bad size", []string{"--commitments", "x"}, nil, "invalid value"},
		{"stray argument", []string{"now"}, nil, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			getenv := func(k string) string { return tt.env[k] }
			err := run(context.Background(), append([]string{"demo-data"}, tt.args...), getenv, nil, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error()+stderr.String(), tt.want) {
				t.Errorf("err = %v (stderr %q), want one that says %q", err, stderr.String(), tt.want)
			}
		})
	}
}
