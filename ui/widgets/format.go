package widgets

import (
	"fmt"
	"time"
)

// Span writes a duration for people: "40 µs", "0.8 ms", "54 ms", "1.2 s",
// "38 s", then clock time.
func Span(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d < 100*time.Microsecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", ms)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", ms)
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	return Clock(d)
}

// Clock writes a duration as m:ss, or h:mm:ss past an hour.
func Clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Took writes how long a finished job ran: tenths of a second for short
// ones (most jobs take under a second), m:ss for the others.
func Took(d time.Duration) string {
	if d < 100*time.Millisecond {
		return "under 0.1 s"
	}
	return Span(d)
}
