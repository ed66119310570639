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
	welcomeText     = "Welcome to Tessera: the built-in landscape model is loaded. Start here:"
	paintText       = "Paint a landscape"
	sceneText       = "Sample a scene"
	exploreText     = "Explore the codebook"
	dismissText     = "Dismiss"
	gettingStarted  = "Getting Started"
	paintHint       = "paint sky, water, trees…, sample from the map"
	sceneHint       = "alpine, coast, desert…: a scene from its type"
	exploreHint     = "the codes every image is made of"
	welcomeIconSize = 40
)

// welcomePanel sits above the views while one of the built-in landscape
// models is in use, until it is dismissed (a preference): three ways into
// the studio for someone who has just opened it.
type welcomePanel struct {
	box   *fyne.Container
	scene *fyne.Container // the scene action: hidden without a scenes model
}

func newWelcomePanel(v *MainView) *welcomePanel {
	p := &welcomePanel{}
	action := func(text, hint string, icon fyne.Resource, do func()) *fyne.Container {
		b := widget.NewButtonWithIcon(text, icon, do)
		h := widget.NewLabelWithStyle(hint, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
		h.SizeName = theme.SizeNameCaptionText
		return container.NewVBox(b, h)
	}
	paint := action(paintText, paintHint, theme.ColorPaletteIcon(), func() { v.openThenShow(v.builtins.Landscape, "Sample") })
	p.scene = action(sceneText, sceneHint, theme.MediaPlayIcon(), func() { v.openThenShow(v.builtins.Scenes, "Sample") })
	explore := action(exploreText, exploreHint, theme.GridIcon(), func() { v.Show("Codebook") })
	paint.Objects[0].(*widget.Button).Importance = widget.HighImportance

	glyph := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(welcomeIconSize), widget.NewIcon(theme.InfoIcon())))
	heading := widget.NewLabelWithStyle(welcomeText, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	dismiss := widget.NewButtonWithIcon(dismissText, theme.CancelIcon(), func() {
		setWelcomeDismissed(true)
		v.refreshWelcome()
		v.menu.refresh(v)
	})
	dismiss.Importance = widget.LowImportance
	body := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewVBox(dismiss), heading),
		container.NewHBox(paint, p.scene, explore),
	)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	p.box = container.NewVBox(container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, glyph, nil, body))))
	p.box.Hide()
	return p
}

// refreshWelcome shows the welcome panel while a built-in landscape model
// is in use and the panel has not been dismissed.
func (v *MainView) refreshWelcome() {
	if v.builtins.isWelcomeModel(v.modelPath) && !welcomeDismissed() {
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
