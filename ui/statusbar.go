package ui

import (
	"fmt"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// statusBar sits under the views: the model in use on the left, the compute
// device on the right.
type statusBar struct {
	model  *widget.Label
	device *widget.Label
	box    fyne.CanvasObject
}

func newStatusBar() *statusBar {
	model := widget.NewLabel("No model loaded")
	model.Truncation = fyne.TextTruncateEllipsis // long paths must not widen the window
	device := widget.NewLabel(cpuDevice(runtime.GOMAXPROCS(0)))
	return &statusBar{
		model:  model,
		device: device,
		box:    container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, device, model)),
	}
}

// cpuDevice names the CPU backend by the threads Go will run it on.
func cpuDevice(threads int) string {
	if threads == 1 {
		return "CPU · 1 thread"
	}
	return fmt.Sprintf("CPU · %d threads", threads)
}
