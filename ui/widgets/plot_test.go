package widgets

import (
	"image/color"
	"math"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"tessera/ui/view"
)

// lossCurves are two falling curves on the left axis and one rising on the
// right, at steps 1..n.
func lossCurves(n int) []Series {
	s := []Series{
		{Name: "total", Colour: color.NRGBA{R: 230, G: 120, B: 30, A: 255}},
		{Name: "rec", Colour: color.NRGBA{R: 40, G: 150, B: 230, A: 255}},
		{Name: "d_weight", Colour: color.NRGBA{R: 160, G: 90, B: 220, A: 255}, Right: true},
	}
	for i := 1; i <= n; i++ {
		x := float64(i)
		for k := range s {
			s[k].X = append(s[k].X, x)
		}
		s[0].Y = append(s[0].Y, 2/math.Sqrt(x)+0.1*math.Sin(x))
		s[1].Y = append(s[1].Y, 1/math.Sqrt(x)+0.05*math.Cos(2*x))
		s[2].Y = append(s[2].Y, 10*x)
	}
	return s
}

func TestPlotGolden(t *testing.T) {
	view.Sync(func() { plotGolden(t) }) // see TestGridOverlayGolden
}

func plotGolden(t *testing.T) {
	test.NewTempApp(t)
	p := NewPlot("No steps yet")
	w := test.NewWindow(container.NewStack(p))
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(420, 240))
	test.AssertImageMatches(t, "plot_empty.png", w.Canvas().Capture())

	p.SetSeries(lossCurves(60))
	test.AssertImageMatches(t, "plot_curves.png", w.Canvas().Capture())

	p.SetSmoothing(0.8)
	p.SetLogScale(true)
	test.MoveMouse(w.Canvas(), fyne.NewPos(200, 120))
	test.AssertImageMatches(t, "plot_smoothed_log_hover.png", w.Canvas().Capture())
}

func TestPlotReadOut(t *testing.T) {
	view.Sync(func() { plotReadOut(t) })
}

func plotReadOut(t *testing.T) {
	test.NewTempApp(t)
	p := NewPlot("")
	w := test.NewWindow(container.NewStack(p))
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(400, 240))
	p.SetSeries(lossCurves(10))
	f := p.frame
	// The pointer near step 4's column reads step 4's values.
	test.MoveMouse(w.Canvas(), fyne.NewPos(f.sx(4.2), 100))
	want := []string{"step 4", "total " + Number(2/math.Sqrt(4)+0.1*math.Sin(4)), "rec " + Number(1/math.Sqrt(4)+0.05*math.Cos(8)), "d_weight 40"}
	if got := p.ReadOut(); !slices.Equal(got, want) {
		t.Errorf("read-out %q, want %q", got, want)
	}
	p.SetSmoothing(0.5)
	if got := p.ReadOut(); len(got) != 4 || got[3] != "d_weight 40 (smoothed "+Number(smoothed(p.series[2].Y, 0.5)[3])+")" {
		t.Errorf("smoothed read-out %q", got)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 100)) // left of the curves
	if got := p.ReadOut(); got != nil {
		t.Errorf("read-out off the curves: %q", got)
	}
}

func TestSmoothedIsDebiased(t *testing.T) {
	got := smoothed([]float64{4, 4, 4, 0}, 0.5)
	// The first values are the values themselves, not pulled towards 0.
	if got[0] != 4 || got[1] != 4 || got[2] != 4 || math.Abs(got[3]-4*7.0/15) > 1e-12 {
		t.Errorf("smoothed %v", got)
	}
	if s := smoothed([]float64{1, 2}, 0); s[1] != 2 {
		t.Errorf("no smoothing changed the values: %v", s)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 1, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{-0.3, 9.7, 5, []float64{0, 2, 4, 6, 8}},
		{1, 1000, 4, []float64{500, 1000}},
	} {
		got := niceTicks(c.lo, c.hi, c.n)
		if len(got) != len(c.want) {
			t.Errorf("niceTicks(%v, %v, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9 {
				t.Errorf("niceTicks(%v, %v, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
				break
			}
		}
	}
	// A log axis over three decades ticks at the powers of ten.
	a := newAxis(math.Log10(0.002), math.Log10(3), true, Number)
	if !slices.Equal(a.ticks, []float64{0.01, 0.1, 1}) {
		t.Errorf("log ticks %v", a.ticks)
	}
}
