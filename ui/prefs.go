package ui

import (
	"slices"

	"fyne.io/fyne/v2"
)

// Preference keys of the model manager. The window size is package app's.
const (
	prefRecentModels = "models.recent"     // newest first; the first is the last model opened
	prefReopenLast   = "models.reopenLast" // reopen the last model at start
	prefWelcomeGone  = "welcome.dismissed" // the welcome panel was dismissed
	maxRecentModels  = 8
)

func prefs() fyne.Preferences { return fyne.CurrentApp().Preferences() }

// recentModels lists the models opened lately, newest first.
func recentModels() []string { return prefs().StringList(prefRecentModels) }

// rememberModel puts path first in the recent models, as an absolute path
// so the same model opened from two directories is listed once (a built-in
// model keeps its name).
func rememberModel(path string) {
	path, list := recentWithout(path)
	list = append([]string{path}, list...)
	prefs().SetStringList(prefRecentModels, list[:min(len(list), maxRecentModels)])
}

// forgetModel removes path from the recent models.
func forgetModel(path string) {
	_, list := recentWithout(path)
	prefs().SetStringList(prefRecentModels, list)
}

// recentWithout returns path made absolute, as the list keeps it, and the
// recent models other than it.
func recentWithout(path string) (string, []string) {
	path = absPath(path)
	return path, slices.DeleteFunc(recentModels(), func(p string) bool { return p == path })
}

func clearRecentModels() { prefs().SetStringList(prefRecentModels, nil) }

// reopenLast tells whether the studio reopens the last model at start.
func reopenLast() bool { return prefs().Bool(prefReopenLast) }

func setReopenLast(on bool) { prefs().SetBool(prefReopenLast, on) }

// welcomeDismissed tells whether the welcome panel was dismissed.
func welcomeDismissed() bool { return prefs().Bool(prefWelcomeGone) }

func setWelcomeDismissed(gone bool) { prefs().SetBool(prefWelcomeGone, gone) }
