// Package ui holds the studio's views and widgets. It never imports package
// app: everything the views need from the studio goes through Controller,
// and engine work goes through a session.Session.
package ui

// Controller is what the views ask of the studio beyond engine work: native
// dialogs and quitting. Package app implements it; calls arrive on the UI
// goroutine and must return quickly, so dialogs run in the background and
// answer through callbacks made on the UI goroutine.
type Controller interface {
	// OpenModel asks the user for a model to open.
	OpenModel()
	// PickFile asks for a file to read (save false) or write (save true)
	// with one of the extensions (without dots), and calls done with its
	// path, or with "" when the user cancels.
	PickFile(title string, exts []string, save bool, done func(path string))
	// PickFolder asks for a folder to read and calls done with its path, or
	// with "" when the user cancels.
	PickFolder(title string, done func(path string))
	// Quit closes the studio.
	Quit()
}
