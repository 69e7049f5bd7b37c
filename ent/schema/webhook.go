package schema

import (
	"context"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"maarid/auth"
	gen "maarid/ent"
	"maarid/ent/privacy"
	"maarid/ent/webhook"
	"maarid/ent/webhookdelivery"
	"maarid/gid"
)

// Webhook is where a partner's or an organiser's system is told of the catalogue's and the
// programme's changes (package webhooks). Its secret signs every delivery; it is kept as it
// is, to sign with, and shown once, when the webhook is made.
type Webhook struct{ ent.Schema }

func (Webhook) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.Webhook}, timeMixin{}}
}

func (Webhook) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").
			NotEmpty().
			MaxLen(2000).
			Immutable(),
		field.Strings("events").
			Immutable().
			Comment("What the webhook is told of: CATALOGUE_CHANGED, PROGRAMME_CHANGED."),
		field.String("secret").
			Sensitive().
			NotEmpty().
			Immutable(),
		field.String("key_id").
			Immutable().
			Comment("The API key that made the webhook, whose standing decides what it is told."),
		field.Enum("role").
			Values("PARTNER", "ORGANISER").
			Immutable().
			Comment("The role of the key that made it: what the webhook is told of, as that role sees it."),
		field.Time("disabled_at").
			Optional().
			Nillable(),
		field.String("disabled_reason").
			Optional().
			Nillable().
			MaxLen(1000),
	}
}

func (Webhook) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("key", APIKey.Type).
			Field("key_id").
			Unique().
			Required().
			Immutable(),
	}
}

func (Webhook) Indexes() []ent.Index {
	return []ent.Index{index.Fields("key_id")}
}

// Annotations keep webhooks out of the generated SDL; their GraphQL face is hand-written.
func (Webhook) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// Policy: organisers see and change every webhook; a partner key sees, makes and deletes its
// own; no one else has webhooks.
func (Webhook) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{allowOrganiser, privacy.WebhookQueryRuleFunc(func(ctx context.Context, q *gen.WebhookQuery) error {
			if v := auth.FromContext(ctx); v.Role == auth.Partner && v.KeyID != "" {
				q.Where(webhook.KeyID(v.KeyID))
				return privacy.Allow
			}
			return privacy.Denyf("webhooks are partners' and organisers'")
		})},
		Mutation: privacy.MutationPolicy{allowOrganiser, ownWebhooks},
	}
}

// ownWebhooks lets a partner key make webhooks of its own, and delete them, one at a time.
var ownWebhooks = privacy.WebhookMutationRuleFunc(func(ctx context.Context, m *gen.WebhookMutation) error {
	v := auth.FromContext(ctx)
	if v.Role != auth.Partner || v.KeyID == "" {
		return privacy.Denyf("webhooks are partners' and organisers'")
	}
	switch {
	case m.Op().Is(ent.OpCreate):
		if key, _ := m.KeyID(); key != v.KeyID {
			return privacy.Denyf("a partner key makes webhooks of its own only")
		}
		return privacy.Allow
	case m.Op().Is(ent.OpDeleteOne):
		id, _ := m.ID()
		own, err := m.Client().Webhook.Query().Where(webhook.ID(id), webhook.KeyID(v.KeyID)).Exist(auth.System(ctx))
		switch {
		case err != nil:
			return err
		case !own:
			return notFound("webhook", id)
		}
		return privacy.Allow
	}
	return privacy.Denyf("a partner key makes and deletes its webhooks, one at a time")
})

// WebhookDelivery is one change to deliver to a webhook, written in the transaction of the
// change (the outbox) and sent, then retried, by package webhooks until the webhook's
// receiver takes it. Its ID is the Maarid-Delivery header, the same on every attempt.
type WebhookDelivery struct{ ent.Schema }

func (WebhookDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{idMixin{prefix: gid.WebhookDelivery}}
}

// Fields: a delivery's times are not indexed as the catalogue's rows' are (timeMixin):
// nothing pages through deliveries by them, and every change writes one a webhook.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Immutable().
			Default(time.Now),
		field.Time("updated_at").
			Default(time.Now).
			UpdateDefault(time.Now),
		field.String("webhook_id").
			Immutable(),
		field.Enum("event").
			Values("CATALOGUE_CHANGED", "PROGRAMME_CHANGED").
			Immutable(),
		field.Int64("seq").
			Immutable().
			Comment("The change's place in its log: deliveries of one event go to a webhook in its order."),
		field.Text("payload").
			Immutable().
			Comment("The JSON body, as sent on every attempt."),
		field.Enum("status").
			Values("PENDING", "DELIVERED", "FAILED").
			Default("PENDING"),
		field.Int("attempts").
			Default(0).
			NonNegative(),
		field.Time("next_attempt_at").
			Default(time.Now),
		field.Time("lease_until").
			Optional().
			Nillable().
			Comment("While an instance sends the delivery, no other claims it."),
		field.String("last_error").
			Optional().
			Nillable(),
		field.Time("delivered_at").
			Optional().
			Nillable(),
	}
}

func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("webhook", Webhook.Type).
			Ref("deliveries").
			Field("webhook_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes: the outbox's queue is its pending deliveries; the delivered and failed ones, kept to
// be listed, stay out of the indexes a claim reads, so that a claim costs what is pending, not
// what was ever delivered.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("next_attempt_at").
			Annotations(entsql.IndexWhere("status = 'PENDING'")).
			StorageKey("webhookdelivery_due"),
		index.Fields("webhook_id", "event", "seq").
			Annotations(entsql.IndexWhere("status = 'PENDING'")).
			StorageKey("webhookdelivery_queue"),
		index.Fields("webhook_id", "created_at"),
	}
}

func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip()}
}

// Policy: a delivery is seen by who sees its webhook, and written by Maarid only.
func (WebhookDelivery) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{allowOrganiser, privacy.WebhookDeliveryQueryRuleFunc(func(ctx context.Context, q *gen.WebhookDeliveryQuery) error {
			if v := auth.FromContext(ctx); v.Role == auth.Partner && v.KeyID != "" {
				q.Where(webhookdelivery.HasWebhookWith(webhook.KeyID(v.KeyID)))
				return privacy.Allow
			}
			return privacy.Denyf("webhooks are partners' and organisers'")
		})},
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
