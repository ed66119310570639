package widgets

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// NumberField is a number entry beside a slider: moving the slider shows
// its value in the entry, and typing a value moves the slider. A value
// that is not a number, not whole where the slider steps by whole numbers,
// or outside the slider's range is refused with a message saying why; the
// slider keeps its last good value, which the entry shows again on Enter
// or when it loses the keyboard.
type NumberField struct {
	name     string // what the message calls the value
	decimals int    // digits after the point; 0: whole numbers only
	slider   *widget.Slider
	entry    *numEntry
	message  *widget.Label
	showing  bool // the slider's value is being written into the entry
	typing   bool // a value typed is moving the slider
	content  fyne.CanvasObject
}

// numEntry is an entry that says when it loses the keyboard.
type numEntry struct {
	widget.Entry
	onBlur func()
}

func (e *numEntry) FocusLost() {
	e.Entry.FocusLost()
	e.onBlur()
}

// NewNumberField puts an entry beside s; set s.OnChanged before, as the
// field wraps it.
func NewNumberField(name string, s *widget.Slider, decimals int) *NumberField {
	f := &NumberField{name: name, decimals: decimals, slider: s, message: widget.NewLabel("")}
	f.entry = &numEntry{onBlur: f.Show}
	f.entry.ExtendBaseWidget(f.entry)
	f.message.Importance = widget.DangerImportance
	f.message.Wrapping = fyne.TextWrapWord
	f.message.Hide()
	changed := s.OnChanged
	s.OnChanged = func(v float64) {
		if !f.typing { // the entry keeps what the user is typing
			f.message.Hide()
			f.Show()
		}
		if changed != nil {
			changed(v)
		}
	}
	f.entry.OnChanged = f.typed
	f.entry.OnSubmitted = func(string) { f.Show() }
	f.Show()
	return f
}

// Entry is the number entry.
func (f *NumberField) Entry() *widget.Entry { return &f.entry.Entry }

// Message is the label that says why a value was refused.
func (f *NumberField) Message() *widget.Label { return f.message }

// Row is label, slider and entry on one line, the message under them.
func (f *NumberField) Row(label fyne.CanvasObject) fyne.CanvasObject {
	entry := container.NewStack(AtLeast(fyne.NewSize(72, 0)), f.entry)
	return container.NewVBox(container.NewBorder(nil, nil, label, entry, f.slider), f.message)
}

// Show writes the slider's value into the entry; call it after setting
// the slider's value or range without SetValue.
func (f *NumberField) Show() {
	f.showing = true
	f.entry.SetText(strconv.FormatFloat(f.slider.Value, 'f', f.decimals, 64))
	f.showing = false
}

// typed moves the slider to a value typed, or says why it refuses it.
func (f *NumberField) typed(text string) {
	if f.showing {
		return
	}
	v, err := f.parse(text)
	if err != nil {
		f.message.SetText(fmt.Sprintf("%s: %v; it stays %s.", f.name, err, strconv.FormatFloat(f.slider.Value, 'f', f.decimals, 64)))
		f.message.Show()
		return
	}
	f.message.Hide()
	f.typing = true
	f.slider.SetValue(v)
	f.typing = false
}

// parse reads a value the slider can take.
func (f *NumberField) parse(text string) (float64, error) {
	t := strings.TrimSpace(text)
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", t)
	}
	if f.decimals == 0 && v != math.Trunc(v) {
		return 0, fmt.Errorf("%s is not a whole number", t)
	}
	lo, hi := f.slider.Min, f.slider.Max
	if v < lo || v > hi {
		return 0, fmt.Errorf("%s is outside %s to %s", t, strconv.FormatFloat(lo, 'f', f.decimals, 64), strconv.FormatFloat(hi, 'f', f.decimals, 64))
	}
	return v, nil
}
