// Event handlers, kept the same way by a server socket and a client socket.

package socketio

// eventHandlers holds a socket's handlers: one per event name, and the
// catch-all ones that see every event first. Its owner locks around it.
type eventHandlers struct {
	named map[string]func(*Event)
	any   []func(*Event)
}

// set sets the handler for an event; nil removes it.
func (h *eventHandlers) set(event string, f func(*Event)) {
	if f == nil {
		delete(h.named, event)
		return
	}
	if h.named == nil {
		h.named = map[string]func(*Event){}
	}
	h.named[event] = f
}

// addAny adds a catch-all handler.
func (h *eventHandlers) addAny(f func(*Event)) { h.any = append(h.any, f) }

// forEvent returns what must run for e, taken under the owner's lock and
// run outside it, so that a handler may set handlers or emit.
func (h *eventHandlers) forEvent(e *Event) func() {
	named, anyHs := h.named[e.Name], h.any
	return func() {
		for _, f := range anyHs {
			f(e)
		}
		if named != nil {
			named(e)
		}
	}
}
