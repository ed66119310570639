package hires

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/widget"
)

// condFactor is the cond stage's pixels per token (1 without one).
func (v *hiResView) condFactor() int {
	if v.m == nil || v.m.CondStage == nil {
		return 1
	}
	return v.m.CondStage.Config.Factor()
}

// setSize shows a size of w×h tokens in the chosen unit.
func (v *hiResView) setSize(w, h int) {
	f := 1
	if v.unit.Selected == unitPixels {
		f = v.card.Factor
	}
	// Both entries change before the map follows, so it is not scaled to a
	// size half old, half new.
	v.settingSize = true
	v.width.SetText(strconv.Itoa(w * f))
	v.height.SetText(strconv.Itoa(h * f))
	v.settingSize = false
	v.sizeChanged()
}

// size is the target in tokens; pixels are rounded down to whole tokens.
func (v *hiResView) size() (w, h int, err error) {
	if v.card == nil {
		return 0, 0, fmt.Errorf("no model")
	}
	parse := func(s, what string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("the %s must be a positive whole number of %s", what, v.unit.Selected)
		}
		return n, nil
	}
	if w, err = parse(v.width.Text, "width"); err != nil {
		return 0, 0, err
	}
	if h, err = parse(v.height.Text, "height"); err != nil {
		return 0, 0, err
	}
	f, win := v.card.Factor, v.card.Window
	if v.unit.Selected == unitPixels {
		w, h = w/f, h/f
	}
	if w < win || h < win {
		return w, h, fmt.Errorf("the image must be at least the model's window: %d×%d tokens (%d×%d pixels)", win, win, win*f, win*f)
	}
	return w, h, nil
}

// sizeChanged follows a new size: the painted map is scaled to it, and the
// size and estimate are shown again.
func (v *hiResView) sizeChanged() {
	if v.card == nil || v.settingSize {
		return
	}
	w, h, err := v.size()
	if err != nil {
		v.sizeText.Importance = widget.DangerImportance
		v.sizeText.SetText(err.Error())
		v.updateEstimate()
		return
	}
	f, cf := v.card.Factor, v.condFactor()
	v.sizeText.Importance = widget.MediumImportance
	v.sizeText.SetText(fmt.Sprintf("= %d×%d tokens, %d×%d pixels", w, h, w*f, h*f))
	if p := v.cond.Painter(); p != nil {
		if pw, ph := p.MapSize(); pw/cf != w || ph/cf != h {
			p.ScaleTo(w*cf, h*cf)
		}
	}
	v.updateEstimate()
}

// unitChanged converts the entries to the new unit.
func (v *hiResView) unitChanged(unit string) {
	if v.card == nil {
		return
	}
	if w, h, err := v.sizeIn(otherUnit(unit)); err == nil {
		v.setSize(w, h)
	} else {
		v.sizeChanged()
	}
}

// sizeIn reads the entries as if they were in unit, in tokens.
func (v *hiResView) sizeIn(unit string) (int, int, error) {
	w, err1 := strconv.Atoi(strings.TrimSpace(v.width.Text))
	h, err2 := strconv.Atoi(strings.TrimSpace(v.height.Text))
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("not a size")
	}
	if unit == unitPixels {
		w, h = w/v.card.Factor, h/v.card.Factor
	}
	return w, h, nil
}

func otherUnit(u string) string {
	if u == unitPixels {
		return unitTokens
	}
	return unitPixels
}

// mapSized follows a loaded label map or image: it sets the size.
func (v *hiResView) mapSized(w, h int) {
	cf := v.condFactor()
	v.setSize(w/cf, h/cf)
}
