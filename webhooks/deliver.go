package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/predicate"
	"maarid/ent/webhook"
	"maarid/ent/webhookdelivery"
	"maarid/live"
)

// Deliverer sends the outbox's deliveries to their webhooks. Every instance runs one; on
// PostgreSQL a delivery is claimed by one of them (FOR UPDATE SKIP LOCKED, then a lease), so
// that it is sent once, not once an instance. A webhook is sent the deliveries of each event in
// the order of their log, one at a time: the next is sent once the receiver took the one
// before. A delivery the receiver does not take (anything but 2xx, or no answer in time) is
// tried again after a pause that doubles each time, with jitter, up to an hour; a webhook
// whose oldest delivery has failed for GiveUpAfter is disabled, with the reason, and its
// deliveries marked FAILED.
type Deliverer struct {
	client   *ent.Client
	log      *slog.Logger
	http     *http.Client
	postgres bool
	wake     chan struct{}

	// Timeout is how long a receiver has to answer a delivery.
	Timeout time.Duration
	// Lease is how long a claimed delivery is left to the instance that claimed it: longer
	// than Timeout, so that only an instance that stopped while sending loses its claims.
	Lease time.Duration
	// GiveUpAfter is how long a webhook's deliveries may fail before it is disabled.
	GiveUpAfter time.Duration
	// Retry returns the pause before the next attempt of a delivery tried attempts times.
	Retry func(attempts int) time.Duration
	// Batch is how many deliveries one round claims and sends at once.
	Batch int
	// Poll is how often the outbox is read without being woken.
	Poll time.Duration
	// Keep is how long delivered and failed deliveries stay in the outbox, listed with their
	// webhooks, before they are deleted (Prune, every hour).
	Keep time.Duration
}

// NewDeliverer returns the deliverer of client's outbox, connecting only where policy allows.
func NewDeliverer(client *ent.Client, policy Policy, log *slog.Logger) *Deliverer {
	return newDeliverer(client, policy, log, func(ctx context.Context, host string) ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	})
}

