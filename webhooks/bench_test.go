package webhooks_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"maarid/auth"
	"maarid/ent/webhookdelivery"
	"maarid/store/storetest"
	"maarid/webhooks"
)

// BenchmarkDeliveryLatency changes the catalogue once every 5 ms, b.N times, with one
// webhook registered at a receiver on this machine and the deliverer running as a server runs
// it: the time from each change's commit to its receipt, p50 and p99.
//
//	MAARID_TEST_POSTGRES_URL=… go test ./webhooks -run '^$' -bench DeliveryLatency -benchtime 1000x
func BenchmarkDeliveryLatency(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		b.Run(kind, func(b *testing.B) {
			f := newFixture(b, kind)
			rc := newReceiver(b, nil)
			f.webhook(b, local, rc.URL)
			run(b, webhooks.NewDeliverer(f.c, local, quiet), f.c)
			committed := make([]time.Time, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				f.rename(b, i)
				committed = append(committed, time.Now())
				time.Sleep(5 * time.Millisecond)
			}
			rc.wait(b, b.N)
			b.StopTimer()
			got := rc.receipts()
			latencies := make([]time.Duration, len(committed))
			for i := range committed {
				latencies[i] = got[i].at.Sub(committed[i])
			}
			slices.Sort(latencies)
			b.ReportMetric(ms(latencies[len(latencies)/2]), "p50-ms")
			b.ReportMetric(ms(latencies[(len(latencies)*99+99)/100-1]), "p99-ms")
			b.ReportMetric(ms(latencies[len(latencies)-1]), "max-ms")
		})
	}
}

// BenchmarkDeliveriesPerSecond registers 100 webhooks, each told of the catalogue's changes,
// makes b.N changes while no deliverer runs (100 × b.N deliveries in the outbox), then starts
// one deliverer as a server runs it and times it until the receiver took every delivery.
//
//	MAARID_TEST_POSTGRES_URL=… go test ./webhooks -run '^$' -bench DeliveriesPerSecond -benchtime 50x
func BenchmarkDeliveriesPerSecond(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		b.Run(kind, func(b *testing.B) {
			f := newFixture(b, kind)
			rc := newReceiver(b, nil)
			for i := range 100 {
				f.webhook(b, local, fmt.Sprintf("%s/%d", rc.URL, i))
			}
			for i := range b.N {
				f.rename(b, i)
			}
			n, err := f.c.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).Count(auth.System(context.Background()))
			if err != nil || n != 100*b.N {
				b.Fatalf("%d deliveries in the outbox, want %d: %v", n, 100*b.N, err)
			}
			b.ResetTimer()
			start := time.Now()
			run(b, webhooks.NewDeliverer(f.c, local, quiet), f.c)
			rc.wait(b, n)
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(n)/elapsed.Seconds(), "deliveries/s")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
