// Broadcasts: one event to many sockets, chosen by rooms. The event is
// encoded once and the same bytes are queued for every client.

package socketio

import (
	"context"
	"errors"
	"slices"
	"sync"

	"netlab/realtime/engineio"
)

// A Broadcast selects sockets of a namespace: those in any of its rooms
// (every socket when it names none), minus those in any excepted room.
// Each selected socket gets the event once, however many of the rooms it
// is in. A Broadcast is a value: To and Except return a new one.
type Broadcast struct {
	ns       *Namespace
	rooms    []string
	except   []string
	volatile bool
}

// To adds rooms to select from.
func (b Broadcast) To(rooms ...string) Broadcast {
	b.rooms = append(slices.Clip(b.rooms), rooms...)
	return b
}

// In is To.
func (b Broadcast) In(rooms ...string) Broadcast { return b.To(rooms...) }

// Except adds rooms whose sockets are left out.
func (b Broadcast) Except(rooms ...string) Broadcast {
	b.except = append(slices.Clip(b.except), rooms...)
	return b
}

// Volatile drops the event for clients that could not take it at once
// (a write in progress, no polling request waiting), and never keeps it
// for recovery: for updates that the next one makes stale.
func (b Broadcast) Volatile() Broadcast {
	b.volatile = true
	return b
}

// Emit sends an event to the selected sockets.
func (b Broadcast) Emit(event string, values ...any) error {
	args, err := ArgsOf(values...)
	if err != nil {
		return err
	}
	return b.EmitArgs(event, args)
}

// EmitArgs sends an event with arguments as they are. With recovery on
// (and not volatile), the event is kept with an offset, and a selected
// socket that is disconnected now gets it when it recovers.
func (b Broadcast) EmitArgs(event string, args Args) error {
	if reservedEvents[event] {
		return ErrReservedEvent
	}
	name, _ := marshalJSON(event)
	n := b.ns
	if n.recovery == nil || b.volatile {
		pkts := encodeEvent(n.name, name, args, 0, false)
		n.mu.RLock()
		defer n.mu.RUnlock()
		b.sendLocked(pkts)
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	seq, offset := n.recovery.nextOffset()
	pkts := encodeEvent(n.name, name, withOffset(args, offset), 0, false)
	n.recovery.append(storedPacket{seq: seq, rooms: b.rooms, except: b.except, pkts: pkts})
	b.sendLocked(pkts)
	return nil
}

// Sockets returns the selected sockets.
func (b Broadcast) Sockets() []*Socket {
	b.ns.mu.RLock()
	defer b.ns.mu.RUnlock()
	var out []*Socket
	b.eachLocked(func(s *Socket) { out = append(out, s) })
	return out
}

// sendLocked queues the packets for every selected socket.
func (b Broadcast) sendLocked(pkts []engineio.Packet) {
	b.eachLocked(func(s *Socket) {
		if b.volatile && !s.conn.eio.Writable() {
			return
		}
		_ = s.conn.eio.SendPackets(pkts...)
	})
}

// eachLocked calls f for every selected socket, once each.
func (b Broadcast) eachLocked(f func(*Socket)) {
	n := b.ns
	excluded := func(s *Socket) bool {
		for _, r := range b.except {
			if r == s.id {
				return true
			}
			if _, in := n.rooms[r][s]; in {
				return true
			}
		}
		return false
	}
	if len(b.rooms) == 0 {
		for _, s := range n.sockets {
			if !excluded(s) {
				f(s)
			}
		}
		return
	}
	var seen map[*Socket]struct{}
	if len(b.rooms) > 1 {
		seen = map[*Socket]struct{}{}
	}
	visit := func(s *Socket) {
		if seen != nil {
			if _, dup := seen[s]; dup {
				return
			}
			seen[s] = struct{}{}
		}
		if !excluded(s) {
			f(s)
		}
	}
	for _, r := range b.rooms {
		if s := n.sockets[r]; s != nil {
			if _, in := n.rooms[r][s]; !in {
				visit(s)
			}
		}
		for s := range n.rooms[r] {
			visit(s)
		}
	}
}

// EmitWithAck sends an event asking every selected socket for an
// acknowledgement, and waits for all of them or for ctx. It returns the
// answers that came (in no particular order) and, if some did not, an
// error wrapping ErrAckTimeout.
func (b Broadcast) EmitWithAck(ctx context.Context, event string, values ...any) ([]Args, error) {
	if reservedEvents[event] {
		return nil, ErrReservedEvent
	}
	args, err := ArgsOf(values...)
	if err != nil {
		return nil, err
	}
	targets := b.Sockets()
	var (
		mu      sync.Mutex
		answers []Args
		errs    []error
		wg      sync.WaitGroup
	)
	for _, s := range targets {
		wg.Go(func() {
			got, err := s.EmitArgsWithAck(ctx, event, args)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			answers = append(answers, got)
		})
	}
	wg.Wait()
	return answers, errors.Join(errs...)
}
