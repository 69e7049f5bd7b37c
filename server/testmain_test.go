package main

import (
	"io"
	"log/slog"
	"os"
	"testing"
)

// TestMain keeps the logs of the servers under test out of the test output; the tests that
// read logs give the server a writer of their own.
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}
