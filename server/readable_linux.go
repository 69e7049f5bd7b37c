package main

import (
	"net"
	"syscall"
)

// awaitReadable waits until conn has bytes to read, or is closed or broken, without reading
// them: an idle connection waits here on a small stack rather than in the websocket
// library's frame reader. A conn that cannot be waited on this way returns at once, and the
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
