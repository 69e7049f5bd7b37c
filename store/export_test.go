package store

import (
	"context"
	"errors"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// MigrateFirst applies the first n migrations to the database of drv, as a release that had
// n of them left it.
func MigrateFirst(ctx context.Context, drv dialect.Driver, n int) error {
	d, ok := drv.(*entsql.Driver)
	if !ok {
		return errors.New("MigrateFirst: not a database/sql driver")
	}
	_, err := migrations(ctx, d.DB(), d.Dialect(), true, n)
	return err
}
