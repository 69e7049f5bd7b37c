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
	// Details are what the session said after the change, kept with the change so that it is
	// read again later as it was then; changes logged before they were kept have none.
	Details *SessionDetails `json:"details,omitempty"`
}

// SessionDetails are the texts and particulars of a session at a change of the programme.
// Texts map language codes to values, as i18n.Text does.
type SessionDetails struct {
	Title       map[string]string `json:"title,omitempty"`
	Description map[string]string `json:"description,omitempty"`
	Audience    map[string]string `json:"audience,omitempty"`
	Kind        string            `json:"kind"`
	Topics      []string          `json:"topics,omitempty"`
	Languages   []string          `json:"languages,omitempty"`
	Capacity    *int              `json:"capacity,omitempty"`
}
