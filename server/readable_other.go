//go:build !linux

package main

import "net"

// awaitReadable waits on Linux only; elsewhere an idle connection waits in its read.
func awaitReadable(net.Conn) {}
