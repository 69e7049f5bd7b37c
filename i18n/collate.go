package i18n

import (
	"encoding/hex"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// The order of texts for a reader: each language's own collation rules, as Unicode's CLDR
// gives them and ICU applies them (x/text's collate), with one correction for Arabic that ICU
// makes and x/text does not: the forms of alef (أ إ آ ٱ) are one letter, آ two, and hamza's
// seat decides only between texts otherwise equal.

// sortKeyRunes is how much of a text its sort key reads: enough to order any list, and short
// enough for an index entry.
const sortKeyRunes = 100

// alefForms writes the forms of alef as the letter ICU orders them as.
var alefForms = strings.NewReplacer("أ", "ا", "إ", "ا", "ٱ", "ا", "آ", "اا")

// keyer is a collator and the buffer its keys are built in: neither is safe for concurrent
// use, so each language keeps a pool of them.
type keyer struct {
	c   *collate.Collator
	buf collate.Buffer
}

var keyers sync.Map // Lang → *sync.Pool of *keyer

func keyerPool(l Lang) *sync.Pool {
	if p, ok := keyers.Load(l); ok {
		return p.(*sync.Pool)
	}
	tag := language.Make(string(l))
	p, _ := keyers.LoadOrStore(l, &sync.Pool{New: func() any { return &keyer{c: collate.New(tag)} }})
	return p.(*sync.Pool)
}

// CollationKey returns the key that orders s for a reader of l: comparing two keys as bytes,
// or as strings of ASCII in any collation, orders their texts as l's rules do.
func CollationKey(l Lang, s string) string {
	if n := 0; len(s) > sortKeyRunes {
		for i := range s {
			if n == sortKeyRunes {
				s = s[:i]
				break
			}
			n++
		}
	}
	pool := keyerPool(l)
	k := pool.Get().(*keyer)
	defer pool.Put(k)
	k.buf.Reset()
	plain := alefForms.Replace(s)
	letters := k.c.KeyFromString(&k.buf, plain)
	var seats []byte
	if plain != s {
		// Only a text with seats of hamza needs them: between two texts of the same letters,
		// the one without (its key ends at "-") comes first, as in ICU.
		seats = k.c.KeyFromString(&k.buf, s)
	}
	// Hex keeps the byte order in any collation of ASCII; "-" sorts before every hex digit, so
	// that a text that is the start of another comes first.
	key := make([]byte, 2*len(letters)+1+2*len(seats))
	hex.Encode(key, letters)
	key[2*len(letters)] = '-'
	hex.Encode(key[2*len(letters)+1:], seats)
	return string(key)
}

// SortKeyFor returns the key that orders t for a reader of l: its text in l, else in Arabic,
// the fair's default, else in any language.
func (t Text) SortKeyFor(l Lang) string {
	v, _ := t.Get(l, AR)
	return CollationKey(l, v)
}
