package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"maarid/ent/exhibitor"
	"maarid/i18n"
	"maarid/money"
)

// The languages a localized column may be in: name_ar, name_fr, name_en, name_zgh.
var languages = i18n.All

// localizedColumns returns the columns of the localized field: field_ar, field_fr, …
func localizedColumns(field string) []string {
	out := make([]string, len(languages))
	for i, l := range languages {
		out[i] = field + "_" + string(l)
	}
	return out
}

// readText reads the localized field of a row from the columns the sheet has of it: a value
// per language whose column is there, "" meaning none (the column was there, and empty). The
// texts are checked as the schema's hooks check them (ent/schema textMixin), cell by cell.
func readText(s *sheet, r row, field string, required bool, p *problems) i18n.Text {
	t := i18n.Text{}
	for _, l := range languages {
		column := field + "_" + string(l)
		if !s.has(column) {
			continue
		}
		v := s.cell(r, column)
		t[l] = v
		if v == "" {
			continue
		}
		check := i18n.Text{l: v}.Validate
		if required {
			check = i18n.Text{l: v}.Required
		}
		if err := check(); err != nil {
			p.add(s.name, r.number, column, "%v", err)
		} else if err := i18n.CheckText(v, i18n.Multiline(field) && !required); err != nil {
			p.add(s.name, r.number, column, "%v", err)
		}
	}
	return t
}

// hasAny reports whether t has a value in any language.
func hasAny(t i18n.Text) bool {
	for _, v := range t {
		if v != "" {
			return true
		}
	}
	return false
}

// merged returns old with the languages of set changed: set, or removed where set is "".
func merged(old, set i18n.Text) i18n.Text {
	out := i18n.Text{}
	for l, v := range old {
		if v != "" {
			out[l] = v
		}
	}
	for l, v := range set {
		if v == "" {
			delete(out, l)
		} else {
			out[l] = v
		}
	}
	return out
}

// sameText reports whether a and b have the same values, an empty one being none.
func sameText(a, b i18n.Text) bool {
	for l, v := range a {
		if b[l] != v {
			return false
		}
	}
	for l, v := range b {
		if a[l] != v {
			return false
		}
	}
	return true
}

// key is how a word of an enum column is compared: folded (case, accents, Arabic letter
// forms, punctuation) as search folds it.
func key(s string) string { return i18n.Fold(s) }

// enum is the values of an enum column, by their code and their names in the fair's
// languages, folded.
type enum[T ~string] map[string]T

func newEnum[T ~string](names map[T][]string) enum[T] {
	e := enum[T]{}
	for code, words := range names {
		e[key(string(code))] = code
		for _, w := range words {
			e[key(w)] = code
		}
	}
	return e
}

func (e enum[T]) read(s string) (T, error) {
	if v, ok := e[key(s)]; ok {
		return v, nil
	}
	return "", fmt.Errorf("%q is not one of %s", s, e.codes())
}

