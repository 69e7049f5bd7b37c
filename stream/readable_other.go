//go:build !linux

package stream

import "net"

// whenReadable calls then in a goroutine of its own, whose read waits for conn: idle
// connections wait without a goroutine on Linux only.
func whenReadable(_ net.Conn, then func()) { go then() }

// wakeReader has the read of conn fail, so that its reader ends the connection.
func wakeReader(conn net.Conn) { conn.Close() }

// idleConnections returns how many connections wait without a goroutine: none here.
func idleConnections() int { return 0 }
