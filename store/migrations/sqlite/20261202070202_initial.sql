-- Create "api_keys" table
CREATE TABLE `api_keys` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `role` text NOT NULL, `secret_hash` blob NOT NULL, `last_used_at` datetime NULL, `revoked_at` datetime NULL, `exhibitor_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `api_keys_exhibitors_api_keys` FOREIGN KEY (`exhibitor_id`) REFERENCES `exhibitors` (`id`) ON DELETE SET NULL);
-- Create index "api_keys_secret_hash_key" to table: "api_keys"
CREATE UNIQUE INDEX `api_keys_secret_hash_key` ON `api_keys` (`secret_hash`);
-- Create index "apikey_updated_at_id" to table: "api_keys"
CREATE INDEX `apikey_updated_at_id` ON `api_keys` (`updated_at`, `id`);
-- Create "categories" table
CREATE TABLE `categories` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name_sort_ar` text NOT NULL DEFAULT (''), `name_sort_fr` text NOT NULL DEFAULT (''), `name_sort_en` text NOT NULL DEFAULT (''), `name_sort_zgh` text NOT NULL DEFAULT (''), `name` json NOT NULL, `description` json NOT NULL, `slug` text NOT NULL, `position` integer NOT NULL DEFAULT (0), `parent_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `categories_categories_children` FOREIGN KEY (`parent_id`) REFERENCES `categories` (`id`) ON DELETE SET NULL);
-- Create index "categories_slug_key" to table: "categories"
CREATE UNIQUE INDEX `categories_slug_key` ON `categories` (`slug`);
-- Create index "category_updated_at_id" to table: "categories"
CREATE INDEX `category_updated_at_id` ON `categories` (`updated_at`, `id`);
-- Create index "category_parent_id_position" to table: "categories"
CREATE INDEX `category_parent_id_position` ON `categories` (`parent_id`, `position`);
-- Create "exhibitors" table
CREATE TABLE `exhibitors` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name_sort_ar` text NOT NULL DEFAULT (''), `name_sort_fr` text NOT NULL DEFAULT (''), `name_sort_en` text NOT NULL DEFAULT (''), `name_sort_zgh` text NOT NULL DEFAULT (''), `name` json NOT NULL, `description` json NOT NULL, `commune` json NOT NULL, `slug` text NOT NULL, `kind` text NOT NULL, `sector` text NOT NULL, `province` text NOT NULL, `founded_year` integer NULL, `member_count` integer NULL, `women_led` bool NOT NULL DEFAULT (false), `youth_led` bool NOT NULL DEFAULT (false), `contact` json NULL, `logo_url` text NULL, `labels` json NOT NULL, `published` bool NOT NULL DEFAULT (true), `withdrawn` bool NOT NULL DEFAULT (false), PRIMARY KEY (`id`));
-- Create index "exhibitors_slug_key" to table: "exhibitors"
CREATE UNIQUE INDEX `exhibitors_slug_key` ON `exhibitors` (`slug`);
-- Create index "exhibitor_updated_at_id" to table: "exhibitors"
CREATE INDEX `exhibitor_updated_at_id` ON `exhibitors` (`updated_at`, `id`);
-- Create index "exhibitor_name_sort_ar_id" to table: "exhibitors"
CREATE INDEX `exhibitor_name_sort_ar_id` ON `exhibitors` (`name_sort_ar`, `id`);
-- Create index "exhibitor_name_sort_fr_id" to table: "exhibitors"
CREATE INDEX `exhibitor_name_sort_fr_id` ON `exhibitors` (`name_sort_fr`, `id`);
-- Create index "exhibitor_name_sort_en_id" to table: "exhibitors"
CREATE INDEX `exhibitor_name_sort_en_id` ON `exhibitors` (`name_sort_en`, `id`);
-- Create index "exhibitor_name_sort_zgh_id" to table: "exhibitors"
CREATE INDEX `exhibitor_name_sort_zgh_id` ON `exhibitors` (`name_sort_zgh`, `id`);
-- Create index "exhibitor_province_name_sort_ar" to table: "exhibitors"
CREATE INDEX `exhibitor_province_name_sort_ar` ON `exhibitors` (`province`, `name_sort_ar`);
-- Create index "exhibitor_kind" to table: "exhibitors"
CREATE INDEX `exhibitor_kind` ON `exhibitors` (`kind`);
-- Create "fairs" table
CREATE TABLE `fairs` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` json NOT NULL, `theme` json NOT NULL, `city` json NOT NULL, `region` json NOT NULL, `venue` json NOT NULL, `organizer` json NOT NULL, `slug` text NOT NULL, `edition` integer NOT NULL DEFAULT (1), `starts_on` datetime NOT NULL, `ends_on` datetime NOT NULL, `time_zone` text NOT NULL DEFAULT ('Africa/Casablanca'), `currency` text NOT NULL DEFAULT ('MAD'), `area_sqm` real NULL, `default_language` text NOT NULL DEFAULT ('ar'), `demo` bool NOT NULL DEFAULT (false), PRIMARY KEY (`id`));
-- Create index "fairs_slug_key" to table: "fairs"
CREATE UNIQUE INDEX `fairs_slug_key` ON `fairs` (`slug`);
-- Create index "fair_updated_at_id" to table: "fairs"
CREATE INDEX `fair_updated_at_id` ON `fairs` (`updated_at`, `id`);
-- Create index "fair_starts_on" to table: "fairs"
CREATE INDEX `fair_starts_on` ON `fairs` (`starts_on`);
-- Create "products" table
CREATE TABLE `products` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name_sort_ar` text NOT NULL DEFAULT (''), `name_sort_fr` text NOT NULL DEFAULT (''), `name_sort_en` text NOT NULL DEFAULT (''), `name_sort_zgh` text NOT NULL DEFAULT (''), `name` json NOT NULL, `description` json NOT NULL, `unit` json NOT NULL, `price` text NOT NULL, `price_minor_units` integer NOT NULL, `labels` json NOT NULL, `available` bool NOT NULL DEFAULT (true), `image_urls` json NOT NULL, `published` bool NOT NULL DEFAULT (true), `withdrawn` bool NOT NULL DEFAULT (false), `listed` bool NOT NULL DEFAULT (true), `category_id` text NULL, `exhibitor_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `products_categories_products` FOREIGN KEY (`category_id`) REFERENCES `categories` (`id`) ON DELETE SET NULL, CONSTRAINT `products_exhibitors_products` FOREIGN KEY (`exhibitor_id`) REFERENCES `exhibitors` (`id`) ON DELETE NO ACTION);
-- Create index "product_updated_at_id" to table: "products"
CREATE INDEX `product_updated_at_id` ON `products` (`updated_at`, `id`);
-- Create index "product_name_sort_ar_id" to table: "products"
CREATE INDEX `product_name_sort_ar_id` ON `products` (`name_sort_ar`, `id`);
-- Create index "product_name_sort_fr_id" to table: "products"
CREATE INDEX `product_name_sort_fr_id` ON `products` (`name_sort_fr`, `id`);
-- Create index "product_name_sort_en_id" to table: "products"
CREATE INDEX `product_name_sort_en_id` ON `products` (`name_sort_en`, `id`);
-- Create index "product_name_sort_zgh_id" to table: "products"
CREATE INDEX `product_name_sort_zgh_id` ON `products` (`name_sort_zgh`, `id`);
-- Create index "product_exhibitor_id_name_sort_ar_id" to table: "products"
CREATE INDEX `product_exhibitor_id_name_sort_ar_id` ON `products` (`exhibitor_id`, `name_sort_ar`, `id`);
-- Create index "product_category_id_price_minor_units" to table: "products"
CREATE INDEX `product_category_id_price_minor_units` ON `products` (`category_id`, `price_minor_units`);
-- Create index "product_listed_category_id" to table: "products"
CREATE INDEX `product_listed_category_id` ON `products` (`listed`, `category_id`);
-- Create index "product_listed_exhibitor_id" to table: "products"
CREATE INDEX `product_listed_exhibitor_id` ON `products` (`listed`, `exhibitor_id`);
-- Create index "product_price_minor_units_name_sort_ar_id" to table: "products"
CREATE INDEX `product_price_minor_units_name_sort_ar_id` ON `products` (`price_minor_units`, `name_sort_ar`, `id`);
-- Create index "product_price_minor_units_name_sort_fr_id" to table: "products"
CREATE INDEX `product_price_minor_units_name_sort_fr_id` ON `products` (`price_minor_units`, `name_sort_fr`, `id`);
-- Create "programme_changes" table
CREATE TABLE `programme_changes` (`id` text NOT NULL, `seq` integer NOT NULL, `kind` text NOT NULL, `before` json NULL, `after` json NOT NULL, `reason` text NULL, `at` datetime NOT NULL, `actor` text NULL, `fair_id` text NOT NULL, `session_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `programme_changes_fairs_changes` FOREIGN KEY (`fair_id`) REFERENCES `fairs` (`id`) ON DELETE NO ACTION, CONSTRAINT `programme_changes_sessions_changes` FOREIGN KEY (`session_id`) REFERENCES `sessions` (`id`) ON DELETE NO ACTION);
-- Create index "programme_changes_seq_key" to table: "programme_changes"
CREATE UNIQUE INDEX `programme_changes_seq_key` ON `programme_changes` (`seq`);
-- Create index "programmechange_fair_id_seq" to table: "programme_changes"
CREATE INDEX `programmechange_fair_id_seq` ON `programme_changes` (`fair_id`, `seq`);
-- Create index "programmechange_session_id_seq" to table: "programme_changes"
CREATE INDEX `programmechange_session_id_seq` ON `programme_changes` (`session_id`, `seq`);
-- Create "registrations" table
CREATE TABLE `registrations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `email` text NULL, `phone` text NULL, `status` text NOT NULL, `manage_token_hash` blob NULL, `exhibitor_id` text NULL, `session_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `registrations_exhibitors_registrations` FOREIGN KEY (`exhibitor_id`) REFERENCES `exhibitors` (`id`) ON DELETE SET NULL, CONSTRAINT `registrations_sessions_registrations` FOREIGN KEY (`session_id`) REFERENCES `sessions` (`id`) ON DELETE NO ACTION);
-- Create index "registrations_manage_token_hash_key" to table: "registrations"
CREATE UNIQUE INDEX `registrations_manage_token_hash_key` ON `registrations` (`manage_token_hash`);
-- Create index "registration_updated_at_id" to table: "registrations"
CREATE INDEX `registration_updated_at_id` ON `registrations` (`updated_at`, `id`);
-- Create index "registration_session_id_status_created_at" to table: "registrations"
CREATE INDEX `registration_session_id_status_created_at` ON `registrations` (`session_id`, `status`, `created_at`);
-- Create index "registration_exhibitor_id" to table: "registrations"
CREATE INDEX `registration_exhibitor_id` ON `registrations` (`exhibitor_id`);
-- Create "sessions" table
CREATE TABLE `sessions` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` json NOT NULL, `description` json NOT NULL, `audience` json NOT NULL, `kind` text NOT NULL, `topics` json NOT NULL, `languages` json NOT NULL, `starts_at` datetime NOT NULL, `ends_at` datetime NOT NULL, `capacity` integer NULL, `status` text NOT NULL DEFAULT ('SCHEDULED'), `version` integer NOT NULL DEFAULT (1), `seats_left` integer NULL, `published` bool NOT NULL DEFAULT (true), `fair_id` text NOT NULL, `space_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `sessions_fairs_sessions` FOREIGN KEY (`fair_id`) REFERENCES `fairs` (`id`) ON DELETE NO ACTION, CONSTRAINT `sessions_spaces_sessions` FOREIGN KEY (`space_id`) REFERENCES `spaces` (`id`) ON DELETE SET NULL);
-- Create index "session_updated_at_id" to table: "sessions"
CREATE INDEX `session_updated_at_id` ON `sessions` (`updated_at`, `id`);
-- Create index "session_starts_at_id" to table: "sessions"
CREATE INDEX `session_starts_at_id` ON `sessions` (`starts_at`, `id`);
-- Create index "session_fair_id_starts_at" to table: "sessions"
CREATE INDEX `session_fair_id_starts_at` ON `sessions` (`fair_id`, `starts_at`);
-- Create index "session_space_id_starts_at" to table: "sessions"
CREATE INDEX `session_space_id_starts_at` ON `sessions` (`space_id`, `starts_at`);
-- Create "spaces" table
CREATE TABLE `spaces` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name_sort_ar` text NOT NULL DEFAULT (''), `name_sort_fr` text NOT NULL DEFAULT (''), `name_sort_en` text NOT NULL DEFAULT (''), `name_sort_zgh` text NOT NULL DEFAULT (''), `name` json NOT NULL, `description` json NOT NULL, `kind` text NOT NULL, `capacity` integer NULL, `position` integer NOT NULL DEFAULT (0), `fair_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `spaces_fairs_spaces` FOREIGN KEY (`fair_id`) REFERENCES `fairs` (`id`) ON DELETE NO ACTION);
-- Create index "space_updated_at_id" to table: "spaces"
CREATE INDEX `space_updated_at_id` ON `spaces` (`updated_at`, `id`);
-- Create index "space_fair_id_position" to table: "spaces"
CREATE INDEX `space_fair_id_position` ON `spaces` (`fair_id`, `position`);
-- Create "speakers" table
CREATE TABLE `speakers` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `organization` text NULL, `bio` json NOT NULL, `photo_url` text NULL, PRIMARY KEY (`id`));
-- Create index "speaker_updated_at_id" to table: "speakers"
CREATE INDEX `speaker_updated_at_id` ON `speakers` (`updated_at`, `id`);
-- Create index "speaker_name" to table: "speakers"
CREATE INDEX `speaker_name` ON `speakers` (`name`);
-- Create "stands" table
CREATE TABLE `stands` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `code` text NOT NULL, `hall` text NOT NULL, `area_sqm` real NULL, `exhibitor_id` text NOT NULL, `fair_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `stands_exhibitors_stands` FOREIGN KEY (`exhibitor_id`) REFERENCES `exhibitors` (`id`) ON DELETE NO ACTION, CONSTRAINT `stands_fairs_stands` FOREIGN KEY (`fair_id`) REFERENCES `fairs` (`id`) ON DELETE NO ACTION);
-- Create index "stand_updated_at_id" to table: "stands"
CREATE INDEX `stand_updated_at_id` ON `stands` (`updated_at`, `id`);
-- Create index "stand_fair_id_code" to table: "stands"
CREATE UNIQUE INDEX `stand_fair_id_code` ON `stands` (`fair_id`, `code`);
-- Create index "stand_exhibitor_id" to table: "stands"
CREATE INDEX `stand_exhibitor_id` ON `stands` (`exhibitor_id`);
-- Create "session_speakers" table
CREATE TABLE `session_speakers` (`session_id` text NOT NULL, `speaker_id` text NOT NULL, PRIMARY KEY (`session_id`, `speaker_id`), CONSTRAINT `session_speakers_session_id` FOREIGN KEY (`session_id`) REFERENCES `sessions` (`id`) ON DELETE CASCADE, CONSTRAINT `session_speakers_speaker_id` FOREIGN KEY (`speaker_id`) REFERENCES `speakers` (`id`) ON DELETE CASCADE);
