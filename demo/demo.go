// Package demo seeds the demo fair: the 1st regional fair of the social and solidarity economy
// of Béni Mellal-Khénifra, held in Azilal from 25 to 29 July 2018. The fair's own facts — name,
// theme, city, dates, area, organiser, the themes of its workshops — are the real ones; the
// exhibitors, products, prices, people and the venue are invented, and every exhibitor's
// description says so.
//
// The data is deterministic: it is drawn from fixed seeds and every ID and timestamp is set
// explicitly, so two empty databases seeded with it hold the same rows, and an ID quoted in a
// README or a test names the same thing everywhere.
package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
	_ "time/tzdata" // the fair's time zone must load on a machine without a zoneinfo database

	"maarid/auth"
	"maarid/ent"
	"maarid/gid"
	"maarid/i18n"
)

// FairSlug is the slug of the demo fair.
const FairSlug = "bmk-ess-2018"

// TimeZone is the demo fair's time zone; the programme's times are local to it.
const TimeZone = "Africa/Casablanca"

// ShowcaseExhibitorSlug is the slug of the first demo exhibitor, a honey cooperative of Demnate
// with products in every language, handy to show an exhibitor's page.
const ShowcaseExhibitorSlug = "cooperative-tifawin-demnate"

// Slugs of the three top-level categories, one per exhibitor sector.
const (
	CategoryProduce    = "produits-du-terroir" // AGRI_FOOD
	CategoryHandicraft = "artisanat"           // HANDICRAFT
	CategoryServices   = "services"            // SERVICES
)

// Markers end every demo exhibitor's description, so that a visitor reading it in any language
// knows the organisation is made up.
const (
	MarkerAR = "(بيانات تجريبية)"
	MarkerFR = "(données de démonstration)"
	MarkerEN = "(demo data)"
)

// The seeds of the demo data. Changing one changes every ID and every drawn value.
const (
	contentSeed1, contentSeed2 = 2018_07_25, 0xE55_A21_1A1 // what is drawn: names, prices, counts
	idSeed1, idSeed2           = 2018_07_25, 0x1D5_A21_1A1 // the random part of the IDs
)

// batchSize bounds the rows of one INSERT: at ~25 columns a row, 100 rows stay far below both
// PostgreSQL's 65,535 bind parameters and SQLite's 32,766 variables.
const batchSize = 100

// Seed writes the demo fair with its categories, exhibitors, stands, products, spaces, speakers
// and programme in one transaction, and returns the fair. On any error nothing is written.
// It expects a database without them (slugs and IDs are unique, so seeding twice fails) and a
// client that is not already in a transaction.
func Seed(ctx context.Context, client *ent.Client) (*ent.Fair, error) {
	ctx = auth.System(ctx)
	loc, err := time.LoadLocation(TimeZone)
	if err != nil {
		return nil, fmt.Errorf("loading the time zone %s: %w", TimeZone, err)
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting the demo transaction: %w", err)
	}
	f, err := newSeeder(loc).seed(ctx, tx.Client())
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			err = fmt.Errorf("%w (and rolling back: %v)", err, rerr)
		}
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing the demo fair: %w", err)
	}
	return f.Unwrap(), nil
}

// FairID returns the ID Seed gives the demo fair.
func FairID() string {
	return newIDs().next(gid.Fair)
}

// seeder draws the demo data. Everything it makes comes from its two generators, in the order
// it makes it, which is what keeps two runs identical.
type seeder struct {
	rng *rand.Rand
	ids *idSource
	loc *time.Location
}

func newSeeder(loc *time.Location) *seeder {
	return &seeder{
		rng: rand.New(rand.NewPCG(contentSeed1, contentSeed2)),
		ids: newIDs(),
		loc: loc,
	}
}

func (s *seeder) seed(ctx context.Context, c *ent.Client) (*ent.Fair, error) {
	f, err := s.createFair(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("creating the demo fair: %w", err)
	}
	categories, err := s.createCategories(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("creating the demo categories: %w", err)
	}
	orgs := s.organisations()
	if err := s.createExhibitors(ctx, c, orgs); err != nil {
		return nil, fmt.Errorf("creating the demo exhibitors: %w", err)
	}
	if err := s.createStands(ctx, c, f.ID, orgs); err != nil {
		return nil, fmt.Errorf("creating the demo stands: %w", err)
	}
	if err := s.createProducts(ctx, c, orgs, categories); err != nil {
		return nil, fmt.Errorf("creating the demo products: %w", err)
	}
	spaces, err := s.createSpaces(ctx, c, f.ID)
	if err != nil {
		return nil, fmt.Errorf("creating the demo spaces: %w", err)
	}
	speakers, err := s.createSpeakers(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("creating the demo speakers: %w", err)
	}
	if err := s.createSessions(ctx, c, f.ID, spaces, speakers); err != nil {
		return nil, fmt.Errorf("creating the demo programme: %w", err)
	}
	return f, nil
}

