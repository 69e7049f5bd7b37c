package i18n

import (
	"context"

	"golang.org/x/text/language"
)

type preferences struct {
	requested Lang // from Accept-Language or the websocket's connection_init; may be empty
	fallback  Lang // the fair's default language
}

type preferencesKey struct{}

// WithRequest returns a context that carries the reader's language (empty when the request
// named none) and the fallback to use when a text has no value in it.
func WithRequest(ctx context.Context, requested, fallback Lang) context.Context {
	return context.WithValue(ctx, preferencesKey{}, preferences{requested: requested, fallback: fallback})
}

func preferencesFrom(ctx context.Context) preferences {
	p, _ := ctx.Value(preferencesKey{}).(preferences)
	return p
}

// Requested returns the reader's language carried by ctx, or the fallback when the request
// named none.
func Requested(ctx context.Context) Lang {
	p := preferencesFrom(ctx)
	if p.requested != "" {
		return p.requested
	}
	return p.fallback
}

var matcher = language.NewMatcher([]language.Tag{
	language.Arabic, language.French, language.English, language.MustParse("zgh"),
})

// FromAcceptLanguage returns the fair's language that best matches an Accept-Language header,
// or "" when the header is empty, malformed or names none of them.
func FromAcceptLanguage(header string) Lang {
	if header == "" {
		return ""
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, index, confidence := matcher.Match(tags...)
	if confidence == language.No {
		return ""
	}
	return All[index]
}

// Carry returns ctx with the language preferences that from carries, if any.
func Carry(ctx, from context.Context) context.Context {
	if p, ok := from.Value(preferencesKey{}).(preferences); ok {
		return context.WithValue(ctx, preferencesKey{}, p)
	}
	return ctx
}
