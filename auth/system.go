package auth

import (
	"context"

	"maarid/ent/privacy"
)

// System returns a context for Maarid's own work — seeding, authenticating callers, the
// command line — that passes every privacy rule and reads every field.
func System(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// IsSystem reports whether ctx was made by System.
func IsSystem(ctx context.Context) bool {
	decision, ok := privacy.DecisionFromContext(ctx)
	// ent reports an Allow decision as a nil error.
	return ok && decision == nil
}
