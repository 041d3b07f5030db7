package postgres

// SetExportChunk sets how many updates EachPublishedUpdate reads with each query, for a test of
// exports longer than one chunk, and returns a function that restores it.
func SetExportChunk(n int) (restore func()) {
	old := exportChunk
	exportChunk = n
	return func() { exportChunk = old }
}

// ViolationConstraints returns the names of the constraints whose violations the store turns into
// the domain's errors.
func ViolationConstraints() []string {
	return []string{plansSlugKey, plansOneCurrent, prioritiesSlugKey, prioritiesNumberKey, organisationsCodeKey,
		commitmentsRefKey, roundsNameKey, roundsOneOpen, usersEmailKey, updatesOpenPerOrg, updatesOpenPerStaffer}
}
