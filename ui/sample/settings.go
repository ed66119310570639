package sample

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tessera/engine/sample"
	"tessera/ui/widgets"
)

// Preference keys and defaults of the sampler's settings.
const (
	prefTopK        = "sampler.topK"
	prefTopP        = "sampler.topP"
	prefTemperature = "sampler.temperature"
	prefCount       = "sampler.count"
	prefRandomSeed  = "sampler.randomSeed"

	defaultTopK = 100
	maxCount    = 8
)

// samplerSettings are the sampling controls: filters, seed and count. The
// filters, the count and the seed's mode persist in the app's preferences.
type samplerSettings struct {
	topK, topP, temp, count      *widget.Slider
	topKText, topPText, tempText *widget.Label
	countText                    *widget.Label
	// The number entries beside the sliders.
	topKNum, topPNum, tempNum, countNum *widgets.NumberField
	seed                                *widgets.SeedField
	form                                fyne.CanvasObject
}

func newSamplerSettings() *samplerSettings {
	p := fyne.CurrentApp().Preferences()
	s := &samplerSettings{
		topK:      widget.NewSlider(0, defaultTopK),
		topP:      widget.NewSlider(0.05, 1),
		temp:      widget.NewSlider(0.1, 2),
		count:     widget.NewSlider(1, maxCount),
		topKText:  widget.NewLabel(""),
		topPText:  widget.NewLabel(""),
		tempText:  widget.NewLabel(""),
		countText: widget.NewLabel(""),
		seed:      widgets.NewSeedField(p.BoolWithFallback(prefRandomSeed, true), func(on bool) { p.SetBool(prefRandomSeed, on) }),
	}
	s.topP.Step, s.temp.Step = 0.01, 0.05
	s.topK.Value = float64(p.IntWithFallback(prefTopK, defaultTopK))
	s.topP.Value = p.FloatWithFallback(prefTopP, 1)
	s.temp.Value = p.FloatWithFallback(prefTemperature, 1)
	s.count.Value = float64(p.IntWithFallback(prefCount, 1))
	s.showValues()
	// The sliders save what the user sets; setVocab changes a slider's
	// value without calling OnChanged, so a small model does not overwrite
	// the preference.
	s.topK.OnChanged = func(f float64) { p.SetInt(prefTopK, int(f)); s.showValues() }
	s.topP.OnChanged = func(f float64) { p.SetFloat(prefTopP, f); s.showValues() }
	s.temp.OnChanged = func(f float64) { p.SetFloat(prefTemperature, f); s.showValues() }
	s.count.OnChanged = func(f float64) { p.SetInt(prefCount, int(f)); s.showValues() }

	s.topKNum = widgets.NewNumberField("Top-k", s.topK, 0)
	s.topPNum = widgets.NewNumberField("Top-p", s.topP, 2)
	s.tempNum = widgets.NewNumberField("Temperature", s.temp, 2)
	s.countNum = widgets.NewNumberField("Count", s.count, 0)

	label := func(l *widget.Label) fyne.CanvasObject {
		return container.NewStack(widgets.AtLeast(fyne.NewSize(150, 0)), l)
	}
	s.form = container.NewVBox(
		s.topKNum.Row(label(s.topKText)),
		s.topPNum.Row(label(s.topPText)),
		s.tempNum.Row(label(s.tempText)),
		container.NewBorder(nil, nil, label(widget.NewLabel("Seed")), nil, s.seed.Content()),
		s.countNum.Row(label(s.countText)),
	)
	return s
}

// setVocab bounds top-k by the model's codebook; the preference stays.
func (s *samplerSettings) setVocab(vocab int) {
	s.topK.Max = float64(vocab)
	s.topK.Value = min(float64(fyne.CurrentApp().Preferences().IntWithFallback(prefTopK, defaultTopK)), s.topK.Max)
	s.topK.Refresh()
	s.topKNum.Show()
	s.showValues()
}

func (s *samplerSettings) showValues() {
	k := int(s.topK.Value)
	if k == 0 || k >= int(s.topK.Max) {
		s.topKText.SetText("Top-k: all")
	} else {
		s.topKText.SetText(fmt.Sprintf("Top-k: %d", k))
	}
	if s.topP.Value >= 1 {
		s.topPText.SetText("Top-p: off")
	} else {
		s.topPText.SetText(fmt.Sprintf("Top-p: %.2f", s.topP.Value))
	}
	s.tempText.SetText(fmt.Sprintf("Temperature: %.2f", s.temp.Value))
	s.countText.SetText(fmt.Sprintf("Count: %d", int(s.count.Value)))
}

// hundredths rounds away the float noise of a slider's steps.
func hundredths(f float64) float64 { return math.Round(f*100) / 100 }

// options are the settings as sampler options; in the seed's random mode
// each call draws another seed.
func (s *samplerSettings) options() (sample.Options, error) {
	seed, err := s.seed.Next()
	if err != nil {
		return sample.Options{}, err
	}
	return sample.Options{
		Filter: sample.Filter{TopK: int(s.topK.Value), TopP: hundredths(s.topP.Value), Temperature: hundredths(s.temp.Value)},
		Seed:   seed,
		Count:  int(s.count.Value),
	}, nil
}
