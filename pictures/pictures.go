// Package pictures draws the demo fair's pictures: exhibitors' logos, products' photos and
// speakers' portraits, as small SVG images in the colours of the region's crafts (zellige
// stars, the ochre and indigo of its carpets). A picture is drawn from its seed alone, the
// same bytes every time, so Maarid serves them without storing them and caches may keep them
// for ever.
package pictures

import (
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"strings"
)

// Kind is what a picture shows.
type Kind string

const (
	Logo    Kind = "logo"    // an exhibitor's emblem with its initials
	Product Kind = "product" // a product's photo: a tile of zellige stars
	Speaker Kind = "speaker" // a speaker's portrait: a silhouette
)

// Prefix is the path under which Maarid serves pictures: /pictures/<kind>/<seed>.svg.
const Prefix = "/pictures/"

// seedPattern is what a seed may be: a slug, as the demo fair's are.
var seedPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// maxSeed bounds a seed, as a path segment.
const maxSeed = 100

// Path returns the path of the picture of kind drawn from seed.
func Path(kind Kind, seed string) string { return Prefix + string(kind) + "/" + seed + ".svg" }

// Parse returns the kind and seed of a picture's path, and whether it is one Maarid draws.
func Parse(path string) (Kind, string, bool) {
	rest, ok := strings.CutPrefix(path, Prefix)
	if !ok {
		return "", "", false
	}
	kind, file, ok := strings.Cut(rest, "/")
	seed, svg := strings.CutSuffix(file, ".svg")
	switch Kind(kind) {
	case Logo, Product, Speaker:
	default:
		return "", "", false
	}
	if !ok || !svg || len(seed) > maxSeed || !seedPattern.MatchString(seed) {
		return "", "", false
	}
	return Kind(kind), seed, true
}

// palette is the region's colours: terracotta, saffron, indigo, olive, cedar, rose of the
// Dadès, ochre, clay, slate, henna.
var palette = []string{"#b5523b", "#d99a1e", "#2e4a7d", "#6b7f3a", "#1f5e4b", "#b8506f", "#c8863b", "#8a4b2f", "#4a5a6a", "#9c3d26"}

// sands are the light grounds pictures are drawn on.
var sands = []string{"#f3e9d2", "#efe0c2", "#f6efe2", "#eadcc0"}

// draw is the state of one picture: the numbers its seed gives, in order.
type draw struct{ state uint64 }

func newDraw(seed string) *draw {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return &draw{state: h.Sum64() | 1}
}

// next returns a number below n (xorshift: the same seed, the same numbers, everywhere).
func (d *draw) next(n int) int {
	d.state ^= d.state << 13
	d.state ^= d.state >> 7
	d.state ^= d.state << 17
	return int(d.state % uint64(n))
}

func (d *draw) colour() string { return palette[d.next(len(palette))] }

// SVG returns the picture of kind drawn from seed.
func SVG(kind Kind, seed string) []byte {
	d := newDraw(string(kind) + ":" + seed)
	var b strings.Builder
	switch kind {
	case Logo:
		logo(&b, d, seed)
	case Speaker:
		speaker(&b, d)
	default:
		product(&b, d)
	}
	return []byte(b.String())
}

// star writes an eight-pointed star (two squares, one turned by 45°) at x, y of radius r.
func star(b *strings.Builder, x, y, r float64, fill string) {
	fmt.Fprintf(b, `<g fill="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" transform="rotate(45 %.1f %.1f)"/></g>`,
		fill, x-r/math.Sqrt2, y-r/math.Sqrt2, r*math.Sqrt2, r*math.Sqrt2, x-r/math.Sqrt2, y-r/math.Sqrt2, r*math.Sqrt2, r*math.Sqrt2, x, y)
}

// product draws a tile of zellige: rows of stars in two colours on sand, a band of a third.
func product(b *strings.Builder, d *draw) {
	ground, first, second, band := sands[d.next(len(sands))], d.colour(), d.colour(), d.colour()
	size := []float64{40, 50, 60}[d.next(3)]
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300">`)
	fmt.Fprintf(b, `<rect width="400" height="300" fill="%s"/>`, ground)
	for row := 0; float64(row)*size < 300+size; row++ {
		for col := 0; float64(col)*size < 400+size; col++ {
			fill := first
			if (row+col)%2 == 1 {
				fill = second
			}
			star(b, float64(col)*size, float64(row)*size, size*0.42, fill)
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s"/>`, float64(col)*size, float64(row)*size, size*0.12, ground)
		}
	}
	fmt.Fprintf(b, `<rect y="%d" width="400" height="36" fill="%s" opacity="0.9"/>`, 220+d.next(30), band)
	b.WriteString(`</svg>`)
}

// generic are the words of an exhibitor's slug its initials skip: kinds, articles,
// prepositions.
var generic = map[string]bool{
	"cooperative": true, "association": true, "mutuelle": true, "union": true, "federation": true,
	"al": true, "el": true, "la": true, "le": true, "les": true, "de": true, "des": true, "du": true,
	"d": true, "l": true, "et": true, "pour": true, "of": true, "the": true, "and": true, "sarl": true,
}

// initials returns up to two letters of seed's meaningful words.
func initials(seed string) string {
	var out []byte
	for _, w := range strings.Split(seed, "-") {
		if generic[w] || w[0] < 'a' || w[0] > 'z' {
			continue
		}
		out = append(out, w[0]-'a'+'A')
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		out = append(out, strings.ToUpper(seed[:1])...)
	}
	return string(out)
}

// logo draws an emblem: a disc, a star's outline and the exhibitor's initials.
func logo(b *strings.Builder, d *draw, seed string) {
	ground, mark := d.colour(), sands[d.next(len(sands))]
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">`)
	fmt.Fprintf(b, `<circle cx="100" cy="100" r="96" fill="%s"/>`, ground)
	fmt.Fprintf(b, `<g fill="none" stroke="%s" stroke-width="4"><rect x="40" y="40" width="120" height="120"/><rect x="40" y="40" width="120" height="120" transform="rotate(45 100 100)"/></g>`, mark)
	fmt.Fprintf(b, `<text x="100" y="100" dy="0.35em" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="52" font-weight="700" fill="%s">%s</text>`, mark, initials(seed))
	b.WriteString(`</svg>`)
}

// speaker draws a portrait: a head and shoulders on a coloured ground.
func speaker(b *strings.Builder, d *draw) {
	ground, figure := d.colour(), sands[d.next(len(sands))]
	head := 30 + d.next(8)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">`)
	fmt.Fprintf(b, `<rect width="200" height="200" fill="%s"/>`, ground)
	fmt.Fprintf(b, `<circle cx="100" cy="78" r="%d" fill="%s"/>`, head, figure)
	fmt.Fprintf(b, `<path d="M30 200 C30 140 62 124 100 124 C138 124 170 140 170 200 Z" fill="%s"/>`, figure)
	b.WriteString(`</svg>`)
}
