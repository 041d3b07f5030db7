package tracker

// The enumerations (statuses, roles, states) are string types with a closed set of values, each
// with the words people read for it. These helpers read and name them all the same way.

// parse returns the value of values that s names, or false if s names none.
func parse[T ~string](s string, values []T) (T, bool) {
	for _, v := range values {
		if string(v) == s {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// labels holds the words people read for each value of an enumeration.
type labels[T ~string] map[T]string

// of returns the words for v, or otherwise for a value that has none.
func (l labels[T]) of(v T, otherwise string) string {
	if s, ok := l[v]; ok {
		return s
	}
	return otherwise
}
