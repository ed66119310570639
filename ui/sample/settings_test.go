package sample

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"tessera/ui/internal/uitest"
	"tessera/ui/view"
)

// The number entries beside the sliders set what is sampled, follow the
// sliders, and refuse what the sliders cannot take.
func TestSamplerEntriesAndSlidersAgree(t *testing.T) {
	_, s, _, w := newSampler(t, "cin_transformer")
	view.Sync(func() {
		st := s.settings
		vocab := int(st.topK.Max)
		half := strconv.Itoa(vocab / 2)
		st.topKNum.Entry().SetText(half)
		st.tempNum.Entry().SetText("1.25")
		st.topPNum.Entry().SetText("0.8")
		opt, err := st.options()
		if err != nil {
			t.Fatal(err)
		}
		if opt.Filter.TopK != vocab/2 || opt.Filter.Temperature != 1.25 || opt.Filter.TopP != 0.8 {
			t.Errorf("typed top-k %s, temperature 1.25, top-p 0.8: sampling with %+v", half, opt.Filter)
		}
		if got := fyne.CurrentApp().Preferences().Int(prefTopK); got != vocab/2 {
			t.Errorf("the typed top-k saved %d", got)
		}
		if !strings.Contains(st.topKText.Text, half) {
			t.Errorf("the top-k label shows %q", st.topKText.Text)
		}
		st.count.SetValue(3)
		if st.countNum.Entry().Text != "3" {
			t.Errorf("the count slider at 3 shows %q", st.countNum.Entry().Text)
		}

		// More than the codebook, or not a number: refused, top-k kept.
		st.topKNum.Entry().SetText(strconv.Itoa(vocab + 1))
		st.tempNum.Entry().SetText("hot")
		opt, _ = st.options()
		if opt.Filter.TopK != vocab/2 || opt.Filter.Temperature != 1.25 {
			t.Errorf("bad entries changed the filter to %+v", opt.Filter)
		}
	})
	if !uitest.ShowsText(w, `Temperature: "hot" is not a number; it stays 1.25.`) {
		t.Error("the refused temperature is not explained")
	}
	if !uitest.ShowsText(w, "is outside 0 to") {
		t.Error("the refused top-k is not explained")
	}
}
