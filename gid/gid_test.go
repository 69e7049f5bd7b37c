package gid_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"maarid/gid"
)

func TestNewIsTypedAndOrdered(t *testing.T) {
	a, b := gid.New(gid.Product), gid.New(gid.Product)
	if !strings.HasPrefix(a, "prd_") || len(a) != len("prd_")+26 {
		t.Fatalf("New = %q", a)
	}
	if a >= b {
		t.Errorf("IDs made one after the other do not sort in order: %s >= %s", a, b)
	}
	if typ, ok := gid.Type(a); !ok || typ != gid.Product {
		t.Errorf("Type(%q) = %q, %v", a, typ, ok)
	}
}

func TestMakeIsDeterministic(t *testing.T) {
	at := time.Date(2018, 7, 25, 9, 0, 0, 0, time.UTC)
	id := func() string { return gid.Make(gid.Fair, at, rand.NewChaCha8([32]byte{1, 2})) }
	if a, b := id(), id(); a != b {
		t.Errorf("the same time and entropy gave %s and %s", a, b)
	}
}

func TestTypeRejectsMalformed(t *testing.T) {
	for _, id := range []string{"", "42", "prd_", "_01J3Y8W6ZKQ5T0P2N3V4X5Y6Z7", "prd_01J3Y8W6ZKQ5T0P2N3V4X5Y6Z", "prd-01J3Y8W6ZKQ5T0P2N3V4X5Y6Z7", "prd_01J3Y8W6ZKQ5T0P2N3V4X5Y6ZU"} {
		if typ, ok := gid.Type(id); ok {
			t.Errorf("Type(%q) = %q, want malformed", id, typ)
		}
	}
}

func FuzzType(f *testing.F) {
	f.Add(gid.New(gid.Product))
	f.Add("prd_")
	f.Add("exh_01CK877C0QFVM97S6JKDDS668M")
	f.Fuzz(func(t *testing.T, id string) {
		prefix, ok := gid.Type(id)
		if ok && !strings.HasPrefix(id, prefix+"_") {
			t.Errorf("Type(%q) = %q", id, prefix)
		}
	})
}
