package stream

import (
	"net"
	"testing"
	"time"
)

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("nothing accepted")
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// woken returns a function for whenReadable and the channel it tells.
func woken() (func(), chan struct{}) {
	ch := make(chan struct{}, 1)
	return func() { ch <- struct{}{} }, ch
}

func expectWoken(t *testing.T, ch chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("not woken %s", what)
	}
}

// TestWhenReadable follows a socket through the epoll instance: it waits without a
// goroutine until its client writes, is woken again while unread bytes wait, and is woken
// when its read side is shut or its client goes.
func TestWhenReadable(t *testing.T) {
	server, client := tcpPair(t)
	before := idleConnections()
	then, ch := woken()
	whenReadable(server, then)
	if n := idleConnections(); n != before+1 {
		t.Fatalf("%d connections wait, want %d", n, before+1)
	}
	select {
	case <-ch:
		t.Fatal("woken before the client wrote")
	case <-time.After(50 * time.Millisecond):
	}
	client.Write([]byte("x"))
	expectWoken(t, ch, "by the client's bytes")
	if n := idleConnections(); n != before {
		t.Errorf("%d connections wait after the wake-up, want %d", n, before)
	}

	whenReadable(server, then) // the byte is still unread
	expectWoken(t, ch, "while a byte waits")
	var b [1]byte
	if _, err := server.Read(b[:]); err != nil || b[0] != 'x' {
		t.Fatalf("read %q, %v", b, err)
	}

	whenReadable(server, then)
	server.(*net.TCPConn).CloseRead()
	expectWoken(t, ch, "by its read side shut")

	other, otherClient := tcpPair(t)
	whenReadable(other, then)
	otherClient.Close()
	expectWoken(t, ch, "by its client going")
	if n := idleConnections(); n != before {
		t.Errorf("%d connections wait at the end, want %d", n, before)
	}
}

// TestWhenReadableWithoutSocket waits on a connection that has no socket: a goroutine
// waits in its read.
func TestWhenReadableWithoutSocket(t *testing.T) {
	server, client := net.Pipe()
	defer server.Close()
	defer client.Close()
	then, ch := woken()
	whenReadable(server, func() {
		var b [1]byte
		server.Read(b[:])
		then()
	})
	go client.Write([]byte("x"))
	expectWoken(t, ch, "by the client's bytes")
}
