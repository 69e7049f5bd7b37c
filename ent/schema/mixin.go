package schema

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"maarid"
	"maarid/ent/privacy"
	"maarid/gid"
	"maarid/i18n"
)

// idMixin gives a type its global ID: the type's prefix and a ULID (see package gid).
type idMixin struct {
	mixin.Schema
	prefix string
}

func (m idMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			Immutable().
			NotEmpty().
			DefaultFunc(func() string { return gid.New(m.prefix) }),
	}
}

// timeMixin records when a row was created and last changed. UPDATED_AT ordering and the
// updatedAtGT filter are what partners sync the catalogue with.
type timeMixin struct{ mixin.Schema }

func (timeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Immutable().
			Default(time.Now).
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").
			Default(time.Now).
			UpdateDefault(time.Now).
			Annotations(entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (timeMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("updated_at", "id")}
}

// localized declares a translatable field: one JSON map per row (see i18n.Text). In GraphQL
// it is two fields, `name(lang: Language): String` and `nameTranslations: [Translation!]!`:
// MapsTo tells entgql that both read the column, so that a query selects it and no other;
// ent/entc.go gives them their argument and types. Types with localized fields add
// textMixin, which validates them.
func localized(name string) ent.Field {
	return field.Other(name, i18n.Text{}).
		SchemaType(map[string]string{dialect.SQLite: "json", dialect.Postgres: "jsonb"}).
		Default(i18n.Text{}).
		Annotations(
			entgql.Type("String"),
			entgql.MapsTo(name, name+"Translations"),
			entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField),
		)
}

// textMixin validates the text fields of a type on every write, whoever writes: no control
// characters nor bidirectional controls in any of them (line breaks and tabs in descriptions
// only, i18n.CheckText); every localized field in known languages and within its length; the
// localized fields named in required need a value in at least one language (their default, an
// empty text, has none).
type textMixin struct {
	mixin.Schema
	required []string
}

func (m textMixin) Hooks() []ent.Hook {
	return []ent.Hook{func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, mut ent.Mutation) (ent.Value, error) {
			for _, name := range mut.Fields() {
				v, _ := mut.Field(name)
				if err := checkText(name, v, slices.Contains(m.required, name)); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, mut)
		})
	}}
}

// checkText validates the new value of the text field name: a localized text, a string or a
// list of strings; other values pass.
func checkText(name string, value ent.Value, required bool) error {
	field := maarid.FieldName(name)
	multiline := i18n.Multiline(name)
	switch v := value.(type) {
	case i18n.Text:
		check := v.Validate
		if required {
			check = v.Required
		}
		if err := check(); err != nil {
			return maarid.Invalid(field, "%v", err)
		}
		for l, s := range v {
			if err := i18n.CheckText(s, multiline && !required); err != nil {
				return maarid.Invalid(field, "the %s text %v", l.Enum(), err)
			}
		}
	case string:
		if err := i18n.CheckText(v, multiline); err != nil {
			return maarid.Invalid(field, "%v", err)
		}
	case []string:
		for _, s := range v {
			if err := i18n.CheckText(s, false); err != nil {
				return maarid.Invalid(field, "%q %v", s, err)
			}
		}
	}
	return nil
}

// codePattern is the shape of the codes that labels and topics are made of: upper-case ASCII
// words joined by underscores, such as IGP, LABEL_AGRICOLE, COMMERCIAL_STRATEGY.
var codePattern = regexp.MustCompile(`^[A-Z0-9]+(_[A-Z0-9]+)*$`)

// Bounds of the lists of codes.
const (
	maxCodes      = 20
	maxCodeLength = 40
)

// checkCodes returns a hook that keeps the list field of codes (labels, topics) to at most
// maxCodes distinct codes of codePattern, as a write leaves it: set, or appended to the list
// as stored. appended returns what a mutation appends to the list.
func checkCodes(name string, appended func(ent.Mutation) ([]string, bool)) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			var codes []string
			if v, set := m.Field(name); set {
				codes, _ = v.([]string)
			}
			if more, ok := appended(m); ok {
				if m.Op().Is(ent.OpUpdateOne) {
					if _, set := m.Field(name); !set {
						old, err := m.OldField(privacy.DecisionContext(ctx, privacy.Allow), name)
						if err != nil {
							return nil, err
						}
						codes, _ = old.([]string)
					}
				}
				codes = append(slices.Clone(codes), more...)
			}
			if err := validCodes(codes); err != nil {
				return nil, maarid.Invalid(maarid.FieldName(name), "%v", err)
			}
			return next.Mutate(ctx, m)
		})
	}
}

