package packets

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// piece is one call to Add in a test: bytes msg[off:off+n], or the given
// data when set.
type piece struct {
	off, n int
	last   bool
	data   string
}

func (p piece) bytes(msg string) []byte {
	if p.data != "" {
		return []byte(p.data)
	}
	return []byte(msg[p.off : p.off+p.n])
}

func TestReassembler(t *testing.T) {
	const msg = "0123456789abcdefghij" // 20 bytes
	tests := []struct {
		name      string
		lim       ReassemblyLimits
		pieces    []piece
		holes     string // Holes() as printed
		complete  bool
		message   string // when complete
		errs      []error
		dup, conf int // total duplicate and conflicting bytes
	}{
		{
			name:   "nothing yet: one hole from 0 to infinity",
			holes:  "[0–∞]",
			pieces: nil,
		},
		{
			name:     "in order",
			pieces:   []piece{{0, 8, false, ""}, {8, 8, false, ""}, {16, 4, true, ""}},
			holes:    "[]",
			complete: true, message: msg,
		},
		{
			name:     "reversed",
			pieces:   []piece{{16, 4, true, ""}, {8, 8, false, ""}, {0, 8, false, ""}},
			holes:    "[]",
			complete: true, message: msg,
		},
		{
			name:   "a gap in the middle",
			pieces: []piece{{0, 5, false, ""}, {10, 10, true, ""}},
			holes:  "[5–9]",
		},
		{
			name:   "the end not seen yet",
			pieces: []piece{{5, 5, false, ""}},
			holes:  "[0–4 10–∞]",
		},
		{
			name:     "duplicates are counted, not stored twice",
			pieces:   []piece{{0, 10, false, ""}, {0, 10, false, ""}, {10, 10, true, ""}, {10, 10, true, ""}},
			holes:    "[]",
			complete: true, message: msg, dup: 20,
		},
		{
			name:     "overlaps fill only the holes",
			pieces:   []piece{{4, 4, false, ""}, {12, 4, false, ""}, {0, 20, true, ""}},
			holes:    "[]",
			complete: true, message: msg, dup: 8,
		},
		{
			name: "a conflicting overlap: the first copy wins",
			pieces: []piece{{0, 10, false, ""}, {5, 10, false, "XXXXXabcde"},
				{15, 5, true, ""}},
			holes:    "[]",
			complete: true, message: msg, conf: 5,
		},
		{
			name:     "the last piece after its bytes arrived unmarked",
			pieces:   []piece{{0, 20, false, ""}, {15, 5, true, ""}},
			holes:    "[]",
			complete: true, message: msg, dup: 5,
		},
		{
			name:     "an empty last piece marks the end",
			pieces:   []piece{{0, 20, false, ""}, {20, 0, true, ""}},
			holes:    "[]",
			complete: true, message: msg,
		},
		{
			name:   "an empty piece changes nothing",
			pieces: []piece{{0, 5, false, ""}, {10, 0, false, ""}},
			holes:  "[5–∞]",
		},
		{
			name:   "past the end",
			pieces: []piece{{10, 10, true, ""}, {15, 6, false, "abcdef"}},
			holes:  "[0–9]",
			errs:   []error{nil, ErrPastEnd},
		},
		{
			name:   "a second, different end",
			pieces: []piece{{10, 10, true, ""}, {0, 5, true, ""}},
			holes:  "[0–9]",
			errs:   []error{nil, ErrEndMismatch},
		},
		{
			name:   "an end before bytes already received",
			pieces: []piece{{10, 10, false, ""}, {0, 5, true, ""}},
			holes:  "[0–9 20–∞]",
			errs:   []error{nil, ErrEndMismatch},
		},
		{
			name:   "over the buffer limit: the piece is refused whole",
			lim:    ReassemblyLimits{MaxBuffered: 12},
			pieces: []piece{{0, 10, false, ""}, {10, 10, true, ""}, {10, 2, false, ""}},
			holes:  "[12–∞]",
			errs:   []error{nil, ErrBufferLimit, nil},
		},
		{
			name:   "duplicates cost nothing against the limit",
			lim:    ReassemblyLimits{MaxBuffered: 10},
			pieces: []piece{{0, 10, false, ""}, {0, 10, false, ""}},
			holes:  "[10–∞]",
			dup:    10,
		},
		{
			name:   "negative offset",
			pieces: []piece{{-1, 0, false, "x"}},
			holes:  "[0–∞]",
			errs:   []error{ErrPieceOffset},
		},
		{
			name:   "past the largest message",
			lim:    ReassemblyLimits{MaxMessage: 16},
			pieces: []piece{{10, 10, true, ""}},
			holes:  "[0–∞]",
			errs:   []error{ErrPieceOffset},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReassembler(tt.lim)
			for i, p := range tt.pieces {
				var want error
				if i < len(tt.errs) {
					want = tt.errs[i]
				}
				if _, err := r.Add(0, int64(p.off), p.bytes(msg), p.last); !errors.Is(err, want) {
					t.Fatalf("piece %d: Add error = %v, want %v", i, err, want)
				}
			}
			if got := fmt.Sprint(r.Holes()); got != tt.holes {
				t.Errorf("Holes() = %s, want %s", got, tt.holes)
			}
			if r.Complete() != tt.complete {
				t.Errorf("Complete() = %v, want %v", r.Complete(), tt.complete)
			}
			got, err := r.Message()
			if tt.complete && (err != nil || string(got) != tt.message) {
				t.Errorf("Message() = %q, %v; want %q", got, err, tt.message)
			}
			if !tt.complete && !errors.Is(err, ErrIncomplete) {
				t.Errorf("Message() error = %v, want ErrIncomplete", err)
			}
			st := r.Stats()
			if st.DuplicateBytes != tt.dup || st.ConflictBytes != tt.conf {
				t.Errorf("duplicate, conflicting bytes = %d, %d; want %d, %d", st.DuplicateBytes, st.ConflictBytes, tt.dup, tt.conf)
			}
			if max := tt.lim.MaxBuffered; max > 0 && r.Buffered() > max {
				t.Errorf("Buffered() = %d, over the limit %d", r.Buffered(), max)
			}
		})
	}
}

