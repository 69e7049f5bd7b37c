// Package webhooks tells partners' and organisers' systems of the catalogue's and the
// programme's changes: each change is written, in the transaction of the change, as a delivery
// to every webhook told of its event (the outbox, Enqueue), and a Deliverer on every instance
// sends the deliveries, signed, and retries them until the webhook's receiver takes them.
package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"maarid/auth"
	"maarid/ent"
	"maarid/ent/webhook"
	"maarid/ent/webhookdelivery"
)

// The events a webhook is told of.
const (
	CatalogueChanged = webhookdelivery.EventCATALOGUE_CHANGED
	ProgrammeChanged = webhookdelivery.EventPROGRAMME_CHANGED
)

// Events are the events a webhook may be told of.
var Events = []webhookdelivery.Event{CatalogueChanged, ProgrammeChanged}

// Change is an entry of a change log to tell the webhooks of its event about.
type Change struct {
	Event webhookdelivery.Event
	// Seq is the change's place in its log; its cursor.
	Seq int64
	At  time.Time
	// Fields returns the change's fields (kind, entity, entityID, …) as the viewer v sees
	// them, and false when v is not to be told of it. They depend on v's role only.
	Fields func(v *auth.Viewer) (map[string]any, bool)
}

// Enqueue writes a delivery of each change to every webhook that is told of its event and is
// not disabled, through client: in its transaction, so that a change and its deliveries
// commit together. Each webhook is told of a change as the key that made it sees it.
func Enqueue(ctx context.Context, client *ent.Client, changes ...Change) error {
	if len(changes) == 0 {
		return nil
	}
	system := auth.System(ctx)
	hooks, err := client.Webhook.Query().Where(webhook.DisabledAtIsNil()).
		Select(webhook.FieldID, webhook.FieldEvents, webhook.FieldKeyID, webhook.FieldRole).All(system)
	if err != nil || len(hooks) == 0 {
		return err
	}
	// The body of each change, as each role sees it: "" when it is not to be told of it.
	bodies := map[webhook.Role][]string{}
	for _, role := range []webhook.Role{webhook.RolePARTNER, webhook.RoleORGANISER} {
		viewer := &auth.Viewer{Role: auth.Partner}
		if role == webhook.RoleORGANISER {
			viewer.Role = auth.Organiser
		}
		bodies[role] = make([]string, len(changes))
		for i, c := range changes {
			fields, ok := c.Fields(viewer)
			if !ok {
				continue
			}
			body := map[string]any{"event": c.Event, "cursor": strconv.FormatInt(c.Seq, 10), "at": c.At.UTC().Format(time.RFC3339Nano)}
			for k, v := range fields {
				body[k] = v
			}
			payload, err := json.Marshal(body)
			if err != nil {
				return fmt.Errorf("the body of a delivery: %w", err)
			}
			bodies[role][i] = string(payload)
		}
	}
	var creates []*ent.WebhookDeliveryCreate
	for _, h := range hooks {
		for i, c := range changes {
			payload := bodies[h.Role][i]
			if payload == "" || !slices.Contains(h.Events, c.Event.String()) {
				continue
			}
			creates = append(creates, client.WebhookDelivery.Create().
				SetWebhookID(h.ID).
				SetEvent(c.Event).
				SetSeq(c.Seq).
				SetPayload(payload))
		}
	}
	for start := 0; start < len(creates); start += 500 {
		if err := client.WebhookDelivery.CreateBulk(creates[start:min(start+500, len(creates))]...).Exec(system); err != nil {
			return fmt.Errorf("writing the deliveries of a change: %w", err)
		}
	}
	return nil
}
