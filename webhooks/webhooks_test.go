package webhooks_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"maarid/auth"
	"maarid/catalogue"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/product"
	"maarid/ent/webhookdelivery"
	"maarid/i18n"
	"maarid/store"
	"maarid/store/storetest"
	"maarid/webhooks"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// receipt is a delivery as a receiver got it.
type receipt struct {
	id, event, signature string
	body                 []byte
	at                   time.Time
}

// receiver is a partner's HTTP server: it answers each delivery with what answer says, and
// keeps what it got.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	got      []receipt
	answer   func(r receipt, n int) int // the status of the n-th request
	received chan struct{}
}

func newReceiver(t testing.TB, answer func(r receipt, n int) int) *receiver {
	rc := &receiver{answer: answer, received: make(chan struct{}, 10000)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got := receipt{id: r.Header.Get("Maarid-Delivery"), event: r.Header.Get("Maarid-Event"),
			signature: r.Header.Get("Maarid-Signature"), body: body, at: time.Now()}
		rc.mu.Lock()
		rc.got = append(rc.got, got)
		n := len(rc.got)
		rc.mu.Unlock()
		status := http.StatusNoContent
		if rc.answer != nil {
			status = rc.answer(got, n)
		}
		w.WriteHeader(status)
		if status < 300 {
			rc.received <- struct{}{}
		}
	}))
	t.Cleanup(rc.Close)
	return rc
}

// receipts returns what the receiver got so far.
func (rc *receiver) receipts() []receipt {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// wait waits until the receiver took n deliveries.
func (rc *receiver) wait(t testing.TB, n int) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for range n {
		select {
		case <-rc.received:
		case <-timeout:
			t.Fatalf("the receiver took fewer than %d deliveries in 30 s: %d requests", n, len(rc.receipts()))
		}
	}
}

// fixture is the demo fair with a partner's key.
type fixture struct {
	c        *ent.Client
	dsn      string
	partner  context.Context
	products []string
}

