package main

import (
	"fmt"
	"io"
	"sort"
)

// A command is one subcommand of tessera. Each lives in its own file and
// registers itself from init:
//
//	func init() {
//		register(command{
//			name:    "encode",
//			args:    "[flags] MODEL IMAGE",
//			summary: "encode an image to a token grid",
//			run:     runEncode,
//		})
//	}
//
// run parses its flags with newFlags and parseFlags, writes results to
// stdout and diagnostics to stderr, and returns usagef(...) for a bad
// command line or any other error when the work fails.
type command struct {
	name    string
	args    string // synopsis after the name, e.g. "[flags] MODEL IMAGE"
	summary string // one line, lower case, no full stop
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic(fmt.Sprintf("tessera: command %q registered twice", c.name))
	}
	commands[c.name] = c
}

// sortedCommands lists the commands by name, for help.
func sortedCommands() []command {
	list := make([]command, 0, len(commands))
	for _, c := range commands {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list
}
