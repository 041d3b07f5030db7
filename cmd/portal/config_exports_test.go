package main

import (
	"strings"
	"testing"

	"github.com/scottish-government/delivery-tracker/internal/server"
)

func TestExportCacheConfig(t *testing.T) {
	tests := []struct {
		dir, mb   string
		wantBytes int64
		wantErr   bool
	}{
		{"", "", server.DefaultExportCacheBytes, false},
		{"/var/cache/portal", "256", 256 << 20, false},
		{"", "0", 0, true},
		{"", "-5", 0, true},
		{"", "lots", 0, true},
		{"", "99999999999", 0, true},
	}
	for _, tt := range tests {
		env := map[string]string{"DATABASE_URL": "postgres://localhost/x", "EXPORT_CACHE_DIR": tt.dir, "EXPORT_CACHE_MB": tt.mb}
		c, err := loadConfig(func(k string) string { return env[k] })
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "EXPORT_CACHE_MB") {
				t.Errorf("EXPORT_CACHE_MB=%q: err = %v, want one naming it", tt.mb, err)
			}
			continue
		}
		if err != nil || c.ExportCacheBytes != tt.wantBytes || c.ExportCacheDir != tt.dir {
			t.Errorf("EXPORT_CACHE_DIR=%q EXPORT_CACHE_MB=%q: %q, %d, %v; want %q, %d", tt.dir, tt.mb,
				c.ExportCacheDir, c.ExportCacheBytes, err, tt.dir, tt.wantBytes)
		}
	}
}
