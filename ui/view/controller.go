// Package view is what every view of the studio shares: the Controller
// that package app implements, the Env each view works in, the View
// interface the main window shows as tabs, and the rules for touching
// widgets from other goroutines (Do, Sync) and for following jobs. It
// depends on no other package of ui, so every view can import it.
package view

// Controller is what the views ask of the studio beyond engine work: native
// dialogs and quitting. Package app implements it; calls arrive on the UI
// goroutine and must return quickly, so dialogs run in the background and
// answer through callbacks made on the UI goroutine.
type Controller interface {
	// OpenModel asks the user for a model to open.
	OpenModel()
	// PickFile asks for a file to read with one of the extensions (without
	// dots), and calls done with its path, or with "" when the user cancels.
	PickFile(title string, exts []string, done func(path string))
	// SaveFile asks for a file to write with one of the extensions,
	// suggesting name (a file name, without folder), and calls done with its
	// path, or with "" when the user cancels.
	SaveFile(title string, exts []string, name string, done func(path string))
	// PickFolder asks for a folder to read and calls done with its path, or
	// with "" when the user cancels.
	PickFolder(title string, done func(path string))
	// ShowFolder opens a folder in the desktop's file manager.
	ShowFolder(path string)
	// Quit closes the studio.
	Quit()
}
