// The command-line application: commands, exit codes, and argument order.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// Exit codes: 0 ok, 1 the command failed, 2 the command line was wrong.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	programName = "netlab"
)

// streams are the process's standard streams; tests pass buffers.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// usageError marks an error in the command line itself (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// run runs netlab with args (args[0] is the program name) and returns the
// exit status.
func run(ctx context.Context, args []string, std streams, getenv func(string) string) int {
	app := newApp(std, getenv)
	err := app.RunContext(ctx, reorderArgs(app, args))
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(std.err, "%s: %s\n", programName, ue.msg)
		return exitUsage
	default:
		fmt.Fprintf(std.err, "%s: %s\n", programName, err)
		return exitFailed
	}
}

func newApp(std streams, getenv func(string) string) *cli.App {
	app := &cli.App{
		Name:  programName,
		Usage: "learn how networks really work: real sockets on loopback, every byte explained by its OSI layer",
		UsageText: "netlab lessons                 list the lessons\n" +
			"netlab run sockets             run one (add --step to pause before each step, --json for programs)\n" +
			"netlab osi                     the OSI model, and where netlab shows each layer",
		Reader:         std.in,
		Writer:         std.out,
		ErrWriter:      std.err,
		HideVersion:    true,
		ExitErrHandler: func(*cli.Context, error) {}, // run decides the exit status, not urfave/cli
		OnUsageError:   onUsageError,
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usagef("unknown command %q; the commands are: %s", c.Args().First(), commandNames(c.App))
			}
			return cli.ShowAppHelp(c)
		},
		Commands: []*cli.Command{
			lessonsCommand(),
			runCommand(getenv),
			osiCommand(),
			wsCommand(getenv),
			pcapCommand(),
			compareCommand(getenv),
			serveSocketIOCommand(getenv),
			feedServerCmd(),
		},
	}
	for _, cmd := range app.Commands {
		setUsageHandlers(cmd)
	}
	return app
}

// setUsageHandlers gives every command and subcommand the usage-error
// handler: urfave/cli does not inherit it.
func setUsageHandlers(cmd *cli.Command) {
	cmd.OnUsageError = onUsageError
	for _, sub := range cmd.Subcommands {
		setUsageHandlers(sub)
	}
}

func onUsageError(_ *cli.Context, err error, _ bool) error {
	return &usageError{msg: err.Error()}
}

func commandNames(app *cli.App) string {
	var names []string
	for _, c := range app.VisibleCommands() {
		if c.Name != "help" {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ", ")
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// colorWanted: colour only on a terminal, and never when NO_COLOR is set to
// anything non-empty (https://no-color.org).
func colorWanted(w io.Writer, getenv func(string) string) bool {
	return colorFor(isTerminal(w), getenv)
}

func colorFor(terminal bool, getenv func(string) string) bool {
	return terminal && getenv("NO_COLOR") == ""
}
