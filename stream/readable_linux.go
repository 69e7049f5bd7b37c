package stream

import (
	"log/slog"
	"net"
	"sync"
	"syscall"
)

// whenReadable calls then, in a goroutine of its own, once conn has bytes to read, or its
// read side is shut, or it broke. Until then an idle connection holds no goroutine: its
// socket waits in the process's epoll instance (idle). A conn that cannot wait there waits
// in a goroutine instead.
//
// A conn that waits must not be closed by anyone but the goroutine then starts: closing
// would take it out of the epoll instance without a word. To end it from elsewhere, shut
// its read side (CloseRead), which wakes it.
//
// A goroutine per idle connection is simpler, and costs 4–6 KiB more a subscriber at 10,000,
// too near the target of 20 KiB: BENCHMARKS.md has the figures.
func whenReadable(conn net.Conn, then func()) {
	if !idle.add(conn, then) {
		go func() {
			awaitReadable(conn)
			then()
		}()
	}
}

// wakeReader has the goroutine that whenReadable starts for conn run, or the read it is in
// fail, so that it ends the connection: conn's read side is shut. A connection that waits for
// its client must not be closed from elsewhere; one whose read side cannot be shut is broken
// already, and that wakes its reader too.
func wakeReader(conn net.Conn) {
	if r, ok := conn.(interface{ CloseRead() error }); ok {
		r.CloseRead()
		return
	}
	conn.Close()
}

// idle is the epoll instance where idle connections wait.
var idle readiness

// readiness is an epoll instance with one goroutine that waits on it and starts the
// goroutine of each connection that became readable. Each socket is armed for one event
// (EPOLLONESHOT), and armed again when its connection waits again.
type readiness struct {
	once sync.Once
	epfd int

	mu      sync.Mutex
	waiting map[int32]*waiter // by file descriptor
	broken  bool              // no instance, or waiting on it failed: connections wait in goroutines
}

type waiter struct{ then func() }

func (r *readiness) start() {
	var err error
	if r.epfd, err = syscall.EpollCreate1(syscall.EPOLL_CLOEXEC); err != nil {
		slog.Warn("idle websockets wait in goroutines: no epoll", "error", err)
		r.broken = true
		return
	}
	r.waiting = map[int32]*waiter{}
	go r.run()
}

// add has then called once conn is readable; it reports false when conn cannot wait here.
func (r *readiness) add(conn net.Conn, then func()) bool {
	r.once.Do(r.start)
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	added := false
	// The descriptor stays open while Control runs.
	err = raw.Control(func(fd uintptr) {
		key, w := int32(fd), &waiter{then}
		r.mu.Lock()
		if r.broken {
			r.mu.Unlock()
			return
		}
		if gone, ok := r.waiting[key]; ok {
			// A connection closed while it waited, against the rule above; its end is late,
			// not lost.
			go gone.then()
		}
		r.waiting[key] = w
		r.mu.Unlock()
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: key}
		err := syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_MOD, int(fd), &ev)
		if err == syscall.ENOENT {
			err = syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_ADD, int(fd), &ev)
		}
		if err == nil {
			added = true
			return
		}
		r.mu.Lock()
		if r.waiting[key] == w {
			delete(r.waiting, key)
		}
		r.mu.Unlock()
	})
	return err == nil && added
}

// run starts the goroutine of each connection that becomes readable.
func (r *readiness) run() {
	events := make([]syscall.EpollEvent, 256)
	for {
		n, err := syscall.EpollWait(r.epfd, events, -1)
		if err == syscall.EINTR {
			continue
		}
		r.mu.Lock()
		if err != nil {
			// Never seen; the connections waiting go on waiting in goroutines.
			slog.Error("idle websockets: waiting on epoll", "error", err)
			r.broken = true
			for _, w := range r.waiting {
				go w.then()
			}
			clear(r.waiting)
			r.mu.Unlock()
			return
		}
		for _, ev := range events[:n] {
			if w, ok := r.waiting[ev.Fd]; ok {
				delete(r.waiting, ev.Fd)
				go w.then()
			}
		}
		r.mu.Unlock()
	}
}

// idleConnections returns how many connections wait in the epoll instance.
func idleConnections() int {
	idle.mu.Lock()
	defer idle.mu.Unlock()
	return len(idle.waiting)
}

// awaitReadable waits until conn has bytes to read, or is closed or broken, without reading
// them, on a small stack. A conn that cannot be waited on this way returns at once, and the
// read that follows waits.
func awaitReadable(conn net.Conn) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	var b [1]byte
	// A failure shows in the read that follows.
	raw.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return err != syscall.EAGAIN && err != syscall.EINTR
	})
}
