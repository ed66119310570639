package main

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// fakeCommand registers a command for one test and records its arguments.
func fakeCommand(t *testing.T, name string, err error) *[]string {
	t.Helper()
	var got []string
	saved, had := commands[name]
	commands[name] = command{name: name, args: "[ARG]", summary: "a fake", run: func(args []string, _, _ io.Writer) error {
		got = append([]string{}, args...)
		return err
	}}
	t.Cleanup(func() {
		delete(commands, name)
		if had {
			commands[name] = saved
		}
	})
	return &got
}

func runArgs(args ...string) (status int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	status = run(args, &out, &errOut)
	return status, out.String(), errOut.String()
}

func TestNoArgumentsOpensTheStudio(t *testing.T) {
	got := fakeCommand(t, "studio", nil)
	if status, _, _ := runArgs(); status != 0 || *got == nil {
		t.Fatalf("status %d, studio ran: %v", status, *got != nil)
	}
}

func TestLeadingFlagsGoToTheStudio(t *testing.T) {
	got := fakeCommand(t, "studio", nil)
	runArgs("--model", "m.ckpt")
	if strings.Join(*got, " ") != "--model m.ckpt" {
		t.Errorf("studio got %q", *got)
	}
}

func TestCommandGetsItsArguments(t *testing.T) {
	got := fakeCommand(t, "fake", nil)
	if status, _, _ := runArgs("fake", "-n", "3", "x.png"); status != 0 {
		t.Fatalf("status %d", status)
	}
	if strings.Join(*got, " ") != "-n 3 x.png" {
		t.Errorf("fake got %q", *got)
	}
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		stderr string
	}{
		{nil, 0, ""},
		{errors.New("model.ckpt: no such file"), 1, "tessera fake: model.ckpt: no such file\n"},
		{usagef("need an image"), 2, "tessera fake: need an image\nRun 'tessera help fake' for usage.\n"},
		{errFlagsReported, 2, ""},
	} {
		fakeCommand(t, "fake", tc.err)
		status, _, stderr := runArgs("fake")
		if status != tc.status || stderr != tc.stderr {
			t.Errorf("error %v: status %d, stderr %q; want %d, %q", tc.err, status, stderr, tc.status, tc.stderr)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	status, stdout, stderr := runArgs("frobnicate")
	if status != 2 || stdout != "" || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		status, stdout, _ := runArgs(args...)
		if status != 0 {
			t.Errorf("%v: status %d", args, status)
		}
		for name, c := range commands {
			if !strings.Contains(stdout, name) || !strings.Contains(stdout, c.summary) {
				t.Errorf("%v does not list %s: %q", args, name, stdout)
			}
		}
	}
}

func TestHelpForOneCommand(t *testing.T) {
	status, stdout, stderr := runArgs("help", "version")
	if status != 0 || stderr != "" || !strings.HasPrefix(stdout, "usage: tessera version") {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	if status, _, stderr := runArgs("help", "nope"); status != 2 || !strings.Contains(stderr, `unknown command "nope"`) {
		t.Errorf("help nope: status %d, stderr %q", status, stderr)
	}
}

func TestBadFlagIsAUsageError(t *testing.T) {
	status, stdout, stderr := runArgs("version", "-bogus")
	if status != 2 || stdout != "" || !strings.Contains(stderr, "flag provided but not defined: -bogus") || !strings.Contains(stderr, "usage: tessera version") {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

func TestVersion(t *testing.T) {
	status, stdout, _ := runArgs("version")
	if status != 0 || !strings.HasPrefix(stdout, "tessera 0.1.0 (go") {
		t.Errorf("status %d, stdout %q", status, stdout)
	}
	if status, _, _ := runArgs("version", "extra"); status != 2 {
		t.Errorf("version extra: status %d, want 2", status)
	}
}

func TestStudioWithoutADisplayFailsClearly(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("X11/Wayland check")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	status, _, stderr := runArgs("studio")
	if status != 1 || !strings.Contains(stderr, "no display") || !strings.Contains(stderr, "DISPLAY") {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
}
