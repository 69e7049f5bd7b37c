package stream

// Open returns how many websockets are open, and how many operations they run: each a
// subscription, or a query or mutation being answered.
func (t *Websocket) Open() (connections, operations int) {
	t.conns.mu.Lock()
	conns := make([]*wsConn, 0, len(t.conns.set))
	for c := range t.conns.set {
		conns = append(conns, c)
	}
	t.conns.mu.Unlock()
	for _, c := range conns {
		c.mu.Lock()
		operations += len(c.ops)
		c.mu.Unlock()
	}
	return len(conns), operations
}

// Open returns how many streams of server-sent events are open: each one operation.
func (t *Events) Open() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.open)
}
