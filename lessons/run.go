// Running a lesson: set up the trace, run, clean up, check it answered.

package lessons

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"netlab/tcpsock"
	"netlab/trace"
)

// RunOptions say how a lesson runs and who watches it.
type RunOptions struct {
	Sinks []trace.Sink // renderers; they see every event in order
	Pacer Pacer        // nil: no pauses
	Clock trace.Clock  // nil: the monotonic clock
	Host  string       // "127.0.0.1" (default) or "::1"
	Port  int          // the main server's port; 0: the kernel picks
	Seed  uint64       // seeds the lesson's random bytes; 0: a random seed
	Start time.Time    // the wall-clock time the trace begins at; zero: now
}

// ErrNoAnswer is returned when a lesson ends without answering its question.
var ErrNoAnswer = errors.New("lessons: the lesson ended without answering its question")

// Run runs one lesson to its end. Every socket it opened is closed before
// Run returns, whether it succeeded or not.
func Run(ctx context.Context, l Lesson, opts RunOptions) error {
	host := opts.Host
	if host == "" {
		host = "127.0.0.1"
	}
	start := opts.Start
	if start.IsZero() {
		start = time.Now()
	}
	seed := opts.Seed
	for seed == 0 {
		seed = rand.Uint64()
	}
	var seedBytes [32]byte
	binary.LittleEndian.PutUint64(seedBytes[:], seed)
	env := &Env{
		rec:    trace.NewRecorder(trace.Options{Clock: opts.Clock, Sinks: opts.Sinks, Keep: true}),
		rand:   rand.NewChaCha8(seedBytes),
		pacer:  opts.Pacer,
		host:   host,
		port:   opts.Port,
		lesson: l,
	}
	if err := tcpsock.CheckLoopback(env.ServerAddr()); err != nil {
		return &SetupError{Op: "listen", Addr: env.ServerAddr(), Err: err}
	}
	env.rec.Record(trace.Event{Kind: trace.KindLesson, Lesson: l.Name, Title: l.Title,
		Question: l.Question, Layers: l.Layers, Seed: seed, Start: start})
	err := l.Run(ctx, env)
	env.cleanup()
	if err != nil {
		return fmt.Errorf("lesson %s: %w", l.Name, err)
	}
	if env.answer == "" {
		return fmt.Errorf("lesson %s: %w", l.Name, ErrNoAnswer)
	}
	env.rec.Record(trace.Event{Kind: trace.KindAnswer, Lesson: l.Name, Question: l.Question, Answer: env.answer})
	return nil
}

// cleanup runs the deferred functions, last first.
func (e *Env) cleanup() {
	e.mu.Lock()
	fs := e.cleanups
	e.cleanups = nil
	e.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
	e.workers.Wait()
}