func newFixture(t testing.TB, kind string) *fixture {
	t.Helper()
	dsn := storetest.URL(t, kind)
	c := storetest.OpenURL(t, dsn)
	if _, err := demo.Seed(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	sys := auth.System(context.Background())
	_, key, err := auth.NewKeys(c, dsn, []byte(strings.Repeat("p", 32))).Create(sys, auth.Partner, "Tourisme Azilal", "")
	if err != nil {
		t.Fatal(err)
	}
	products, err := c.Product.Query().Where(product.Listed(true)).Order(product.ByID()).IDs(sys)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{c: c, dsn: dsn, products: products,
		partner: auth.NewContext(context.Background(), &auth.Viewer{Role: auth.Partner, KeyID: key.ID, Name: key.Name})}
}

// webhook registers a webhook of the partner at u, told of the catalogue's changes.
func (f *fixture) webhook(t testing.TB, policy webhooks.Policy, u string) (*ent.Webhook, string) {
	t.Helper()
	h, secret, err := webhooks.Create(f.partner, f.c, policy, u, []webhookdelivery.Event{webhooks.CatalogueChanged})
	if err != nil {
		t.Fatal(err)
	}
	return h, secret
}

// rename renames the n-th listed product: one catalogue change.
func (f *fixture) rename(t testing.TB, n int) {
	t.Helper()
	err := f.c.Product.UpdateOneID(f.products[n%len(f.products)]).
		SetName(i18n.Text{i18n.FR: "Produit " + strconv.Itoa(n)}).Exec(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
}

// run runs d until the test ends or stop is called.
func run(t testing.TB, d *webhooks.Deliverer, c *ent.Client) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, store.ChangesOf(c))
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// local is the policy of the tests: the receivers are on this machine, over http.
var local = webhooks.Policy{AllowPrivate: true, HTTPHosts: []string{"127.0.0.1"}}

// quick retries at once.
func quick(d *webhooks.Deliverer) *webhooks.Deliverer {
	d.Retry = func(int) time.Duration { return 10 * time.Millisecond }
	d.Poll = 50 * time.Millisecond
	return d
}

// body is a delivery's JSON body.
type body struct {
	Event, Cursor, Kind, Entity, EntityID string
	At                                    time.Time
}

func decode(t *testing.T, b []byte) body {
	t.Helper()
	var out body
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return out
}

// TestDeliveriesSignedInOrder registers a webhook, changes the catalogue 30 times, and
// checks that the receiver got each change once, in the log's order, signed with the
// webhook's secret, with the change's fields.
func TestDeliveriesSignedInOrder(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, kind)
			rc := newReceiver(t, nil)
			_, secret := f.webhook(t, local, rc.URL+"/maarid")
			run(t, quick(webhooks.NewDeliverer(f.c, local, quiet)), f.c)
			head, err := catalogue.Head(f.partner, f.c)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 30 {
				f.rename(t, i)
			}
			rc.wait(t, 30)
			since, _ := strconv.ParseInt(head, 10, 64)
			page, err := catalogue.Changes(f.partner, f.c, since, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, ch := range page.Changes {
				want = append(want, ch.Cursor())
			}
			var cursors, ids []string
			for _, r := range rc.receipts() {
				if err := webhooks.Verify(secret, r.signature, r.body, time.Now(), 5*time.Minute); err != nil {
					t.Errorf("delivery %s: %v", r.id, err)
				}
				if err := webhooks.Verify("whsec_another", r.signature, r.body, time.Now(), 5*time.Minute); err == nil {
					t.Error("a signature verifies with another secret")
				}
				b := decode(t, r.body)
				if r.event != "CATALOGUE_CHANGED" || b.Event != r.event || b.Kind != "UPDATED" || b.Entity != "PRODUCT" || b.At.IsZero() {
					t.Errorf("delivery %s: %s %s", r.id, r.event, r.body)
				}
				cursors = append(cursors, b.Cursor)
				ids = append(ids, r.id)
			}
			if !slices.Equal(cursors, want) {
				t.Errorf("received the cursors %v, want %v", cursors, want)
			}
			if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
				t.Errorf("a delivery was received twice: %v", ids)
			}
		})
	}
}

// TestRetriedWithTheSameID has the receiver fail a delivery three times (an error, a
// redirect, a timeout): the fourth attempt carries the same Maarid-Delivery, and then the
// deliveries after it follow, in order.
func TestRetriedWithTheSameID(t *testing.T) {
	f := newFixture(t, "sqlite")
	rc := newReceiver(t, func(r receipt, n int) int {
		switch n {
		case 1:
			return http.StatusInternalServerError
		case 2:
			return http.StatusFound
		case 3:
			time.Sleep(300 * time.Millisecond) // longer than the deliverer waits
		}
		return http.StatusOK
	})
	h, _ := f.webhook(t, local, rc.URL)
	d := quick(webhooks.NewDeliverer(f.c, local, quiet))
	d.Timeout = 100 * time.Millisecond
	run(t, d, f.c)
	f.rename(t, 1)
	f.rename(t, 2)
	rc.wait(t, 2)
	got := rc.receipts()
	if len(got) < 5 {
		t.Fatalf("%d requests, want 4 attempts of the first delivery and 1 of the second", len(got))
	}
	for i := 1; i < 4; i++ {
		if got[i].id != got[0].id {
			t.Errorf("attempt %d carries %s, the first %s", i+1, got[i].id, got[0].id)
		}
	}
	if got[4].id == got[0].id || decode(t, got[4].body).Cursor <= decode(t, got[0].body).Cursor {
		t.Errorf("after the retried delivery came %s", got[4].body)
	}
	first, err := f.c.WebhookDelivery.Get(auth.System(context.Background()), got[0].id)
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != webhookdelivery.StatusDELIVERED || first.Attempts != 4 || first.LastError != nil || first.WebhookID != h.ID {
		t.Errorf("the delivery after four attempts: %s, %d attempts, last error %v", first.Status, first.Attempts, first.LastError)
	}
}

