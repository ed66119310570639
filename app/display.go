package app

import (
	"errors"
	"os"
	"runtime"
)

// errNoDisplay is returned instead of the windowing library's panic when the
// studio is started without a graphical session (over ssh, in a container).
var errNoDisplay = errors.New("no display to open the studio on: neither DISPLAY nor WAYLAND_DISPLAY is set " +
	"(the headless commands need none; see tessera help)")

// checkDisplay reports errNoDisplay on systems whose windows come from X11
// or Wayland when the environment names neither.
func checkDisplay() error {
	switch runtime.GOOS {
	case "windows", "darwin", "android", "ios", "js":
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errNoDisplay
	}
	return nil
}
