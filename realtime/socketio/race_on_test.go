//go:build race

package socketio_test

// raceDetector says whether the race detector is on: it makes every
// goroutine and allocation bigger, so memory bounds are checked without it.
const raceDetector = true
