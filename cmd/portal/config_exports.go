package main

import (
	"fmt"
	"strconv"

	"github.com/scottish-government/delivery-tracker/internal/server"
)

// maxExportCacheMB is the largest EXPORT_CACHE_MB taken: a terabyte.
const maxExportCacheMB = 1 << 20

// loadExportConfig reads where downloads are written before they are served (EXPORT_CACHE_DIR)
// and the disk space they may take (EXPORT_CACHE_MB).
func loadExportConfig(c *config, getenv func(string) string) error {
	c.ExportCacheDir = getenv("EXPORT_CACHE_DIR")
	c.ExportCacheBytes = server.DefaultExportCacheBytes
	if v := getenv("EXPORT_CACHE_MB"); v != "" {
		mb, err := strconv.ParseInt(v, 10, 64)
		if err != nil || mb < 1 || mb > maxExportCacheMB {
			return fmt.Errorf("EXPORT_CACHE_MB %q is not a number of megabytes from 1 to %d", v, maxExportCacheMB)
		}
		c.ExportCacheBytes = mb << 20
	}
	return nil
}
