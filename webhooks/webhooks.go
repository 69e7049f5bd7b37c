package webhooks

import (
	"context"
	"slices"

	"maarid"
	"maarid/auth"
	"maarid/ent"
	"maarid/ent/webhook"
	"maarid/ent/webhookdelivery"
)

// MaxPerKey is how many webhooks one API key may have.
const MaxPerKey = 100

// Create registers a webhook of the caller of ctx (a partner's or an organiser's key), told
// of events, at url, which policy must allow. It returns the webhook and its signing secret.
func Create(ctx context.Context, client *ent.Client, policy Policy, url string, events []webhookdelivery.Event) (*ent.Webhook, string, error) {
	v := auth.FromContext(ctx)
	role := webhook.RolePARTNER
	switch {
	case v.KeyID == "" || !v.Is(auth.Partner, auth.Organiser):
		return nil, "", maarid.Errorf(maarid.Forbidden, "webhooks are registered with a partner's or an organiser's key")
	case v.Is(auth.Organiser):
		role = webhook.RoleORGANISER
	}
	if err := policy.CheckURL(url); err != nil {
		return nil, "", err
	}
	if len(events) == 0 {
		return nil, "", maarid.Invalid("events", "name at least one event: %v", Events)
	}
	names := make([]string, 0, len(events))
	for _, e := range events {
		if err := webhookdelivery.EventValidator(e); err != nil {
			return nil, "", maarid.Invalid("events", "%q is not an event", e)
		}
		names = append(names, e.String())
	}
	slices.Sort(names)
	names = slices.Compact(names)
	n, err := client.Webhook.Query().Where(webhook.KeyID(v.KeyID)).Count(auth.System(ctx))
	if err != nil {
		return nil, "", err
	}
	if n >= MaxPerKey {
		return nil, "", maarid.Invalid("url", "a key has %d webhooks at most: delete one first", MaxPerKey)
	}
	secret := NewSecret()
	h, err := client.Webhook.Create().
		SetURL(url).
		SetEvents(names).
		SetSecret(secret).
		SetKeyID(v.KeyID).
		SetRole(role).
		Save(ctx)
	if err != nil {
		return nil, "", err
	}
	return h, secret, nil
}
