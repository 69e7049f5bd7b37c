package i18n

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Value stores t as a JSON object.
func (t Text) Value() (driver.Value, error) {
	if t == nil {
		t = Text{}
	}
	b, err := json.Marshal(map[Lang]string(t))
	return string(b), err
}

// Scan reads t from its JSON column. Every row of every page carries a few texts, so the
// common shape — one flat object of strings, as Value writes it and PostgreSQL's jsonb gives
// it back — is read by hand; anything else goes through encoding/json.
func (t *Text) Scan(src any) error {
	var b []byte
	switch src := src.(type) {
	case nil:
		*t = Text{}
		return nil
	case []byte:
		b = src
	case string:
		b = []byte(src)
	default:
		return fmt.Errorf("i18n.Text: cannot scan %T", src)
	}
	if text, ok := parseFlatObject(b); ok {
		*t = text
		return nil
	}
	m := map[Lang]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("i18n.Text: %w", err)
	}
	*t = m
	return nil
}

// parseFlatObject reads {"k": "v", …} with string values; ok is false for anything else.
func parseFlatObject(b []byte) (Text, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	t := make(Text, 2)
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return t, skipSpace(b, i+1) == len(b)
	}
	for {
		key, next, ok := parseString(b, i)
		if !ok {
			return nil, false
		}
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		value, next, ok := parseString(b, skipSpace(b, i+1))
		if !ok {
			return nil, false
		}
		t[Lang(key)] = value
		i = skipSpace(b, next)
		if i >= len(b) {
			return nil, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return t, skipSpace(b, i+1) == len(b)
		default:
			return nil, false
		}
	}
}

// parseString reads the JSON string starting at b[i]; without escapes it is one copy.
func parseString(b []byte, i int) (s string, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			if !utf8.Valid(b[i+1 : j]) {
				return "", 0, false
			}
			return string(b[i+1 : j]), j + 1, true
		case c == '\\':
			return parseEscaped(b, i)
		case c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}

// parseEscaped reads a JSON string with escapes, rare in stored texts, with encoding/json.
func parseEscaped(b []byte, i int) (string, int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			var s string
			if json.Unmarshal(b[i:j+1], &s) != nil {
				return "", 0, false
			}
			return s, j + 1, true
		}
	}
	return "", 0, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}
