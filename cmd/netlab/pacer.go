// --step: wait for Enter before each step.

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
)

// enterPacer waits for a line on its input before each step. It prompts on
// the error stream, so that --json output stays pure. When the input ends
// (a pipe with fewer Enters than steps), it stops pausing.
type enterPacer struct {
	prompt io.Writer
	echo   bool // the input is not a terminal, so end the prompt's line ourselves
	lines  chan struct{}
	done   chan struct{}
}

func newEnterPacer(in io.Reader, prompt io.Writer) *enterPacer {
	p := &enterPacer{prompt: prompt, echo: !isTerminal(in), lines: make(chan struct{}), done: make(chan struct{})}
	go func() {
		// This goroutine may outlive the lesson while it blocks on a
		// terminal; it ends at the next line or when the input closes.
		defer close(p.lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case p.lines <- struct{}{}:
			case <-p.done:
				return
			}
		}
	}()
	return p
}

// Wait implements lessons.Pacer.
func (p *enterPacer) Wait(ctx context.Context, step int, title string) error {
	fmt.Fprintf(p.prompt, "⏎  press Enter for step %d: %s ", step, title)
	select {
	case _, ok := <-p.lines:
		switch {
		case !ok:
			fmt.Fprintln(p.prompt, "(input ended: no more pauses)")
		case p.echo:
			fmt.Fprintln(p.prompt)
		}
		return nil
	case <-ctx.Done():
		fmt.Fprintln(p.prompt)
		return ctx.Err()
	}
}

func (p *enterPacer) stop() { close(p.done) }
