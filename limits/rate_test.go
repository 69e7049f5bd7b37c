package limits_test

import (
	"fmt"
	"testing"
	"time"

	"maarid/limits"
)

func TestBudgets(t *testing.T) {
	now := time.Date(2018, 7, 25, 10, 0, 0, 0, time.UTC)
	b := &limits.Budgets{Capacity: 100, Now: func() time.Time { return now }}
	budget := limits.Budget{Rate: 100, Burst: 1000} // 100 points a second, 1,000 at once

	for i := range 4 {
		s := b.Spend("key_A", budget, 250)
		if !s.OK || s.Remaining != 1000-250*(i+1) {
			t.Fatalf("spend %d: %+v", i, s)
		}
	}
	s := b.Spend("key_A", budget, 1)
	if s.OK || s.RetryAfter != 10*time.Millisecond || s.Remaining != 0 || s.Reset != 10*time.Second {
		t.Errorf("over budget: %+v", s)
	}
	if s := b.Spend("key_B", budget, 1000); !s.OK {
		t.Errorf("another client spends from A's budget: %+v", s)
	}
	now = now.Add(2 * time.Second) // 200 points back
	if s := b.Spend("key_A", budget, 200); !s.OK || s.Remaining != 0 {
		t.Errorf("after 2 s: %+v", s)
	}
	if s := b.Spend("key_A", budget, 1); s.OK {
		t.Errorf("the refill was spent twice: %+v", s)
	}
	now = now.Add(time.Hour)
	if s := b.Spend("key_A", budget, 0); !s.OK || s.Remaining != 1000 || s.Reset != 0 {
		t.Errorf("after an hour: %+v", s)
	}
	b.Spend("key_A", budget, 600)
	if s := b.Take("key_A", budget, 1000); s.OK || s.Remaining != 0 || s.RetryAfter != 6*time.Second {
		t.Errorf("a penalty larger than what is left: %+v", s)
	}
	if s := b.Spend("key_A", budget, 0); s.OK {
		t.Errorf("a client in debt may spend: %+v", s)
	}
	now = now.Add(6 * time.Second)
	if s := b.Spend("key_A", budget, 0); !s.OK || s.Remaining != 0 {
		t.Errorf("once the debt is paid back: %+v", s)
	}
}

// TestBudgetsBounded calls from a million addresses and checks that what is remembered stays
// within the capacity, the most recent client kept.
func TestBudgetsBounded(t *testing.T) {
	b := &limits.Budgets{Capacity: 1000}
	budget := limits.Budget{Rate: 1, Burst: 10}
	for i := range 1_000_000 {
		b.Spend(fmt.Sprintf("198.51.%d.%d", i>>8, i&255), budget, 10)
	}
	if n := b.Len(); n != 1000 {
		t.Errorf("%d clients remembered, want 1000", n)
	}
	if s := b.Spend("198.51.3906.63", budget, 1); s.OK {
		t.Errorf("the last client's budget was forgotten: %+v", s)
	}
}

// TestLargeBudgets spends from a budget that refills a point in less than a nanosecond.
func TestLargeBudgets(t *testing.T) {
	b := &limits.Budgets{}
	budget := limits.Budget{Rate: 1e15 / 60, Burst: 1e14}
	for range 3 {
		if s := b.Spend("address 127.0.0.1", budget, 1000); !s.OK || s.Remaining < 1e14-4000 {
			t.Fatalf("%+v", s)
		}
	}
}
