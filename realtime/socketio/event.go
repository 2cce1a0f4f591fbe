// Events as handlers see them, on the server and in the client.

package socketio

import "sync/atomic"

// An Event is an event from the other side.
type Event struct {
	Name string
	Args Args
	// Offset is the recovery offset the event carried as its last argument
	// (client side, when the server has recovery on), or "". The argument
	// stays in Args too: the official client hands it to handlers as well.
	Offset string

	socket *Socket          // the server's socket it came from; nil in the client
	reply  func(Args) error // sends the ack; nil when none was asked for
	acked  atomic.Bool
}

// Socket is the server-side socket the event came from (nil in a client).
func (e *Event) Socket() *Socket { return e.socket }

// WantsAck reports whether the sender asked for an acknowledgement.
func (e *Event) WantsAck() bool { return e.reply != nil }

// Ack answers the event; only the first call sends, and only if the
// sender asked.
func (e *Event) Ack(values ...any) error {
	args, err := ArgsOf(values...)
	if err != nil {
		return err
	}
	return e.AckArgs(args)
}

// AckArgs answers with arguments as they are.
func (e *Event) AckArgs(args Args) error {
	if e.reply == nil || !e.acked.CompareAndSwap(false, true) {
		return nil
	}
	return e.reply(args)
}
