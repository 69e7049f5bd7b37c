package maarid

import "time"

// SessionState is what a programme change records of a session before and after it: enough
// for a screen to show what moved, and for the log to be read without the session's row.
type SessionState struct {
	StartsAt time.Time `json:"startsAt"`
	EndsAt   time.Time `json:"endsAt"`
	SpaceID  *string   `json:"spaceID,omitempty"`
	Status   string    `json:"status"`
	Version  int       `json:"version"`
	// Hidden is set while the session is unpublished: only organisers see it.
	Hidden bool `json:"hidden,omitempty"`
}