// TestRestartLosesNothing stops the deliverer while a delivery is in flight and others
// wait, as a server stopped or killed would; a new deliverer on the same database delivers
// every one of them, the one in flight again once its lease ran out.
func TestRestartLosesNothing(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, kind)
			hang := make(chan struct{})
			var once sync.Once
			rc := newReceiver(t, func(r receipt, n int) int {
				if n == 3 {
					once.Do(func() { close(hang) })
					time.Sleep(time.Second) // in flight when the deliverer stops
				}
				return http.StatusOK
			})
			f.webhook(t, local, rc.URL)
			for i := range 10 {
				f.rename(t, i)
			}
			first := quick(webhooks.NewDeliverer(f.c, local, quiet))
			first.Lease = 500 * time.Millisecond
			stop := run(t, first, f.c)
			<-hang
			stop()
			// Another process: a new client on the database.
			again := storetest.OpenURL(t, f.dsn)
			second := quick(webhooks.NewDeliverer(again, local, quiet))
			second.Lease = 500 * time.Millisecond
			run(t, second, again)
			rc.wait(t, 9) // the third's first attempt was not taken
			deadline := time.Now().Add(10 * time.Second)
			for {
				pending, err := again.WebhookDelivery.Query().Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusDELIVERED)).Count(auth.System(context.Background()))
				if err != nil {
					t.Fatal(err)
				}
				if pending == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d deliveries not delivered after the restart", pending)
				}
				time.Sleep(20 * time.Millisecond)
			}
			seen := map[string]bool{}
			var cursors []int
			for _, r := range rc.receipts() {
				if !seen[r.id] {
					seen[r.id] = true
					n, _ := strconv.Atoi(decode(t, r.body).Cursor)
					cursors = append(cursors, n)
				}
			}
			if len(seen) != 10 || !slices.IsSorted(cursors) {
				t.Errorf("%d deliveries received, cursors %v", len(seen), cursors)
			}
		})
	}
}

