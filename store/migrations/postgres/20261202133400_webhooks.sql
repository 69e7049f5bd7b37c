-- Create "webhooks" table
CREATE TABLE "webhooks" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "url" character varying NOT NULL, "events" jsonb NOT NULL, "secret" character varying NOT NULL, "role" character varying NOT NULL, "disabled_at" timestamptz NULL, "disabled_reason" character varying NULL, "key_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhooks_api_keys_key" FOREIGN KEY ("key_id") REFERENCES "api_keys" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "webhook_key_id" to table: "webhooks"
CREATE INDEX "webhook_key_id" ON "webhooks" ("key_id");
-- Create index "webhook_updated_at_id" to table: "webhooks"
CREATE INDEX "webhook_updated_at_id" ON "webhooks" ("updated_at", "id");
-- Create "webhook_deliveries" table
CREATE TABLE "webhook_deliveries" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "event" character varying NOT NULL, "seq" bigint NOT NULL, "payload" text NOT NULL, "status" character varying NOT NULL DEFAULT 'PENDING', "attempts" bigint NOT NULL DEFAULT 0, "next_attempt_at" timestamptz NOT NULL, "lease_until" timestamptz NULL, "last_error" character varying NULL, "delivered_at" timestamptz NULL, "webhook_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "webhook_deliveries_webhooks_deliveries" FOREIGN KEY ("webhook_id") REFERENCES "webhooks" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
-- Create index "webhookdelivery_due" to table: "webhook_deliveries"
CREATE INDEX "webhookdelivery_due" ON "webhook_deliveries" ("next_attempt_at") WHERE ((status)::text = 'PENDING'::text);
-- Create index "webhookdelivery_queue" to table: "webhook_deliveries"
CREATE INDEX "webhookdelivery_queue" ON "webhook_deliveries" ("webhook_id", "event", "seq") WHERE ((status)::text = 'PENDING'::text);
-- Create index "webhookdelivery_webhook_id_created_at" to table: "webhook_deliveries"
CREATE INDEX "webhookdelivery_webhook_id_created_at" ON "webhook_deliveries" ("webhook_id", "created_at");
