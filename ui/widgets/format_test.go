package widgets

import (
	"testing"
	"time"
)

func TestTook(t *testing.T) {
	if got := Took(1234 * time.Millisecond); got != "1.2 s" {
		t.Errorf("Took(1.234 s) = %q", got)
	}
	if got := Took(20 * time.Millisecond); got != "under 0.1 s" {
		t.Errorf("Took(20 ms) = %q", got)
	}
	if got := Took(75 * time.Second); got != "1:15" {
		t.Errorf("Took(75 s) = %q", got)
	}
}

func TestClock(t *testing.T) {
	for d, want := range map[int]string{0: "0:00", 59: "0:59", 61: "1:01", 3600 + 62: "1:01:02"} {
		if got := Clock(time.Duration(d) * time.Second); got != want {
			t.Errorf("Clock(%ds) = %q, want %q", d, got, want)
		}
	}
}

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		40 * time.Microsecond:   "40 µs",
		800 * time.Microsecond:  "0.8 ms",
		54 * time.Millisecond:   "54 ms",
		1234 * time.Millisecond: "1.2 s",
		38 * time.Second:        "38 s",
		75 * time.Second:        "1:15",
	} {
		if got := Span(d); got != want {
			t.Errorf("Span(%v) = %q, want %q", d, got, want)
		}
	}
}
