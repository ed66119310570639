package app

import (
	"runtime"
	"testing"
)

func TestCheckDisplay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("X11/Wayland check")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if err := checkDisplay(); err != errNoDisplay {
		t.Errorf("no display: %v", err)
	}
	t.Setenv("WAYLAND_DISPLAY", "wayland-0")
	if err := checkDisplay(); err != nil {
		t.Errorf("Wayland: %v", err)
	}
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", ":0")
	if err := checkDisplay(); err != nil {
		t.Errorf("X11: %v", err)
	}
}
