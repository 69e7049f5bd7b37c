package ent

// Written by hand: the names the URLs of exhibitors and speakers had before every URL of the
// schema ended in Url, answered as the new ones are (graph's resolvers of logoUrl, photoUrl).

import (
	"context"

	"maarid"
)

// DeprecatedLogoURL answers logoURL, the name of logoUrl before.
func (_m *Exhibitor) DeprecatedLogoURL(ctx context.Context) *string {
	return maarid.AbsoluteOrNil(ctx, _m.LogoURL)
}

// DeprecatedPhotoURL answers photoURL, the name of photoUrl before.
func (_m *Speaker) DeprecatedPhotoURL(ctx context.Context) *string {
	return maarid.AbsoluteOrNil(ctx, _m.PhotoURL)
}
