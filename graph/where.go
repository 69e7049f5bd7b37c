package graph

import (
	"reflect"
	"regexp"
	"strings"

	"maarid"
	"maarid/gid"
)

// entityPrefixes maps the GraphQL types, and the edges named after them, to the prefix of
// their IDs.
var entityPrefixes = map[string]string{
	"Fair": gid.Fair, "Exhibitor": gid.Exhibitor, "Stand": gid.Stand, "Product": gid.Product,
	"Category": gid.Category, "Parent": gid.Category, "Space": gid.Space, "Session": gid.Session,
	"Speaker": gid.Speaker,
}

// idField matches the equality filters on IDs of entgql's where inputs: id, idNEQ, idIn,
// idNotIn and the same on edge IDs (exhibitorID, categoryIDIn…).
var idField = regexp.MustCompile(`^(\w*?)ID(NEQ|In|NotIn)?$`)

// checkIDs reports the first ID in a where filter that is malformed or names an entity of
// another type than the field filters on — `products(where: {categoryID: "exh_…"})` — which
// would otherwise quietly match nothing. where is one of entgql's *…WhereInput.
func checkIDs(where any) error {
	v := reflect.ValueOf(where)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	v = v.Elem()
	typ := v.Type()
	self := strings.TrimSuffix(typ.Name(), "WhereInput")
	for i := range typ.NumField() {
		f, value := typ.Field(i), v.Field(i)
		if !f.IsExported() || value.IsZero() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch elem := f.Type; {
		case elem.Kind() == reflect.Pointer && isWhereInput(elem.Elem()):
			if err := checkIDs(value.Interface()); err != nil {
				return err
			}
		case elem.Kind() == reflect.Slice && elem.Elem().Kind() == reflect.Pointer && isWhereInput(elem.Elem().Elem()):
			for j := range value.Len() {
				if err := checkIDs(value.Index(j).Interface()); err != nil {
					return err
				}
			}
		default:
			m := idField.FindStringSubmatch(f.Name)
			if m == nil {
				continue
			}
			entity := self
			if m[1] != "" {
				entity = m[1]
			}
			prefix, ok := entityPrefixes[entity]
			if !ok {
				continue
			}
			if err := checkIDValues(name, entity, prefix, value); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkIDValues(field, entity, prefix string, value reflect.Value) error {
	var ids []string
	switch value.Kind() {
	case reflect.Pointer:
		ids = []string{value.Elem().String()}
	case reflect.Slice:
		ids, _ = value.Interface().([]string)
	}
	for _, id := range ids {
		got, ok := gid.Type(id)
		if !ok {
			return maarid.Invalid(field, "%q is not a Maarid ID", id)
		}
		if got != prefix {
			return maarid.Invalid(field, "%q is not the ID of a %s", id, strings.ToLower(entity))
		}
	}
	return nil
}

func isWhereInput(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && strings.HasSuffix(t.Name(), "WhereInput")
}

// expectIDOf checks that id, given in field, is a Maarid ID of type prefix.
func expectIDOf(id, prefix, field string) error {
	if t, ok := gid.Type(id); !ok || t != prefix {
		return maarid.Invalid(field, "%q is not an ID of the right type", id)
	}
	return nil
}