// TestRebindingRefused registers a webhook at a host name that, when the delivery is made,
// resolves to this machine: the delivery is refused at the connection, the receiver gets
// nothing, and the delivery says why. With private addresses allowed it goes through.
func TestRebindingRefused(t *testing.T) {
	f := newFixture(t, "sqlite")
	rc := newReceiver(t, nil)
	u, _ := url.Parse(rc.URL)
	_, port, _ := net.SplitHostPort(u.Host)
	public := webhooks.Policy{HTTPHosts: []string{"partner.example"}}
	h, _ := f.webhook(t, public, "http://partner.example:"+port+"/hook")
	// partner.example resolved to a public address when the webhook was made; now to this
	// machine.
	rebound := func(_ context.Context, host string) ([]netip.Addr, error) {
		if host != "partner.example" {
			t.Errorf("looked up %s", host)
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	d := quick(webhooks.NewDelivererResolving(f.c, public, quiet, rebound))
	d.Retry = func(int) time.Duration { return time.Hour }
	f.rename(t, 1)
	if _, _, err := d.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.receipts()); n != 0 {
		t.Fatalf("the receiver on 127.0.0.1 got %d requests", n)
	}
	del, err := f.c.WebhookDelivery.Query().Only(auth.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	if del.Status != webhookdelivery.StatusPENDING || del.Attempts != 1 || del.LastError == nil || !strings.Contains(*del.LastError, "may not reach") {
		t.Errorf("the refused delivery: %s, %d attempts, %v", del.Status, del.Attempts, del.LastError)
	}

	// The same, where the operator allows private addresses.
	allowed := webhooks.Policy{AllowPrivate: true, HTTPHosts: []string{"partner.example"}}
	if err := f.c.WebhookDelivery.UpdateOneID(del.ID).SetNextAttemptAt(time.Now()).Exec(auth.System(context.Background())); err != nil {
		t.Fatal(err)
	}
	if _, _, err := webhooks.NewDelivererResolving(f.c, allowed, quiet, rebound).Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := rc.receipts(); len(got) != 1 || got[0].id != del.ID {
		t.Errorf("with private addresses allowed, the receiver got %d requests", len(got))
	}
	if h.URL != "http://partner.example:"+port+"/hook" {
		t.Errorf("the webhook's URL %s", h.URL)
	}
}

// TestSentOnceAcrossInstances runs a deliverer on each of three instances of one PostgreSQL
// database: every delivery reaches the receiver once, in order.
func TestSentOnceAcrossInstances(t *testing.T) {
	if !slices.Contains(storetest.Kinds(), "postgres") {
		t.Skip("MAARID_TEST_POSTGRES_URL is not set: one SQLite file is served by one instance")
	}
	f := newFixture(t, "postgres")
	rc := newReceiver(t, nil)
	f.webhook(t, local, rc.URL)
	for range 3 {
		c := storetest.OpenURL(t, f.dsn)
		run(t, quick(webhooks.NewDeliverer(c, local, quiet)), c)
	}
	for i := range 100 {
		f.rename(t, i)
	}
	rc.wait(t, 100)
	time.Sleep(200 * time.Millisecond) // a delivery sent twice would have arrived by now
	got := rc.receipts()
	if len(got) != 100 {
		t.Fatalf("%d requests for 100 deliveries", len(got))
	}
	var cursors []int
	for _, r := range got {
		n, _ := strconv.Atoi(decode(t, r.body).Cursor)
		cursors = append(cursors, n)
	}
	if !slices.IsSorted(cursors) {
		t.Errorf("out of order: %v", cursors)
	}
}

// TestDisabledAfterFailingTooLong has a receiver that always fails: once its oldest delivery
// has failed for GiveUpAfter, the webhook is disabled, says why, and its deliveries are FAILED;
// nothing more is sent to it. A webhook whose key is revoked is disabled too.
func TestDisabledAfterFailingTooLong(t *testing.T) {
	f := newFixture(t, "sqlite")
	rc := newReceiver(t, func(receipt, int) int { return http.StatusServiceUnavailable })
	h, _ := f.webhook(t, local, rc.URL)
	d := quick(webhooks.NewDeliverer(f.c, local, quiet))
	d.GiveUpAfter = 200 * time.Millisecond
	f.rename(t, 1)
	f.rename(t, 2)
	sys := auth.System(context.Background())
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, _, err := d.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, err := f.c.Webhook.Get(sys, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DisabledAt != nil {
			if got.DisabledReason == nil || !strings.Contains(*got.DisabledReason, "HTTP 503") {
				t.Errorf("disabled for %v", got.DisabledReason)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the webhook is not disabled")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n, _ := f.c.WebhookDelivery.Query().Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusFAILED)).Count(sys); n != 0 {
		t.Errorf("%d deliveries of the disabled webhook are not FAILED", n)
	}
	sent := len(rc.receipts())
	f.rename(t, 3)
	if _, _, err := d.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.c.WebhookDelivery.Query().Count(sys); n != 2 || len(rc.receipts()) != sent {
		t.Errorf("a disabled webhook was given %d deliveries and sent %d more requests", n-2, len(rc.receipts())-sent)
	}

	// A key revoked: its webhook stops at its next delivery.
	other, _ := f.webhook(t, local, rc.URL+"/other")
	if err := f.c.APIKey.UpdateOneID(other.KeyID).SetRevokedAt(time.Now()).Exec(sys); err != nil {
		t.Fatal(err)
	}
	f.rename(t, 4)
	if _, _, err := d.Round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.c.Webhook.Get(sys, other.ID); got.DisabledAt == nil || !strings.Contains(*got.DisabledReason, "revoked") {
		t.Errorf("the webhook of a revoked key: disabled %v", got.DisabledReason)
	}
	if len(rc.receipts()) != sent {
		t.Error("a delivery was sent for a revoked key")
	}
}

// TestLaterDeliveriesWaitForTheFailedOne checks that when a delivery fails, the webhook's later
// deliveries of its event are put off until its next attempt: they are not sent before it, and
// the outbox's claims do not read them in the meantime.
func TestLaterDeliveriesWaitForTheFailedOne(t *testing.T) {
	f := newFixture(t, "sqlite")
	rc := newReceiver(t, func(receipt, int) int { return http.StatusBadGateway })
	f.webhook(t, local, rc.URL)
	d := webhooks.NewDeliverer(f.c, local, quiet)
	d.Retry = func(int) time.Duration { return time.Hour }
	f.rename(t, 1)
	f.rename(t, 2)
	f.rename(t, 3)
	if sent, _, err := d.Round(context.Background()); err != nil || sent != 1 {
		t.Fatalf("the first round sent %d: %v", sent, err)
	}
	ds, err := f.c.WebhookDelivery.Query().Order(webhookdelivery.BySeq()).All(auth.System(context.Background()))
	if err != nil || len(ds) != 3 {
		t.Fatalf("%d deliveries: %v", len(ds), err)
	}
	if ds[0].Attempts != 1 || time.Until(ds[0].NextAttemptAt) < 59*time.Minute {
		t.Fatalf("the failed delivery: %d attempts, next at %s", ds[0].Attempts, ds[0].NextAttemptAt)
	}
	for _, later := range ds[1:] {
		if later.NextAttemptAt.Before(ds[0].NextAttemptAt) || later.Attempts != 0 {
			t.Errorf("a later delivery is due at %s, before the failed one's next attempt at %s", later.NextAttemptAt, ds[0].NextAttemptAt)
		}
	}
	if sent, _, err := d.Round(context.Background()); err != nil || sent != 0 || len(rc.receipts()) != 1 {
		t.Errorf("the next round sent %d (%d requests in all): %v", sent, len(rc.receipts()), err)
	}
}

// TestPruneKeepsWhatIsPending checks that pruning deletes the deliveries delivered or given up
// longer ago than Keep, and no pending one however old.
func TestPruneKeepsWhatIsPending(t *testing.T) {
	f := newFixture(t, "sqlite")
	rc := newReceiver(t, func(_ receipt, n int) int {
		if n > 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	f.webhook(t, local, rc.URL)
	d := webhooks.NewDeliverer(f.c, local, quiet)
	d.Retry = func(int) time.Duration { return time.Hour }
	for i := range 3 {
		f.rename(t, i)
		if _, _, err := d.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	sys := auth.System(context.Background())
	count := func(s webhookdelivery.Status) int {
		n, err := f.c.WebhookDelivery.Query().Where(webhookdelivery.StatusEQ(s)).Count(sys)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(webhookdelivery.StatusDELIVERED) != 2 || count(webhookdelivery.StatusPENDING) != 1 {
		t.Fatalf("%d delivered, %d pending", count(webhookdelivery.StatusDELIVERED), count(webhookdelivery.StatusPENDING))
	}
	if err := d.Prune(context.Background()); err != nil || count(webhookdelivery.StatusDELIVERED) != 2 {
		t.Fatalf("pruning deliveries made a moment ago: %d delivered left, %v", count(webhookdelivery.StatusDELIVERED), err)
	}
	d.Keep = -time.Minute // everything is older than that
	if err := d.Prune(context.Background()); err != nil {
		t.Fatal(err)
	}
	if count(webhookdelivery.StatusDELIVERED) != 0 || count(webhookdelivery.StatusPENDING) != 1 {
		t.Errorf("after pruning: %d delivered, %d pending", count(webhookdelivery.StatusDELIVERED), count(webhookdelivery.StatusPENDING))
	}
}
