-- Create "webhooks" table
CREATE TABLE `webhooks` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `url` text NOT NULL, `events` json NOT NULL, `secret` text NOT NULL, `role` text NOT NULL, `disabled_at` datetime NULL, `disabled_reason` text NULL, `key_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `webhooks_api_keys_key` FOREIGN KEY (`key_id`) REFERENCES `api_keys` (`id`) ON DELETE NO ACTION);
-- Create index "webhook_updated_at_id" to table: "webhooks"
CREATE INDEX `webhook_updated_at_id` ON `webhooks` (`updated_at`, `id`);
-- Create index "webhook_key_id" to table: "webhooks"
CREATE INDEX `webhook_key_id` ON `webhooks` (`key_id`);
-- Create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `event` text NOT NULL, `seq` integer NOT NULL, `payload` text NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `attempts` integer NOT NULL DEFAULT (0), `next_attempt_at` datetime NOT NULL, `lease_until` datetime NULL, `last_error` text NULL, `delivered_at` datetime NULL, `webhook_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `webhook_deliveries_webhooks_deliveries` FOREIGN KEY (`webhook_id`) REFERENCES `webhooks` (`id`) ON DELETE CASCADE);
-- Create index "webhookdelivery_due" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_due` ON `webhook_deliveries` (`next_attempt_at`) WHERE status = 'PENDING';
-- Create index "webhookdelivery_queue" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_queue` ON `webhook_deliveries` (`webhook_id`, `event`, `seq`) WHERE status = 'PENDING';
-- Create index "webhookdelivery_webhook_id_created_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_webhook_id_created_at` ON `webhook_deliveries` (`webhook_id`, `created_at`);
