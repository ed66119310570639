// Package locale keeps Fyne quiet under the C locale. Debian and most
// containers set LANG=C.UTF-8, whose language part "C" Fyne tries to parse
// as a language tag while its packages initialise, printing three "Fyne
// error" lines before every command. Fyne reads $LANGUAGE when the locale
// is not plain "C", and C-locale programs ignore it, so setting it to
// English for Fyne changes nothing else.
//
// Import it first, for its side effect only: it imports nothing that Fyne
// needs, so Go initialises it before Fyne's language package.
package locale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") == "" && isCLocale(current()) {
		os.Setenv("LANGUAGE", "en")
	}
}

// current is the locale that decides message language, as gettext and
// Fyne read it: the first of LC_ALL, LC_MESSAGES and LANG that is set.
func current() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// isCLocale reports a C or POSIX locale with a codeset or modifier
// ("C.UTF-8", "POSIX@euro"). Plain "C" and "POSIX" Fyne handles itself.
func isCLocale(l string) bool {
	lang, _, _ := strings.Cut(l, "@")
	lang, _, _ = strings.Cut(lang, ".")
	return (lang == "C" || lang == "POSIX") && lang != l
}