// The fair's own facts, from its announcement.
var (
	fairName = text(
		"المعرض الجهوي للاقتصاد الاجتماعي والتضامني",
		"Salon régional de l'économie sociale et solidaire",
		"Regional Fair of the Social and Solidarity Economy",
	)
	fairTheme = text(
		"الاقتصاد الاجتماعي و التضامني دعامة أساسية للتنمية الجهوية المستدامة",
		"L'économie sociale et solidaire, pilier du développement régional durable",
		"The social and solidarity economy, a pillar of sustainable regional development",
	)
	fairCity      = i18n.Text{i18n.AR: "أزيلال", i18n.FR: "Azilal", i18n.EN: "Azilal", i18n.ZGH: "ⴰⵣⵉⵍⴰⵍ"}
	fairRegion    = text("جهة بني ملال خنيفرة", "Béni Mellal-Khénifra", "Béni Mellal-Khénifra")
	fairOrganizer = text(
		"مجلس جهة بني ملال خنيفرة، بشراكة مع وزارة السياحة والنقل الجوي والصناعة التقليدية والاقتصاد الاجتماعي",
		"Conseil de la Région de Béni Mellal-Khénifra, en partenariat avec le ministère du Tourisme, du Transport aérien, de l'Artisanat et de l'Économie sociale",
		"Regional Council of Béni Mellal-Khénifra, in partnership with the Ministry of Tourism, Air Transport, Handicrafts and Social Economy",
	)
	// The announcement does not name the venue: this one is invented, and says so.
	fairVenue = text(
		"الساحة العمومية وسط مدينة أزيلال "+MarkerAR,
		"Esplanade du centre-ville, Azilal "+MarkerFR,
		"Town-centre esplanade, Azilal "+MarkerEN,
	)
)

func (s *seeder) createFair(ctx context.Context, c *ent.Client) (*ent.Fair, error) {
	created := time.Date(2018, 5, 2, 10, 0, 0, 0, time.UTC)
	return c.Fair.Create().
		SetID(s.ids.next(gid.Fair)).
		SetCreatedAt(created).
		SetUpdatedAt(created).
		SetName(fairName).
		SetTheme(fairTheme).
		SetCity(fairCity).
		SetRegion(fairRegion).
		SetVenue(fairVenue).
		SetOrganizer(fairOrganizer).
		SetSlug(FairSlug).
		SetEdition(1).
		SetStartsOn(time.Date(2018, 7, 25, 0, 0, 0, 0, time.UTC)).
		SetEndsOn(time.Date(2018, 7, 29, 0, 0, 0, 0, time.UTC)).
		SetTimeZone(TimeZone).
		SetAreaSqm(3000).
		SetDefaultLanguage(i18n.AR).
		SetDemo(true).
		Save(ctx)
}

// idSource makes the IDs of the demo rows: each one a millisecond after the previous, from the
// fair's opening on, so that IDs sort in the order the rows were made; the ULIDs' random part
// is read from a seeded generator of its own, so that drawing more or fewer demo values does
// not change the random part of every ID that follows.
type idSource struct {
	at      time.Time
	entropy io.Reader
}

func newIDs() *idSource {
	opening := time.Date(2018, 7, 25, 8, 0, 0, 0, time.UTC) // 09:00 in Azilal (UTC+01:00 in July 2018)
	return &idSource{at: opening, entropy: pcgReader{rand.NewPCG(idSeed1, idSeed2)}}
}

func (s *idSource) next(prefix string) string {
	id := gid.Make(prefix, s.at, s.entropy)
	s.at = s.at.Add(time.Millisecond)
	return id
}

// pcgReader reads the output of a PCG generator as bytes.
type pcgReader struct{ src *rand.PCG }

func (r pcgReader) Read(p []byte) (int, error) {
	for i := 0; i < len(p); i += 8 {
		v := r.src.Uint64()
		for j := i; j < min(i+8, len(p)); j++ {
			p[j] = byte(v)
			v >>= 8
		}
	}
	return len(p), nil
}

// between returns a number drawn uniformly from lo to hi, both included.
func (s *seeder) between(lo, hi int) int {
	return lo + s.rng.IntN(hi-lo+1)
}

// chance reports true with probability p.
func (s *seeder) chance(p float64) bool {
	return s.rng.Float64() < p
}

// pick returns one of items, drawn uniformly.
func pick[T any](s *seeder, items []T) T {
	return items[s.rng.IntN(len(items))]
}

// shuffled returns a shuffled copy of items.
func shuffled[T any](s *seeder, items []T) []T {
	out := make([]T, len(items))
	for i, j := range s.rng.Perm(len(items)) {
		out[i] = items[j]
	}
	return out
}

// timeIn returns a time drawn uniformly, to the second, in [from, from+span).
func (s *seeder) timeIn(from time.Time, span time.Duration) time.Time {
	return from.Add(time.Duration(s.rng.Int64N(int64(span/time.Second))) * time.Second)
}

// inBatches saves builders batchSize at a time.
func inBatches[B any](ctx context.Context, builders []B, save func(context.Context, []B) error) error {
	for len(builders) > 0 {
		n := min(batchSize, len(builders))
		if err := save(ctx, builders[:n]); err != nil {
			return err
		}
		builders = builders[n:]
	}
	return nil
}

// text makes a localized text from its Arabic, French and English values; an empty English
// value is left out, so that the reader's fallback chain takes over.
func text(ar, fr, en string) i18n.Text {
	t := i18n.Text{i18n.AR: ar, i18n.FR: fr}
	if en != "" {
		t[i18n.EN] = en
	}
	return t
}

// compose joins texts sentence by sentence into a new text, in the languages every part has,
// so that no translation is left half-written. Nil parts are skipped.
func compose(parts ...i18n.Text) i18n.Text {
	out := i18n.Text{}
	for _, l := range i18n.All {
		var joined string
		complete := true
		for _, p := range parts {
			if p == nil {
				continue
			}
			v := p[l]
			if v == "" {
				complete = false
				break
			}
			if joined != "" {
				joined += " "
			}
			joined += v
		}
		if complete && joined != "" {
			out[l] = joined
		}
	}
	return out
}

// without returns a copy of t without the given languages.
func without(t i18n.Text, langs ...i18n.Lang) i18n.Text {
	out := make(i18n.Text, len(t))
	for l, v := range t {
		out[l] = v
	}
	for _, l := range langs {
		delete(out, l)
	}
	return out
}
