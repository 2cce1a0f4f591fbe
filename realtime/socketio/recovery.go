// Connection state recovery: events for rooms are kept, each with an
// offset, for a while and within a memory budget; a socket that lost its
// connection is remembered by its private id; a client that comes back in
// time with that id and the offset of the last event it got is given its
// old id, its rooms, and every event it missed, in order, once.

package socketio

import (
	"encoding/base64"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"netlab/realtime/engineio"
)

// Recovery configures connection state recovery.
type Recovery struct {
	// MaxDisconnection is how long a disconnected socket's state and the
	// events for it are kept (2 minutes by default, as the reference
	// server's maxDisconnectionDuration).
	MaxDisconnection time.Duration
	// MaxBytes bounds the memory the kept events take (16 MiB by default).
	// When it is reached the oldest go first, and a client that missed one
	// of them can no longer be recovered: it connects as a new socket.
	MaxBytes int
}

// Defaults for Recovery.
const (
	DefaultMaxDisconnection = 2 * time.Minute
	DefaultRecoveryBytes    = 16 << 20
)

func (r Recovery) normalized() Recovery {
	if r.MaxDisconnection <= 0 {
		r.MaxDisconnection = DefaultMaxDisconnection
	}
	if r.MaxBytes <= 0 {
		r.MaxBytes = DefaultRecoveryBytes
	}
	return r
}

// storedPacket is one kept event: its sequence number, whom it was for,
// and its Engine.IO packets (shared with the live sends).
type storedPacket struct {
	seq           uint64
	at            time.Time
	rooms, except []string
	pkts          []engineio.Packet
	size          int
}

// storedSession is a disconnected socket waiting to be recovered.
type storedSession struct {
	sid, pid string
	rooms    []string // its own room included
	startSeq uint64
	at       time.Time
}

// recoveryLog is a namespace's kept events and sessions. Everything in it
// is guarded by the namespace's mu.
type recoveryLog struct {
	opts Recovery
	ns   *Namespace
	// prefix makes this log's offsets unlike any other string a client
	// might get as an event's last argument.
	prefix   string
	seq      uint64 // the last sequence number given
	base     uint64 // every event after base is kept
	packets  []storedPacket
	bytes    int
	sessions map[string]storedSession // by pid
	sweeper  *time.Timer
	stopped  bool
}

func newRecoveryLog(opts Recovery, ns *Namespace, rnd io.Reader) *recoveryLog {
	var raw [3]byte
	_, _ = io.ReadFull(rnd, raw[:])
	return &recoveryLog{opts: opts, ns: ns, prefix: base64.RawURLEncoding.EncodeToString(raw[:]), sessions: map[string]storedSession{}}
}

// nextOffset numbers the next kept event.
func (l *recoveryLog) nextOffset() (uint64, string) {
	l.seq++
	return l.seq, l.prefix + "-" + strconv.FormatUint(l.seq, 36)
}

// parseOffset is the sequence number of an offset from this log.
func (l *recoveryLog) parseOffset(offset string) (uint64, bool) {
	num, ok := strings.CutPrefix(offset, l.prefix+"-")
	if !ok {
		return 0, false
	}
	seq, err := strconv.ParseUint(num, 36, 64)
	return seq, err == nil
}

// append keeps an event, dropping the oldest past the memory budget.
func (l *recoveryLog) append(p storedPacket) {
	p.at = time.Now()
	p.size = packetBytes(p.pkts) + 16*(len(p.rooms)+len(p.except))
	l.packets = append(l.packets, p)
	l.bytes += p.size
	for l.bytes > l.opts.MaxBytes && len(l.packets) > 0 {
		l.dropOldest()
	}
	l.schedule()
}

func (l *recoveryLog) dropOldest() {
	l.bytes -= l.packets[0].size
	l.base = l.packets[0].seq
	l.packets[0] = storedPacket{}
	l.packets = l.packets[1:]
	if len(l.packets) == 0 {
		l.packets = nil // let the old array go
	}
}

// persist remembers a socket that lost its connection.
func (l *recoveryLog) persist(s storedSession) {
	s.at = time.Now()
	l.sessions[s.pid] = s
	l.schedule()
}

// restore takes the session pid and the events it missed after offset
// (after its start when offset is nil: a client that got no event yet
// sends none). It fails when the session is unknown or expired, or when
// an event it missed is no longer kept.
func (l *recoveryLog) restore(pid string, offset *string) (storedSession, [][]engineio.Packet, bool) {
	s, ok := l.sessions[pid]
	if !ok {
		return storedSession{}, nil, false
	}
	delete(l.sessions, pid)
	l.shrinkSessions()
	if time.Since(s.at) > l.opts.MaxDisconnection {
		return storedSession{}, nil, false
	}
	from := s.startSeq
	if offset != nil {
		if from, ok = l.parseOffset(*offset); !ok {
			return storedSession{}, nil, false
		}
	}
	if from < l.base || from > l.seq {
		return storedSession{}, nil, false
	}
	var missed [][]engineio.Packet
	for _, p := range l.packets[from-l.base:] {
		if p.includes(s.rooms) {
			missed = append(missed, p.pkts)
		}
	}
	return s, missed, true
}

// includes reports whether a socket in rooms was selected by the event.
func (p storedPacket) includes(rooms []string) bool {
	for _, r := range rooms {
		if slices.Contains(p.except, r) {
			return false
		}
	}
	if len(p.rooms) == 0 {
		return true
	}
	for _, r := range rooms {
		if slices.Contains(p.rooms, r) {
			return true
		}
	}
	return false
}

// schedule starts the sweeper if it is not running.
func (l *recoveryLog) schedule() {
	if l.sweeper == nil && !l.stopped {
		l.sweeper = time.AfterFunc(l.sweepEvery(), l.sweep)
	}
}

func (l *recoveryLog) sweepEvery() time.Duration {
	return max(l.opts.MaxDisconnection/4, 10*time.Millisecond)
}

// sweep forgets expired sessions and events, and runs again while there
// is anything left to forget.
func (l *recoveryLog) sweep() {
	l.ns.mu.Lock()
	defer l.ns.mu.Unlock()
	l.sweeper = nil
	if l.stopped {
		return
	}
	threshold := time.Now().Add(-l.opts.MaxDisconnection)
	for pid, s := range l.sessions {
		if s.at.Before(threshold) {
			delete(l.sessions, pid)
		}
	}
	l.shrinkSessions()
	for len(l.packets) > 0 && l.packets[0].at.Before(threshold) {
		l.dropOldest()
	}
	if len(l.sessions) > 0 || len(l.packets) > 0 {
		l.schedule()
	}
}

// stop ends the sweeping for good.
func (l *recoveryLog) stop() {
	l.stopped = true
	if l.sweeper != nil {
		l.sweeper.Stop()
		l.sweeper = nil
	}
}

// Kept reports how many events and sessions the namespace keeps for
// recovery, and the bytes the events take: a test checks that they go
// back to zero.
func (n *Namespace) Kept() (events, sessions, bytes int) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.recovery == nil {
		return 0, 0, 0
	}
	return len(n.recovery.packets), len(n.recovery.sessions), n.recovery.bytes
}

// shrinkSessions lets an emptied sessions map go: a Go map keeps the room
// it grew to, and after a reconnect storm that is thousands of entries.
func (l *recoveryLog) shrinkSessions() {
	if len(l.sessions) == 0 {
		l.sessions = map[string]storedSession{}
	}
}
