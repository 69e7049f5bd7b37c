-- Create "catalogue_changes" table
CREATE TABLE "catalogue_changes" ("id" character varying NOT NULL, "seq" bigint NOT NULL, "entity" character varying NOT NULL, "entity_id" character varying NOT NULL, "kind" character varying NOT NULL, "public" boolean NOT NULL, "was_public" boolean NOT NULL, "owner" character varying NULL, "was_owner" character varying NULL, "at" timestamptz NOT NULL, "actor" character varying NULL, PRIMARY KEY ("id"));
-- Create index "catalogue_changes_seq_key" to table: "catalogue_changes"
CREATE UNIQUE INDEX "catalogue_changes_seq_key" ON "catalogue_changes" ("seq");
-- Create index "cataloguechange_entity_id_seq" to table: "catalogue_changes"
CREATE INDEX "cataloguechange_entity_id_seq" ON "catalogue_changes" ("entity_id", "seq");