func (e enum[T]) codes() string {
	seen := map[T]bool{}
	var out []string
	for _, code := range e {
		if !seen[code] {
			seen[code] = true
			out = append(out, string(code))
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

var kinds = newEnum(map[exhibitor.Kind][]string{
	exhibitor.KindCOOPERATIVE:        {"coopérative", "تعاونية"},
	exhibitor.KindASSOCIATION:        {"جمعية"},
	exhibitor.KindMUTUAL:             {"mutuelle", "تعاضدية"},
	exhibitor.KindCOMPANY:            {"entreprise", "société", "شركة", "مقاولة"},
	exhibitor.KindPUBLIC_INSTITUTION: {"établissement public", "institution publique", "مؤسسة عمومية"},
})

var sectors = newEnum(map[exhibitor.Sector][]string{
	exhibitor.SectorAGRI_FOOD:  {"agroalimentaire", "agro-alimentaire", "produits du terroir", "المنتجات المجالية", "المنتجات الفلاحية"},
	exhibitor.SectorHANDICRAFT: {"artisanat", "الصناعة التقليدية"},
	exhibitor.SectorSERVICES:   {"service", "الخدمات", "خدمات"},
})

var provinces = newEnum(map[exhibitor.Province][]string{
	exhibitor.ProvinceAZILAL:          {"أزيلال"},
	exhibitor.ProvinceBENI_MELLAL:     {"Béni Mellal", "بني ملال"},
	exhibitor.ProvinceFQUIH_BEN_SALAH: {"الفقيه بن صالح"},
	exhibitor.ProvinceKHENIFRA:        {"Khénifra", "خنيفرة"},
	exhibitor.ProvinceKHOURIBGA:       {"خريبكة"},
	exhibitor.ProvinceOTHER:           {"autre", "hors région", "hors de la région", "خارج الجهة"},
})

// yes and no are the words of a yes/no column.
var (
	yes = map[string]bool{"1": true, "yes": true, "y": true, "x": true, "oui": true, "o": true, "true": true, "vrai": true, "نعم": true}
	no  = map[string]bool{"0": true, "no": true, "n": true, "non": true, "false": true, "faux": true, "لا": true}
)

// readBool reads a yes/no cell; an empty one is def.
func readBool(s string, def bool) (bool, error) {
	switch k := key(s); {
	case s == "":
		return def, nil
	case yes[k]:
		return true, nil
	case no[k]:
		return false, nil
	}
	return false, fmt.Errorf("%q is neither yes nor no: write 1 or 0, oui or non, نعم or لا", s)
}

// readInt reads a whole number, in Western or Arabic-Indic digits; an empty cell is nil.
func readInt(s string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(westernDigits(withoutSpaces(s)))
	if err != nil {
		return nil, fmt.Errorf("%q is not a whole number", s)
	}
	return &n, nil
}

// currencyWords may follow a price.
var currencyWords = []string{"mad", "dh", "dhs", "درهم", "دراهم"}

// readPrice reads a price in dirhams as spreadsheets write it — 35,50 or 35.50, 1 250 with a
// space (or a no-break space) between thousands, a currency word after it or not — into
// centimes. A point or comma followed by three digits is refused: 1.250 would be 1250 to
// some readers and 1,25 to others.
func readPrice(s string) (money.Money, error) {
	v := strings.ToLower(withoutSpaces(westernDigits(s)))
	for _, w := range currencyWords {
		v = strings.TrimSuffix(v, w)
	}
	whole, frac, decimals := v, "", false
	if i := strings.IndexAny(v, ",.٫"); i >= 0 {
		_, size := utf8.DecodeRuneInString(v[i:])
		whole, frac, decimals = v[:i], v[i+size:], true
	}
	bad := fmt.Errorf("%q is not an amount in dirhams: write it as 35 or 35,50", s)
	if whole == "" || !digitsOnly(whole) || decimals && (len(frac) < 1 || len(frac) > 2 || !digitsOnly(frac)) {
		if decimals && len(frac) == 3 && digitsOnly(frac) {
			return money.Money{}, fmt.Errorf("%q: write thousands without a separator (1250), or with a space (1 250), and centimes with two digits (1250,00)", s)
		}
		return money.Money{}, bad
	}
	dh, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || dh > 1e12 {
		return money.Money{}, bad
	}
	cents := int64(0)
	if frac != "" {
		cents, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			cents *= 10
		}
	}
	return money.Money{MinorUnits: dh*100 + cents, Currency: money.DefaultCurrency}, nil
}

// readCodes reads a list of codes (labels) separated by spaces, commas, semicolons or bars,
// in capitals as the schema wants them; the schema checks the rest.
func readCodes(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;|/", r) })
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, strings.ToUpper(f))
	}
	return out
}

func withoutSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u202f' || r == '\u2009' {
			return -1
		}
		return r
	}, s)
}

func westernDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		}
		return r
	}, s)
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