func validCodes(codes []string) error {
	if len(codes) > maxCodes {
		return fmt.Errorf("at most %d, not %d", maxCodes, len(codes))
	}
	for i, c := range codes {
		switch {
		case len(c) > maxCodeLength:
			return fmt.Errorf("a code has at most %d characters, not %d", maxCodeLength, len(c))
		case !codePattern.MatchString(c):
			return fmt.Errorf("%q is not a code: upper-case letters and digits in words joined by _, such as LABEL_AGRICOLE", c)
		case slices.Contains(codes[:i], c):
			return fmt.Errorf("%s is there twice", c)
		}
	}
	return nil
}

// sortKeyMixin adds a sort key of the localized name for each language (name_sort_ar…),
// derived by a hook, so that NAME ordering follows the reader's language on an index in every
// store (i18n.Text.SortKeyFor). GraphQL names one NAME; the language picks its column
// (ent/order.go).
type sortKeyMixin struct{ mixin.Schema }

// sortKeyFields are the sort keys' fields, by language, and the order field each gives.
var sortKeyFields = []struct {
	lang  i18n.Lang
	field string
	order string
}{
	{i18n.AR, "name_sort_ar", "NAME"},
	{i18n.FR, "name_sort_fr", "NAME_IN_FR"},
	{i18n.EN, "name_sort_en", "NAME_IN_EN"},
	{i18n.ZGH, "name_sort_zgh", "NAME_IN_ZGH"},
}

func (sortKeyMixin) Fields() []ent.Field {
	var fields []ent.Field
	for _, k := range sortKeyFields {
		fields = append(fields, field.String(k.field).
			Default("").
			Annotations(
				entgql.OrderField(k.order),
				entgql.Skip(entgql.SkipType, entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			))
	}
	return fields
}

func (sortKeyMixin) Hooks() []ent.Hook {
	return []ent.Hook{deriveSortKeys}
}

// deriveSortKeys keeps the sort keys in step with the name on every create and update.
var deriveSortKeys = onField("name", func(m ent.Mutation, name i18n.Text) error {
	for _, k := range sortKeyFields {
		if err := m.SetField(k.field, name.SortKeyFor(k.lang)); err != nil {
			return err
		}
	}
	return nil
})

// derive returns a hook that keeps the column to in step with the field from on every create
// and update: compute reads the new value of from, and may refuse it.
func derive[T any](from, to string, compute func(T) (ent.Value, error)) ent.Hook {
	return onField(from, func(m ent.Mutation, v T) error {
		derived, err := compute(v)
		if err != nil {
			return err
		}
		return m.SetField(to, derived)
	})
}

// check returns a hook that validates the new value of field on every create and update.
func check[T any](field string, validate func(T) error) ent.Hook {
	return onField(field, func(_ ent.Mutation, v T) error { return validate(v) })
}

// onField returns a hook that calls f with the new value of field, when a write sets it.
func onField[T any](field string, f func(ent.Mutation, T) error) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if v, ok := m.Field(field); ok {
				typed, ok := v.(T)
				if !ok {
					return nil, fmt.Errorf("%s of %s is %T, not %T", field, m.Type(), v, typed)
				}
				if err := f(m, typed); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// webURLs checks a list of image or page addresses.
func webURLs(urls []string) error {
	if len(urls) > 20 {
		return maarid.Invalid("imageUrls", "at most 20 images, not %d", len(urls))
	}
	for _, u := range urls {
		if err := maarid.CheckPictureURL(u); err != nil {
			return maarid.Invalid("imageUrls", "%v", err)
		}
	}
	return nil
}

// relay annotates a type queried from the root as a Relay connection with ordering and
// where-filters.
func relay(extra ...schema.Annotation) []schema.Annotation {
	return append([]schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}, extra...)
}
