package main

import "testing"

func TestScreenCheck(t *testing.T) {
	tests := []struct {
		name                         string
		received                     []int64
		lost, duplicated, disordered int
	}{
		{"every change once", []int64{11, 12, 13, 14, 15}, 0, 0, 0},
		{"a gap", []int64{11, 12, 14, 15}, 1, 0, 0},
		{"a change twice", []int64{11, 12, 12, 13, 14, 15}, 0, 1, 0},
		{"the change before the start", []int64{10, 11, 12, 13, 14, 15}, 0, 1, 0},
		{"out of order", []int64{11, 13, 12, 14, 15}, 0, 0, 1},
		{"nothing", nil, 5, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &screen{last: 10}
			for _, seq := range tt.received {
				s.receive(seq)
			}
			lost, duplicated := s.check(10, 15)
			if lost != tt.lost || duplicated != tt.duplicated || s.disordered != tt.disordered {
				t.Errorf("lost %d, duplicated %d, out of order %d; want %d, %d, %d",
					lost, duplicated, s.disordered, tt.lost, tt.duplicated, tt.disordered)
			}
		})
	}
}
