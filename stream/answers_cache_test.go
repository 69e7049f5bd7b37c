package stream

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestAnswersBuiltOnce(t *testing.T) {
	a := newAnswers(answersKept, answersFor)
	var builds atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]string, 100)
	for i := range got {
		wg.Go(func() {
			got[i] = string(a.get(answerKey{"group", "7"}, func() []byte {
				builds.Add(1)
				<-release // the others ask meanwhile
				return []byte(`{"data":{}}`)
			}))
		})
	}
	time.AfterFunc(10*time.Millisecond, func() { close(release) })
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("built %d times", n)
	}
	for _, g := range got {
		if g != `{"data":{}}` {
			t.Fatalf("got %q", g)
		}
	}
	if string(a.get(answerKey{"other group", "7"}, func() []byte { return []byte("other") })) != "other" {
		t.Error("another group shares the answer")
	}
}

func TestAnswersNotBuilt(t *testing.T) {
	a := newAnswers(answersKept, answersFor)
	if a.get(answerKey{"g", "1"}, func() []byte { return nil }) != nil {
		t.Fatal("an answer from nothing")
	}
	// The next subscriber to ask builds it.
	if string(a.get(answerKey{"g", "1"}, func() []byte { return []byte("built") })) != "built" {
		t.Error("an answer that could not be built is not built again")
	}
}

func TestAnswersBounded(t *testing.T) {
	a := newAnswers(10, time.Hour)
	for seq := range int64(100) {
		a.get(answerKey{"g", strconv.FormatInt(seq, 10)}, func() []byte { return []byte("x") })
	}
	if len(a.byKey) > 10 || len(a.order) > 10 {
		t.Errorf("%d answers kept, %d in order, want 10", len(a.byKey), len(a.order))
	}
	old := newAnswers(100, time.Millisecond)
	old.get(answerKey{"g", "1"}, func() []byte { return []byte("x") })
	time.Sleep(5 * time.Millisecond) // the age is the point here
	old.get(answerKey{"g", "2"}, func() []byte { return []byte("x") })
	if _, ok := old.byKey[answerKey{"g", "1"}]; ok {
		t.Error("an old answer is kept")
	}
}

func TestEnvelopeEncode(t *testing.T) {
	for _, id := range []string{"1", "op-7_x", `a"b`, `back\slash`, "<script>", "tab\there", "été", ""} {
		m := envelope{Type: "next", ID: id, Payload: []byte(`{"data":null}`)}
		if got, want := string(m.encode()), string(mustMarshal(m)); got != want {
			t.Errorf("encode: %s, want %s", got, want)
		}
	}
}
