package exportstest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"time"
)

// The shapes of the c3voc's JSON schema for schedule.json: what each object requires and may
// have, the types and patterns of the values.

var (
	uuidPattern     = regexp.MustCompile(`^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$`)
	acronymPattern  = regexp.MustCompile(`^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$`)
	timeZonePattern = regexp.MustCompile(`^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$`)
	slugPattern     = regexp.MustCompile(`^[a-z0-9_-]+[a-z0-9]$`)
	startPattern    = regexp.MustCompile(`^(0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$`)
	durationPattern = regexp.MustCompile(`^[0-9]+:[0-9]{2}$`)
)

// shape is what the schema says of a value.
type shape interface {
	check(path string, v any, problems *[]string)
}

type kind struct {
	name     string // string, integer, number, boolean, array, object
	nullable bool
	format   func(string) bool
	pattern  *regexp.Regexp
	items    shape
}

func (k kind) check(path string, v any, problems *[]string) {
	bad := func(format string, args ...any) {
		*problems = append(*problems, path+": "+fmt.Sprintf(format, args...))
	}
	if v == nil {
		if !k.nullable {
			bad("null, want a %s", k.name)
		}
		return
	}
	switch k.name {
	case "string":
		s, ok := v.(string)
		switch {
		case !ok:
			bad("%T, want a string", v)
		case k.pattern != nil && !k.pattern.MatchString(s):
			bad("%q does not match %s", s, k.pattern)
		case k.format != nil && !k.format(s):
			bad("%q is not in the format asked for", s)
		}
	case "integer":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			bad("%v, want an integer", v)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			bad("%v, want a number", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("%v, want a boolean", v)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			bad("%T, want an array", v)
			return
		}
		for i, item := range a {
			k.items.check(fmt.Sprintf("%s[%d]", path, i), item, problems)
		}
	}
}

// object is an object with the keys it requires and those it may have; closed, it may have no
// other (additionalProperties: false); values, when set, is the shape of every value.
type object struct {
	required, optional map[string]shape
	closed             bool
	values             shape
	also               func(path string, o map[string]any, problems *[]string)
}

func (s object) check(path string, v any, problems *[]string) {
	o, ok := v.(map[string]any)
	if !ok {
		*problems = append(*problems, fmt.Sprintf("%s: %T, want an object", path, v))
		return
	}
	for key, sh := range s.required {
		if _, ok := o[key]; !ok {
			*problems = append(*problems, fmt.Sprintf("%s: no %q", path, key))
			continue
		}
		sh.check(path+"."+key, o[key], problems)
	}
	for key, value := range o {
		if _, ok := s.required[key]; ok {
			continue
		}
		switch sh, ok := s.optional[key]; {
		case ok && sh != nil:
			sh.check(path+"."+key, value, problems)
		case ok:
		case s.values != nil:
			s.values.check(path+"."+key, value, problems)
		case s.closed:
			*problems = append(*problems, fmt.Sprintf("%s: %q is not in the schema", path, key))
		}
	}
	if s.also != nil {
		s.also(path, o, problems)
	}
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func isDateTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func isURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

var (
	str         = kind{name: "string"}
	strOrNull   = kind{name: "string", nullable: true}
	integer     = kind{name: "integer"}
	numOrNull   = kind{name: "number", nullable: true}
	boolOrNull  = kind{name: "boolean", nullable: true}
	uuid        = kind{name: "string", pattern: uuidPattern}
	date        = kind{name: "string", format: isDate}
	dateTime    = kind{name: "string", format: isDateTime}
	dateOrTime  = kind{name: "string", format: func(s string) bool { return isDate(s) || isDateTime(s) }}
	uri         = kind{name: "string", format: isURI}
	anyObject   = object{}
	reference   = object{required: map[string]shape{"url": str}, optional: map[string]shape{"type": str, "title": str}, closed: true}
	references  = kind{name: "array", items: reference}
	personShape = object{
		optional: map[string]shape{"name": str, "guid": uuid, "id": integer, "url": uri, "links": references, "public_name": str,
			"code": str, "avatar": nil, "biography": nil},
		// oneOf FrabPerson (public_name and id) and PretalxPerson (name): exactly one.
		also: func(path string, o map[string]any, problems *[]string) {
			_, name := o["name"]
			_, publicName := o["public_name"]
			_, id := o["id"]
			if frab, pretalx := publicName && id, name; frab == pretalx {
				*problems = append(*problems, path+": a person is one of a frab person (public_name, id) and a pretalx one (name)")
			}
		},
	}
	eventShape = object{
		required: map[string]shape{
			"abstract": strOrNull, "date": dateTime, "duration": kind{name: "string", pattern: durationPattern},
			"guid": uuid, "id": integer, "language": strOrNull, "links": references,
			"persons": kind{name: "array", items: personShape}, "room": str,
			"slug": kind{name: "string", pattern: slugPattern}, "start": kind{name: "string", pattern: startPattern},
			"subtitle": strOrNull, "title": str, "track": strOrNull, "type": str, "url": uri,
		},
		optional: map[string]shape{
			"code": str, "logo": nil, "end": dateTime, "description": strOrNull, "recording_license": str,
			"do_not_record": boolOrNull, "do_not_stream": nil, "feedback_url": uri, "origin_url": uri, "attachments": references,
		},
		closed: true,
	}
	roomShape = object{
		required: map[string]shape{"name": str, "guid": uuid},
		optional: map[string]shape{
			"slug":      kind{name: "string", pattern: slugPattern},
			"type":      kind{name: "string", pattern: regexp.MustCompile(`^(lecturehall|stage|workshop|outside|online|project|bbb|hangar|other)$`)},
			"stream_id": strOrNull, "description": nil, "capacity": numOrNull, "url": uri, "features": anyObject, "assembly": anyObject,
		},
		closed: true,
	}
	dayShape = object{
		required: map[string]shape{
			"index": integer, "date": date, "day_start": dateTime, "day_end": dateTime,
			"rooms": object{values: kind{name: "array", items: eventShape}},
		},
		closed: true,
	}
	conferenceShape = object{
		required: map[string]shape{
			"title": str, "acronym": kind{name: "string", pattern: acronymPattern},
			"days": kind{name: "array", items: dayShape}, "daysCount": integer,
			"start": dateOrTime, "end": dateOrTime, "timeslot_duration": str,
		},
		optional: map[string]shape{
			"description": str, "time_zone_name": kind{name: "string", pattern: timeZonePattern}, "logo": uri,
			"colors": anyObject, "keywords": kind{name: "array", items: str}, "url": uri, "tracks": nil,
			"rooms": kind{name: "array", items: roomShape}, "meta": anyObject,
		},
		closed: true,
	}
	scheduleDoc = object{
		required: map[string]shape{
			"schedule": object{
				required: map[string]shape{"version": str, "conference": conferenceShape},
				optional: map[string]shape{"base_url": uri},
				also: func(path string, o map[string]any, problems *[]string) {
					if _, ok := o["rooms"]; ok { // "rooms": false
						*problems = append(*problems, path+": rooms belong to the conference")
					}
				},
			},
		},
		optional: map[string]shape{"$schema": str, "generator": object{optional: map[string]shape{"name": str, "version": str, "url": uri}}},
		closed:   true,
	}
)
