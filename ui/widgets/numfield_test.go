package widgets

import (
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tessera/ui/view"
)

func TestNumberFieldAndSliderAgree(t *testing.T) {
	view.Sync(func() {
		test.NewTempApp(t)
		s := widget.NewSlider(0, 1024)
		var got []float64
		s.OnChanged = func(v float64) { got = append(got, v) }
		f := NewNumberField("Top-k", s, 0)
		w := test.NewWindow(f.Row(widget.NewLabel("Top-k")))
		t.Cleanup(w.Close)

		s.SetValue(100)
		if f.Entry().Text != "100" {
			t.Errorf("the slider at 100 shows %q", f.Entry().Text)
		}
		f.Entry().SetText("")
		test.Type(f.Entry(), "731")
		if s.Value != 731 || f.Entry().Text != "731" || got[len(got)-1] != 731 {
			t.Errorf("typing 731 moved the slider to %v (entry %q, told %v)", s.Value, f.Entry().Text, got)
		}
		if f.Message().Visible() {
			t.Errorf("a good value shows %q", f.Message().Text)
		}

		p := widget.NewSlider(0.05, 1)
		p.Step = 0.01
		fp := NewNumberField("Top-p", p, 2)
		p.SetValue(0.9)
		if fp.Entry().Text != "0.90" {
			t.Errorf("top-p 0.9 shows %q", fp.Entry().Text)
		}
		fp.Entry().SetText("0.35")
		if math.Abs(p.Value-0.35) > 1e-9 { // the slider snaps to its step in floating point

			t.Errorf("typing 0.35 moved top-p to %v", p.Value)
		}
	})
}

func TestNumberFieldRefusesBadValues(t *testing.T) {
	view.Sync(func() {
		test.NewTempApp(t)
		s := widget.NewSlider(0, 1024)
		s.SetValue(100)
		calls := 0
		s.OnChanged = func(float64) { calls++ }
		f := NewNumberField("Top-k", s, 0)
		w := test.NewWindow(f.Row(widget.NewLabel("Top-k")))
		t.Cleanup(w.Close)

		for text, why := range map[string]string{
			"abc":  `"abc" is not a number`,
			"2000": "2000 is outside 0 to 1024",
			"-1":   "-1 is outside 0 to 1024",
			"12.5": "12.5 is not a whole number",
			"NaN":  `"NaN" is not a number`,
		} {
			f.Entry().SetText(text)
			if s.Value != 100 || calls != 0 {
				t.Errorf("%q moved the slider to %v", text, s.Value)
			}
			if msg := f.Message().Text; !f.Message().Visible() || !strings.Contains(msg, why) || !strings.Contains(msg, "stays 100") {
				t.Errorf("%q shows %q, want it to say %q and that top-k stays 100", text, msg, why)
			}
		}
		// Enter puts the last good value back in the entry.
		f.Entry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if f.Entry().Text != "100" {
			t.Errorf("after Enter the entry shows %q, want the kept 100", f.Entry().Text)
		}
		// A good value clears the message.
		f.Entry().SetText("64")
		if s.Value != 64 || f.Message().Visible() {
			t.Errorf("64 gave the slider %v, message shown %v", s.Value, f.Message().Visible())
		}
	})
}
