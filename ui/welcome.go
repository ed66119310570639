package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Texts of the welcome panel, shared with the tests.
const (
	welcomeText    = "Welcome to Tessera: try the built-in landscape model"
	paintText      = "Paint a landscape"
	sceneText      = "Sample a scene"
	exploreText    = "Explore the codebook"
	dismissText    = "Dismiss"
	gettingStarted = "Getting Started"
)

// welcomePanel is a strip above the views while one of the built-in
// landscape models is in use, until it is dismissed (a preference): three
// ways into the studio for someone who has just opened it. It is one row
// high, so every view keeps its room.
type welcomePanel struct {
	box          *fyne.Container
	paint, scene *widget.Button // hidden without their model
}

func newWelcomePanel(v *MainView) *welcomePanel {
	p := &welcomePanel{}
	p.paint = widget.NewButtonWithIcon(paintText, theme.ColorPaletteIcon(), func() { v.openThenShow(v.builtins.Landscape, "Sample") })
	p.paint.Importance = widget.HighImportance
	p.scene = widget.NewButtonWithIcon(sceneText, theme.MediaPlayIcon(), func() { v.openThenShow(v.builtins.Scenes, "Sample") })
	explore := widget.NewButtonWithIcon(exploreText, theme.GridIcon(), func() { v.Show("Codebook") })
	dismiss := widget.NewButtonWithIcon(dismissText, theme.CancelIcon(), func() {
		setWelcomeDismissed(true)
		v.refreshWelcome()
		v.menu.refresh(v)
	})
	dismiss.Importance = widget.LowImportance

	heading := widget.NewLabelWithStyle(welcomeText, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	actions := container.NewHBox(p.paint, p.scene, explore, widget.NewSeparator(), dismiss)
	icon := widget.NewIcon(theme.InfoIcon())
	row := container.New(&welcomeLayout{icon, heading, actions}, icon, heading, actions)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	p.box = container.NewVBox(container.NewStack(bg, container.NewPadded(row)))
	p.box.Hide()
	return p
}

// refreshWelcome shows the welcome panel while a built-in landscape model
// is in use and the panel has not been dismissed.
func (v *MainView) refreshWelcome() {
	if v.builtins.isWelcomeModel(v.modelPath) && !welcomeDismissed() {
		v.welcome.paint.Hidden = v.builtins.Landscape == ""
		v.welcome.scene.Hidden = v.builtins.Scenes == ""
		v.welcome.box.Show()
	} else {
		v.welcome.box.Hide()
	}
	v.welcome.box.Refresh()
}

// showGettingStarted brings the welcome panel back (Help > Getting
// Started), opening the built-in landscape model when another is in use.
func (v *MainView) showGettingStarted() {
	setWelcomeDismissed(false)
	if !v.builtins.isWelcomeModel(v.modelPath) && v.builtins.welcomeModel() != "" {
		v.LoadModel(v.builtins.welcomeModel())
	}
	v.refreshWelcome()
	v.menu.refresh(v)
}

// openThenShow shows the view titled tab with the model at path in use:
// at once when it is, after opening it otherwise.
func (v *MainView) openThenShow(path, tab string) {
	if path == "" {
		return
	}
	if sameModel(path, v.modelPath) {
		v.Show(tab)
		return
	}
	v.loadModel(path, func() { v.Show(tab) })
}

// welcomeLayout puts the icon and the heading on the left and the actions
// on the right. A window too narrow for the whole heading leaves it out
// rather than cut it, so the actions always fit; the least width is the
// icon's and the actions'.
type welcomeLayout struct{ icon, heading, actions fyne.CanvasObject }

func (l *welcomeLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	i, a := l.icon.MinSize(), l.actions.MinSize()
	h := max(i.Height, a.Height, l.heading.MinSize().Height)
	return fyne.NewSize(i.Width+theme.Padding()+a.Width, h)
}

func (l *welcomeLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	i, hd, a := l.icon.MinSize(), l.heading.MinSize(), l.actions.MinSize()
	middle := func(s fyne.Size) float32 { return (size.Height - s.Height) / 2 }
	l.icon.Move(fyne.NewPos(0, middle(i)))
	l.icon.Resize(i)
	l.actions.Move(fyne.NewPos(size.Width-a.Width, middle(a)))
	l.actions.Resize(a)
	room := size.Width - a.Width - i.Width - theme.Padding()
	l.heading.Move(fyne.NewPos(i.Width+theme.Padding(), middle(hd)))
	l.heading.Resize(fyne.NewSize(max(room, 0), hd.Height))
	l.heading.(*widget.Label).Hidden = room < hd.Width
}
