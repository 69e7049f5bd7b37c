package graph

import "maarid/ent"

// seatsLeft is what a session can still seat, nil for open entry.
func seatsLeft(s *ent.Session) *int {
	if s.Capacity == nil {
		return nil
	}
	left := max(*s.Capacity-s.ConfirmedCount, 0)
	return &left
}
