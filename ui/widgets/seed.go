package widgets

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// maxSeedDrawn bounds the seeds drawn, so they are short to read and type.
const maxSeedDrawn = 1 << 31

// NewSeedText labels the seed field's random mode.
const NewSeedText = "New seed each time"

// SeedField chooses the seed of a run. In its "new seed each time" mode
// (A1111's -1, on at first) every run draws a fresh seed and the entry
// shows the one used; turning the mode off keeps that seed, so a result
// can be made again. Off, the typed seed is used and the dice draws one.
// UI goroutine only.
type SeedField struct {
	Entry  *widget.Entry
	Dice   *widget.Button
	Random *widget.Check
	box    fyne.CanvasObject
}

// NewSeedField makes a seed field, in random mode when random is set;
// onRandom, if set, is told when the user changes the mode.
func NewSeedField(random bool, onRandom func(bool)) *SeedField {
	s := &SeedField{Entry: widget.NewEntry()}
	s.Entry.SetPlaceHolder("drawn for each run")
	s.Dice = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() {
		s.Entry.SetText(strconv.FormatInt(rand.Int64N(maxSeedDrawn), 10))
	})
	s.Random = widget.NewCheck(NewSeedText, func(on bool) {
		s.showMode()
		if onRandom != nil {
			onRandom(on)
		}
	})
	s.Random.Checked = random
	s.showMode()
	s.box = container.NewVBox(container.NewBorder(nil, nil, nil, s.Dice, s.Entry), s.Random)
	return s
}

// Content is the entry, the dice and the mode.
func (s *SeedField) Content() fyne.CanvasObject { return s.box }

// showMode greys the entry and the dice while seeds are drawn, and gives
// the entry a seed to start from when they are no longer.
func (s *SeedField) showMode() {
	Enable(s.Entry, !s.Random.Checked)
	Enable(s.Dice, !s.Random.Checked)
	if !s.Random.Checked && strings.TrimSpace(s.Entry.Text) == "" {
		s.Entry.SetText("0")
	}
}

// Next is the seed for the next run: a fresh one in random mode, the
// typed one otherwise. Show the seed a run used with Used.
func (s *SeedField) Next() (int64, error) {
	if s.Random.Checked {
		return rand.Int64N(maxSeedDrawn), nil
	}
	seed, err := strconv.ParseInt(strings.TrimSpace(s.Entry.Text), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("the seed must be a whole number, not %q", s.Entry.Text)
	}
	return seed, nil
}

// Used shows seed as the one the last run used.
func (s *SeedField) Used(seed int64) { s.Entry.SetText(strconv.FormatInt(seed, 10)) }
