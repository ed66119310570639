// Package ui holds the studio's views and widgets. It never imports package
// app: everything the views need from the studio goes through Controller.
package ui

// Controller is what the views ask of the studio. Package app implements it;
// calls arrive on the UI goroutine and must return quickly, so anything slow
// (dialogs, jobs) is started in the background and reports back through the
// MainView's methods inside fyne.Do.
type Controller interface {
	// OpenModel asks the user for a model to open.
	OpenModel()
	// Quit closes the studio.
	Quit()
}
