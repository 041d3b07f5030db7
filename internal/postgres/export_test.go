package postgres

// SetExportChunk sets how many updates EachPublishedUpdate reads with each query, for a test of
// exports longer than one chunk, and returns a function that restores it.
func SetExportChunk(n int) (restore func()) {
	old := exportChunk
	exportChunk = n
	return func() { exportChunk = old }
}
