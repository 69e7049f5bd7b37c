-- Create "exhibitors" table
CREATE TABLE "exhibitors" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name_sort_ar" character varying NOT NULL DEFAULT '', "name_sort_fr" character varying NOT NULL DEFAULT '', "name_sort_en" character varying NOT NULL DEFAULT '', "name_sort_zgh" character varying NOT NULL DEFAULT '', "name" jsonb NOT NULL, "description" jsonb NOT NULL, "commune" jsonb NOT NULL, "slug" character varying NOT NULL, "kind" character varying NOT NULL, "sector" character varying NOT NULL, "province" character varying NOT NULL, "founded_year" bigint NULL, "member_count" bigint NULL, "women_led" boolean NOT NULL DEFAULT false, "youth_led" boolean NOT NULL DEFAULT false, "contact" jsonb NULL, "logo_url" character varying NULL, "labels" jsonb NOT NULL, "published" boolean NOT NULL DEFAULT true, "withdrawn" boolean NOT NULL DEFAULT false, PRIMARY KEY ("id"));
-- Create index "exhibitor_kind" to table: "exhibitors"
CREATE INDEX "exhibitor_kind" ON "exhibitors" ("kind");
-- Create index "exhibitor_name_sort_ar_id" to table: "exhibitors"
CREATE INDEX "exhibitor_name_sort_ar_id" ON "exhibitors" ("name_sort_ar", "id");
-- Create index "exhibitor_name_sort_en_id" to table: "exhibitors"
CREATE INDEX "exhibitor_name_sort_en_id" ON "exhibitors" ("name_sort_en", "id");
-- Create index "exhibitor_name_sort_fr_id" to table: "exhibitors"
CREATE INDEX "exhibitor_name_sort_fr_id" ON "exhibitors" ("name_sort_fr", "id");
-- Create index "exhibitor_name_sort_zgh_id" to table: "exhibitors"
CREATE INDEX "exhibitor_name_sort_zgh_id" ON "exhibitors" ("name_sort_zgh", "id");
-- Create index "exhibitor_province_name_sort_ar" to table: "exhibitors"
CREATE INDEX "exhibitor_province_name_sort_ar" ON "exhibitors" ("province", "name_sort_ar");
-- Create index "exhibitor_updated_at_id" to table: "exhibitors"
CREATE INDEX "exhibitor_updated_at_id" ON "exhibitors" ("updated_at", "id");
-- Create index "exhibitors_slug_key" to table: "exhibitors"
CREATE UNIQUE INDEX "exhibitors_slug_key" ON "exhibitors" ("slug");
-- Create "api_keys" table
CREATE TABLE "api_keys" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "role" character varying NOT NULL, "secret_hash" bytea NOT NULL, "last_used_at" timestamptz NULL, "revoked_at" timestamptz NULL, "exhibitor_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "api_keys_exhibitors_api_keys" FOREIGN KEY ("exhibitor_id") REFERENCES "exhibitors" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- Create index "api_keys_secret_hash_key" to table: "api_keys"
CREATE UNIQUE INDEX "api_keys_secret_hash_key" ON "api_keys" ("secret_hash");
-- Create index "apikey_updated_at_id" to table: "api_keys"
CREATE INDEX "apikey_updated_at_id" ON "api_keys" ("updated_at", "id");
-- Create "categories" table
CREATE TABLE "categories" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name_sort_ar" character varying NOT NULL DEFAULT '', "name_sort_fr" character varying NOT NULL DEFAULT '', "name_sort_en" character varying NOT NULL DEFAULT '', "name_sort_zgh" character varying NOT NULL DEFAULT '', "name" jsonb NOT NULL, "description" jsonb NOT NULL, "slug" character varying NOT NULL, "position" bigint NOT NULL DEFAULT 0, "parent_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "categories_categories_children" FOREIGN KEY ("parent_id") REFERENCES "categories" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- Create index "categories_slug_key" to table: "categories"
CREATE UNIQUE INDEX "categories_slug_key" ON "categories" ("slug");
-- Create index "category_parent_id_position" to table: "categories"
CREATE INDEX "category_parent_id_position" ON "categories" ("parent_id", "position");
-- Create index "category_updated_at_id" to table: "categories"
CREATE INDEX "category_updated_at_id" ON "categories" ("updated_at", "id");
-- Create "products" table
CREATE TABLE "products" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name_sort_ar" character varying NOT NULL DEFAULT '', "name_sort_fr" character varying NOT NULL DEFAULT '', "name_sort_en" character varying NOT NULL DEFAULT '', "name_sort_zgh" character varying NOT NULL DEFAULT '', "name" jsonb NOT NULL, "description" jsonb NOT NULL, "unit" jsonb NOT NULL, "price" text NOT NULL, "price_minor_units" bigint NOT NULL, "labels" jsonb NOT NULL, "available" boolean NOT NULL DEFAULT true, "image_urls" jsonb NOT NULL, "published" boolean NOT NULL DEFAULT true, "withdrawn" boolean NOT NULL DEFAULT false, "listed" boolean NOT NULL DEFAULT true, "category_id" character varying NULL, "exhibitor_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "products_categories_products" FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "products_exhibitors_products" FOREIGN KEY ("exhibitor_id") REFERENCES "exhibitors" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "product_category_id_price_minor_units" to table: "products"
CREATE INDEX "product_category_id_price_minor_units" ON "products" ("category_id", "price_minor_units");
-- Create index "product_exhibitor_id_name_sort_ar_id" to table: "products"
CREATE INDEX "product_exhibitor_id_name_sort_ar_id" ON "products" ("exhibitor_id", "name_sort_ar", "id");
-- Create index "product_listed_category_id" to table: "products"
CREATE INDEX "product_listed_category_id" ON "products" ("listed", "category_id");
-- Create index "product_listed_exhibitor_id" to table: "products"
CREATE INDEX "product_listed_exhibitor_id" ON "products" ("listed", "exhibitor_id");
-- Create index "product_name_sort_ar_id" to table: "products"
CREATE INDEX "product_name_sort_ar_id" ON "products" ("name_sort_ar", "id");
-- Create index "product_name_sort_en_id" to table: "products"
CREATE INDEX "product_name_sort_en_id" ON "products" ("name_sort_en", "id");
-- Create index "product_name_sort_fr_id" to table: "products"
CREATE INDEX "product_name_sort_fr_id" ON "products" ("name_sort_fr", "id");
-- Create index "product_name_sort_zgh_id" to table: "products"
CREATE INDEX "product_name_sort_zgh_id" ON "products" ("name_sort_zgh", "id");
-- Create index "product_price_minor_units_name_sort_ar_id" to table: "products"
CREATE INDEX "product_price_minor_units_name_sort_ar_id" ON "products" ("price_minor_units", "name_sort_ar", "id");
-- Create index "product_price_minor_units_name_sort_fr_id" to table: "products"
CREATE INDEX "product_price_minor_units_name_sort_fr_id" ON "products" ("price_minor_units", "name_sort_fr", "id");
-- Create index "product_updated_at_id" to table: "products"
CREATE INDEX "product_updated_at_id" ON "products" ("updated_at", "id");
-- Create "fairs" table
CREATE TABLE "fairs" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" jsonb NOT NULL, "theme" jsonb NOT NULL, "city" jsonb NOT NULL, "region" jsonb NOT NULL, "venue" jsonb NOT NULL, "organizer" jsonb NOT NULL, "slug" character varying NOT NULL, "edition" bigint NOT NULL DEFAULT 1, "starts_on" timestamptz NOT NULL, "ends_on" timestamptz NOT NULL, "time_zone" character varying NOT NULL DEFAULT 'Africa/Casablanca', "currency" character varying NOT NULL DEFAULT 'MAD', "area_sqm" double precision NULL, "default_language" character varying NOT NULL DEFAULT 'ar', "demo" boolean NOT NULL DEFAULT false, PRIMARY KEY ("id"));
-- Create index "fair_starts_on" to table: "fairs"
CREATE INDEX "fair_starts_on" ON "fairs" ("starts_on");
-- Create index "fair_updated_at_id" to table: "fairs"
CREATE INDEX "fair_updated_at_id" ON "fairs" ("updated_at", "id");
-- Create index "fairs_slug_key" to table: "fairs"
CREATE UNIQUE INDEX "fairs_slug_key" ON "fairs" ("slug");
-- Create "spaces" table
CREATE TABLE "spaces" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name_sort_ar" character varying NOT NULL DEFAULT '', "name_sort_fr" character varying NOT NULL DEFAULT '', "name_sort_en" character varying NOT NULL DEFAULT '', "name_sort_zgh" character varying NOT NULL DEFAULT '', "name" jsonb NOT NULL, "description" jsonb NOT NULL, "kind" character varying NOT NULL, "capacity" bigint NULL, "position" bigint NOT NULL DEFAULT 0, "fair_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "spaces_fairs_spaces" FOREIGN KEY ("fair_id") REFERENCES "fairs" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "space_fair_id_position" to table: "spaces"
CREATE INDEX "space_fair_id_position" ON "spaces" ("fair_id", "position");
-- Create index "space_updated_at_id" to table: "spaces"
CREATE INDEX "space_updated_at_id" ON "spaces" ("updated_at", "id");
-- Create "sessions" table
CREATE TABLE "sessions" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "title" jsonb NOT NULL, "description" jsonb NOT NULL, "audience" jsonb NOT NULL, "kind" character varying NOT NULL, "topics" jsonb NOT NULL, "languages" jsonb NOT NULL, "starts_at" timestamptz NOT NULL, "ends_at" timestamptz NOT NULL, "capacity" bigint NULL, "status" character varying NOT NULL DEFAULT 'SCHEDULED', "version" bigint NOT NULL DEFAULT 1, "seats_left" bigint NULL, "published" boolean NOT NULL DEFAULT true, "fair_id" character varying NOT NULL, "space_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "sessions_fairs_sessions" FOREIGN KEY ("fair_id") REFERENCES "fairs" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "sessions_spaces_sessions" FOREIGN KEY ("space_id") REFERENCES "spaces" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- Create index "session_fair_id_starts_at" to table: "sessions"
CREATE INDEX "session_fair_id_starts_at" ON "sessions" ("fair_id", "starts_at");
-- Create index "session_space_id_starts_at" to table: "sessions"
CREATE INDEX "session_space_id_starts_at" ON "sessions" ("space_id", "starts_at");
-- Create index "session_starts_at_id" to table: "sessions"
CREATE INDEX "session_starts_at_id" ON "sessions" ("starts_at", "id");
-- Create index "session_updated_at_id" to table: "sessions"
CREATE INDEX "session_updated_at_id" ON "sessions" ("updated_at", "id");
-- Create "programme_changes" table
CREATE TABLE "programme_changes" ("id" character varying NOT NULL, "seq" bigint NOT NULL, "kind" character varying NOT NULL, "before" jsonb NULL, "after" jsonb NOT NULL, "reason" character varying NULL, "at" timestamptz NOT NULL, "actor" character varying NULL, "fair_id" character varying NOT NULL, "session_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "programme_changes_fairs_changes" FOREIGN KEY ("fair_id") REFERENCES "fairs" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "programme_changes_sessions_changes" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "programme_changes_seq_key" to table: "programme_changes"
CREATE UNIQUE INDEX "programme_changes_seq_key" ON "programme_changes" ("seq");
-- Create index "programmechange_fair_id_seq" to table: "programme_changes"
CREATE INDEX "programmechange_fair_id_seq" ON "programme_changes" ("fair_id", "seq");
-- Create index "programmechange_session_id_seq" to table: "programme_changes"
CREATE INDEX "programmechange_session_id_seq" ON "programme_changes" ("session_id", "seq");
-- Create "registrations" table
CREATE TABLE "registrations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "email" character varying NULL, "phone" character varying NULL, "status" character varying NOT NULL, "manage_token_hash" bytea NULL, "exhibitor_id" character varying NULL, "session_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "registrations_exhibitors_registrations" FOREIGN KEY ("exhibitor_id") REFERENCES "exhibitors" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "registrations_sessions_registrations" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "registration_exhibitor_id" to table: "registrations"
CREATE INDEX "registration_exhibitor_id" ON "registrations" ("exhibitor_id");
-- Create index "registration_session_id_status_created_at" to table: "registrations"
CREATE INDEX "registration_session_id_status_created_at" ON "registrations" ("session_id", "status", "created_at");
-- Create index "registration_updated_at_id" to table: "registrations"
CREATE INDEX "registration_updated_at_id" ON "registrations" ("updated_at", "id");
-- Create index "registrations_manage_token_hash_key" to table: "registrations"
CREATE UNIQUE INDEX "registrations_manage_token_hash_key" ON "registrations" ("manage_token_hash");
-- Create "speakers" table
CREATE TABLE "speakers" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "organization" character varying NULL, "bio" jsonb NOT NULL, "photo_url" character varying NULL, PRIMARY KEY ("id"));
-- Create index "speaker_name" to table: "speakers"
CREATE INDEX "speaker_name" ON "speakers" ("name");
-- Create index "speaker_updated_at_id" to table: "speakers"
CREATE INDEX "speaker_updated_at_id" ON "speakers" ("updated_at", "id");
-- Create "session_speakers" table
CREATE TABLE "session_speakers" ("session_id" character varying NOT NULL, "speaker_id" character varying NOT NULL, PRIMARY KEY ("session_id", "speaker_id"), CONSTRAINT "session_speakers_session_id" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "session_speakers_speaker_id" FOREIGN KEY ("speaker_id") REFERENCES "speakers" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
-- Create "stands" table
CREATE TABLE "stands" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "code" character varying NOT NULL, "hall" character varying NOT NULL, "area_sqm" double precision NULL, "exhibitor_id" character varying NOT NULL, "fair_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "stands_exhibitors_stands" FOREIGN KEY ("exhibitor_id") REFERENCES "exhibitors" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "stands_fairs_stands" FOREIGN KEY ("fair_id") REFERENCES "fairs" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "stand_exhibitor_id" to table: "stands"
CREATE INDEX "stand_exhibitor_id" ON "stands" ("exhibitor_id");
-- Create index "stand_fair_id_code" to table: "stands"
CREATE UNIQUE INDEX "stand_fair_id_code" ON "stands" ("fair_id", "code");
-- Create index "stand_updated_at_id" to table: "stands"
CREATE INDEX "stand_updated_at_id" ON "stands" ("updated_at", "id");
