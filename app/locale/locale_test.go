package locale

import "testing"

func TestIsCLocale(t *testing.T) {
	for l, want := range map[string]bool{
		"C.UTF-8": true, "C.utf8": true, "POSIX@euro": true,
		"C": false, "POSIX": false, "": false,
		"en_US.UTF-8": false, "de_DE": false, "Ca.UTF-8": false,
	} {
		if got := isCLocale(l); got != want {
			t.Errorf("isCLocale(%q) = %v, want %v", l, got, want)
		}
	}
}
