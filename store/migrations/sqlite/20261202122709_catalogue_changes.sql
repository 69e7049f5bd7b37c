-- Create "catalogue_changes" table
CREATE TABLE `catalogue_changes` (`id` text NOT NULL, `seq` integer NOT NULL, `entity` text NOT NULL, `entity_id` text NOT NULL, `kind` text NOT NULL, `public` bool NOT NULL, `was_public` bool NOT NULL, `owner` text NULL, `was_owner` text NULL, `at` datetime NOT NULL, `actor` text NULL, PRIMARY KEY (`id`));
-- Create index "catalogue_changes_seq_key" to table: "catalogue_changes"
CREATE UNIQUE INDEX `catalogue_changes_seq_key` ON `catalogue_changes` (`seq`);
-- Create index "cataloguechange_entity_id_seq" to table: "catalogue_changes"
CREATE INDEX `cataloguechange_entity_id_seq` ON `catalogue_changes` (`entity_id`, `seq`);