func newDeliverer(client *ent.Client, policy Policy, log *slog.Logger, lookup func(context.Context, string) ([]netip.Addr, error)) *Deliverer {
	d := &Deliverer{
		client:      client,
		log:         log,
		postgres:    client.DialectName() == dialect.Postgres,
		wake:        make(chan struct{}, 1),
		Timeout:     10 * time.Second,
		Lease:       time.Minute,
		GiveUpAfter: 24 * time.Hour,
		Retry:       Backoff,
		Batch:       64,
		Poll:        5 * time.Second,
		Keep:        30 * 24 * time.Hour,
	}
	dial := &dialer{policy: policy, lookup: lookup, net: net.Dialer{Timeout: 5 * time.Second}}
	d.http = &http.Client{
		Transport: &http.Transport{
			// No proxy from the environment: the policy is checked on the receiver's address.
			Proxy:                 nil,
			DialContext:           dial.DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			ResponseHeaderTimeout: 10 * time.Second,
		},
		// A redirect is not followed: it could lead anywhere, and it is not a 2xx.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return d
}

// Backoff is the pause before the next attempt of a delivery tried attempts times: 15 s, then
// twice as long each time, an hour at most, each ±25 % so that the retries of many webhooks do
// not fall together. Over 24 hours, about 30 attempts.
func Backoff(attempts int) time.Duration {
	d := 15 * time.Second << min(max(attempts-1, 0), 8)
	d = min(d, time.Hour)
	return d*3/4 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// Wake has the deliverer read the outbox now.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sends deliveries until ctx is done: whenever a change is committed (watcher), when a
// retry is due, and every Poll in case a wake was missed.
func (d *Deliverer) Run(ctx context.Context, watcher live.Watcher) {
	if watcher != nil {
		stop := watcher.Watch([]string{webhookdelivery.Table}, d.Wake)
		defer stop()
	}
	var pruned time.Time
	for {
		if time.Since(pruned) >= time.Hour {
			if err := d.Prune(ctx); err != nil && ctx.Err() == nil {
				d.log.ErrorContext(ctx, "deleting old deliveries of webhooks", "error", err)
			}
			pruned = time.Now()
		}
		sent, next, err := d.Round(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.ErrorContext(ctx, "delivering to webhooks", "error", err)
		}
		if sent > 0 && err == nil {
			continue // more may be ready: a webhook's next delivery, or more than a batch
		}
		pause := d.Poll
		if !next.IsZero() {
			pause = min(pause, max(time.Until(next), 10*time.Millisecond))
		}
		timer := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-d.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// Prune deletes the deliveries that were delivered or given up more than Keep ago.
func (d *Deliverer) Prune(ctx context.Context) error {
	_, err := d.client.WebhookDelivery.Delete().
		Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusPENDING), webhookdelivery.UpdatedAtLT(time.Now().Add(-d.Keep))).
		Exec(auth.System(ctx))
	return err
}

// Round claims the deliveries that are due, sends them at once and records how each went. It
// returns how many it sent and when the next pending one is due (zero when none is).
func (d *Deliverer) Round(ctx context.Context) (int, time.Time, error) {
	claimed, err := d.claim(ctx)
	if err != nil || len(claimed) == 0 {
		next, nerr := d.nextDue(ctx)
		return 0, next, errors.Join(err, nerr)
	}
	var wg sync.WaitGroup
	outcomes := make([]outcome, len(claimed))
	for i, c := range claimed {
		wg.Go(func() { outcomes[i] = d.deliver(ctx, c) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return 0, time.Time{}, nil // stopping: the leases run out and the deliveries are tried again later
	}
	return len(claimed), time.Time{}, d.record(ctx, outcomes)
}

// outcome is how the attempt of a delivery went.
type outcome struct {
	delivery *ent.WebhookDelivery
	at       time.Time
	err      error  // why the receiver did not take it
	disable  string // why its webhook is to be disabled
	skipped  bool   // not sent: its webhook is gone
}

// record writes the outcomes of a round in one transaction, and disables the webhooks that
// are to be.
func (d *Deliverer) record(ctx context.Context, outcomes []outcome) error {
	system := auth.System(ctx)
	tx, err := d.client.Tx(system)
	if err != nil {
		return err
	}
	var taken []string
	disable := map[*ent.Webhook]string{}
	for _, o := range outcomes {
		switch {
		case o.skipped:
		case o.disable != "" && o.err == nil:
			disable[o.delivery.Edges.Webhook] = o.disable
		case o.err == nil:
			taken = append(taken, o.delivery.ID)
		default:
			next := o.at.Add(d.Retry(o.delivery.Attempts + 1))
			err = tx.WebhookDelivery.UpdateOneID(o.delivery.ID).AddAttempts(1).ClearLeaseUntil().
				SetLastError(o.err.Error()).SetNextAttemptAt(next).Exec(system)
			if err == nil {
				// The deliveries after it wait for it: they are not due before it, and a
				// claim does not read them until then.
				err = tx.WebhookDelivery.Update().
					Where(webhookdelivery.WebhookID(o.delivery.WebhookID), webhookdelivery.EventEQ(o.delivery.Event),
						pending(), webhookdelivery.SeqGT(o.delivery.Seq),
						webhookdelivery.NextAttemptAtLT(next)).
					SetNextAttemptAt(next).Exec(system)
			}
			if o.disable != "" {
				disable[o.delivery.Edges.Webhook] = o.disable
			}
		}
		if err != nil {
			tx.Rollback()
			return err
		}
	}
	if len(taken) > 0 {
		err = tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(taken...)).
			SetStatus(webhookdelivery.StatusDELIVERED).SetDeliveredAt(time.Now()).AddAttempts(1).
			ClearLeaseUntil().ClearLastError().Exec(system)
	}
	for h, reason := range disable {
		if err != nil {
			break
		}
		err = d.disable(system, tx, h, reason)
	}
	if err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// pendingIn is the condition that a delivery of table t is pending, written as the partial
// indexes of the outbox are (ent/schema/webhook.go), with the value in the statement rather than
// a parameter: only then may the databases read those indexes.
func pendingIn(t interface{ C(string) string }) *sql.Predicate {
	return sql.ExprP(t.C(webhookdelivery.FieldStatus) + " = '" + webhookdelivery.StatusPENDING.String() + "'")
}

// pending keeps the pending deliveries (pendingIn).
func pending() predicate.WebhookDelivery {
	return func(s *sql.Selector) { s.Where(pendingIn(s)) }
}

// headOfQueue keeps the deliveries that no earlier pending delivery of the same webhook and
// event comes before: a webhook is sent each event's changes in order.
func headOfQueue() predicate.WebhookDelivery {
	return func(s *sql.Selector) {
		earlier := sql.Table(webhookdelivery.Table).As("earlier")
		s.Where(sql.Not(sql.Exists(
			sql.Dialect(s.Dialect()).Select(earlier.C(webhookdelivery.FieldID)).From(earlier).Where(sql.And(
				sql.ColumnsEQ(earlier.C(webhookdelivery.FieldWebhookID), s.C(webhookdelivery.FieldWebhookID)),
				sql.ColumnsEQ(earlier.C(webhookdelivery.FieldEvent), s.C(webhookdelivery.FieldEvent)),
				pendingIn(earlier),
				sql.ColumnsLT(earlier.C(webhookdelivery.FieldSeq), s.C(webhookdelivery.FieldSeq)),
			)),
		)))
	}
}

// claim leases the deliveries that are due to this instance, with their webhooks.
func (d *Deliverer) claim(ctx context.Context) ([]*ent.WebhookDelivery, error) {
	system := auth.System(ctx)
	tx, err := d.client.Tx(system)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	q := tx.WebhookDelivery.Query().
		Where(
			pending(),
			webhookdelivery.NextAttemptAtLTE(now),
			webhookdelivery.Or(webhookdelivery.LeaseUntilIsNil(), webhookdelivery.LeaseUntilLT(now)),
			webhookdelivery.HasWebhookWith(webhook.DisabledAtIsNil()),
			headOfQueue(),
		).
		Order(webhookdelivery.ByNextAttemptAt()).
		Limit(d.Batch)
	if d.postgres {
		// Another instance's claims of the moment are passed over, not waited for.
		q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
	}
	claimed, err := q.All(system)
	if err == nil && len(claimed) > 0 {
		ids := make([]string, len(claimed))
		for i, c := range claimed {
			ids[i] = c.ID
		}
		err = tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...)).SetLeaseUntil(now.Add(d.Lease)).Exec(system)
	}
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if len(claimed) == 0 {
		return nil, nil
	}
	// The webhooks, with their keys, read after the claim: a key revoked since stops them.
	ids := make([]string, 0, len(claimed))
	for _, c := range claimed {
		ids = append(ids, c.WebhookID)
	}
	hooks, err := d.client.Webhook.Query().Where(webhook.IDIn(ids...)).WithKey().All(system)
	if err != nil {
		return nil, err
	}
	byID := map[string]*ent.Webhook{}
	for _, h := range hooks {
		byID[h.ID] = h
	}
	for _, c := range claimed {
		c.Edges.Webhook = byID[c.WebhookID]
	}
	return claimed, nil
}

// nextDue returns when the next pending delivery is due; zero when none is.
func (d *Deliverer) nextDue(ctx context.Context) (time.Time, error) {
	next, err := d.client.WebhookDelivery.Query().
		Where(pending(), webhookdelivery.HasWebhookWith(webhook.DisabledAtIsNil())).
		Order(webhookdelivery.ByNextAttemptAt()).
		Select(webhookdelivery.FieldNextAttemptAt).
		First(auth.System(ctx))
	if ent.IsNotFound(err) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return next.NextAttemptAt, nil
}

// deliver sends c to its webhook, and says how it went.
func (d *Deliverer) deliver(ctx context.Context, c *ent.WebhookDelivery) outcome {
	h := c.Edges.Webhook
	switch {
	case h == nil:
		return outcome{delivery: c, skipped: true} // deleted since the claim, with its deliveries
	case h.Edges.Key == nil || h.Edges.Key.RevokedAt != nil:
		return outcome{delivery: c, disable: "the API key that made the webhook was revoked"}
	}
	err := d.send(ctx, h, c)
	o := outcome{delivery: c, at: time.Now(), err: err}
	if err != nil && o.at.Sub(c.CreatedAt) >= d.GiveUpAfter {
		o.disable = fmt.Sprintf("its deliveries failed for %s; the last error: %s", d.GiveUpAfter, err)
	}
	return o
}

// send posts the delivery to the webhook's URL, signed; only a 2xx answer takes it.
func (d *Deliverer) send(ctx context.Context, h *ent.Webhook, c *ent.WebhookDelivery) error {
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	body := []byte(c.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Maarid-Webhooks/1")
	req.Header.Set("Maarid-Delivery", c.ID)
	req.Header.Set("Maarid-Event", c.Event.String())
	req.Header.Set("Maarid-Signature", Sign(h.Secret, time.Now(), body))
	res, err := d.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	// A little of the answer, for the error, and so that the connection can be used again.
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("HTTP %d: %s", res.StatusCode, excerpt(answer, 200))
	}
	return nil
}

// excerpt returns the start of b as text, at most n bytes.
func excerpt(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	return string(bytes.ToValidUTF8(bytes.TrimSpace(b), []byte("?")))
}

// disable disables webhook h for reason, and marks its pending deliveries FAILED, in tx.
func (d *Deliverer) disable(ctx context.Context, tx *ent.Tx, h *ent.Webhook, reason string) error {
	err := tx.Webhook.UpdateOneID(h.ID).SetDisabledAt(time.Now()).SetDisabledReason(truncate(reason, 1000)).Exec(ctx)
	if err == nil {
		err = tx.WebhookDelivery.Update().
			Where(webhookdelivery.WebhookID(h.ID), pending()).
			SetStatus(webhookdelivery.StatusFAILED).ClearLeaseUntil().Exec(ctx)
	}
	if err == nil {
		d.log.WarnContext(ctx, "a webhook was disabled", "webhook", h.ID, "reason", reason)
	}
	return err
}

// truncate cuts s to at most n bytes, on a character's boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return excerpt([]byte(s), n)
}