func TestReassemblerPlacement(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{})
	if _, err := r.Add(0, 0, []byte("abcd"), false); err != nil {
		t.Fatal(err)
	}
	got, err := r.Add(0, 2, []byte("cXef"), false)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Placement{New: 2, Duplicate: 1, Conflict: 1}); got != want {
		t.Errorf("Placement = %+v, want %+v", got, want)
	}
	if r.Contiguous() != 6 || r.Buffered() != 6 {
		t.Errorf("Contiguous, Buffered = %d, %d; want 6, 6", r.Contiguous(), r.Buffered())
	}
	if st := r.Stats(); st.ConflictPieces != 1 || st.Pieces != 2 || st.NewBytes != 6 {
		t.Errorf("Stats = %+v", st)
	}
}

// TestReassemblerKeepsItsOwnCopy: the caller may reuse its buffer.
func TestReassemblerKeepsItsOwnCopy(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{})
	buf := []byte("abc")
	if _, err := r.Add(0, 0, buf, true); err != nil {
		t.Fatal(err)
	}
	copy(buf, "xyz")
	if got, _ := r.Message(); string(got) != "abc" {
		t.Errorf("Message() = %q after the caller reused its buffer, want \"abc\"", got)
	}
}

func TestReassemblerTimeout(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{Timeout: 2 * time.Second})
	if _, ok := r.Deadline(); ok {
		t.Error("a deadline before any piece arrived")
	}
	if _, err := r.Add(time.Second, 0, []byte("abcd"), false); err != nil {
		t.Fatal(err)
	}
	if d, ok := r.Deadline(); !ok || d != 3*time.Second {
		t.Errorf("Deadline() = %v, %v; want 3s (from the first piece)", d, ok)
	}
	if _, err := r.Add(2*time.Second, 8, []byte("ijkl"), true); err != nil {
		t.Fatal(err)
	}
	if r.Expire(3*time.Second - 1) {
		t.Fatal("gave up before the deadline")
	}
	if !r.Expire(3 * time.Second) {
		t.Fatal("did not give up at the deadline")
	}
	if r.Buffered() != 0 {
		t.Errorf("Buffered() = %d after giving up, want 0: the memory is released", r.Buffered())
	}
	if got := fmt.Sprint(r.Holes()); got != "[4–7]" {
		t.Errorf("Holes() = %s after giving up, want the holes it had: [4–7]", got)
	}
	if _, err := r.Add(3*time.Second, 4, []byte("efgh"), false); !errors.Is(err, ErrReassemblyGaveUp) {
		t.Errorf("Add after giving up = %v, want ErrReassemblyGaveUp", err)
	}
	if _, err := r.Message(); !errors.Is(err, ErrReassemblyGaveUp) {
		t.Errorf("Message() after giving up = %v, want ErrReassemblyGaveUp", err)
	}
	if !r.GaveUp() || r.Complete() {
		t.Errorf("GaveUp, Complete = %v, %v; want true, false", r.GaveUp(), r.Complete())
	}
}

// TestReassemblerTimeoutInAdd: a piece arriving after the deadline finds
// the message given up.
func TestReassemblerTimeoutInAdd(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{Timeout: time.Second})
	_, _ = r.Add(0, 0, []byte("ab"), false)
	if _, err := r.Add(time.Second, 2, []byte("cd"), true); !errors.Is(err, ErrReassemblyGaveUp) {
		t.Errorf("Add at the deadline = %v, want ErrReassemblyGaveUp", err)
	}
}

// TestCompleteMessageDoesNotExpire: once whole, the message stays.
func TestCompleteMessageDoesNotExpire(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{Timeout: time.Second})
	_, _ = r.Add(0, 0, []byte("ab"), true)
	if r.Expire(time.Hour) {
		t.Error("a complete message was given up")
	}
	if got, err := r.Message(); err != nil || string(got) != "ab" {
		t.Errorf("Message() = %q, %v", got, err)
	}
}

func TestHoleString(t *testing.T) {
	hs := []Hole{{0, 9}, {40, Infinity}}
	if got := fmt.Sprint(hs); got != "[0–9 40–∞]" {
		t.Errorf("holes print as %s", got)
	}
	if hs[0].Len() != 10 || hs[1].Len() != Infinity {
		t.Errorf("Len() = %d, %d", hs[0].Len(), hs[1].Len())
	}
}

// TestHolesIsACopy: changing the returned slice changes nothing inside.
func TestHolesIsACopy(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{})
	h := r.Holes()
	h[0].First = 99
	if !slices.Equal(r.Holes(), []Hole{{0, Infinity}}) {
		t.Errorf("Holes() = %v after changing a copy", r.Holes())
	}
}

func TestReassemblerPartial(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{})
	if got := r.Partial('.'); len(got) != 0 {
		t.Errorf("Partial() of nothing = %q", got)
	}
	_, _ = r.Add(0, 2, []byte("cd"), false)
	_, _ = r.Add(0, 6, []byte("g"), false)
	if got := string(r.Partial('.')); got != "..cd..g" {
		t.Errorf("Partial() = %q, want \"..cd..g\"", got)
	}
	_, _ = r.Add(0, 9, []byte("j"), true)
	if got := string(r.Partial('.')); got != "..cd..g..j" {
		t.Errorf("Partial() = %q, want \"..cd..g..j\"", got)
	}
}
