package importer_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"maarid"
	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/ent/product"
	"maarid/i18n"
	"maarid/importer"
	"maarid/money"
	"maarid/store/storetest"
)

// testdata reads a file of testdata.
func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// file is a CSV file named name with the given content.
func file(name string, data []byte) *importer.File {
	return &importer.File{Name: name, Data: bytes.NewReader(data)}
}

// seeded returns a client on a new database of kind with the demo fair: its categories, its
// exhibitors, its currency.
func seeded(t testing.TB, kind string) *ent.Client {
	t.Helper()
	client := storetest.Open(t, kind)
	if _, err := demo.Seed(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	return client
}

// rows is what an import may change: the rows of each table, and when each last changed.
type rows struct {
	exhibitors, products map[string]time.Time
}

func snapshot(t testing.TB, client *ent.Client) rows {
	t.Helper()
	ctx := auth.System(context.Background())
	r := rows{map[string]time.Time{}, map[string]time.Time{}}
	es, err := client.Exhibitor.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		r.exhibitors[e.ID] = e.UpdatedAt
	}
	ps, err := client.Product.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		r.products[p.ID] = p.UpdatedAt
	}
	return r
}

// changed returns the IDs whose rows are new or changed in after.
func changed(before, after map[string]time.Time) []string {
	var ids []string
	for id, at := range after {
		if was, ok := before[id]; !ok || !was.Equal(at) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestImport(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			ctx := auth.System(context.Background())
			client := seeded(t, kind)
			before := snapshot(t, client)
			exhibitors, products := testdata(t, "exhibitors.csv"), testdata(t, "products.csv")
			run := func(ex, pr []byte) importer.Summary {
				t.Helper()
				s, err := importer.Run(context.Background(), client, importer.Request{
					Exhibitors: file("exhibitors.csv", ex), Products: file("products.csv", pr)})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}

			got := run(exhibitors, products)
			want := importer.Summary{Exhibitors: importer.Counts{Created: 6}, Products: importer.Counts{Created: 7}}
			if got != want {
				t.Fatalf("first import: %+v, want %+v", got, want)
			}
			first := snapshot(t, client)
			if n, m := len(changed(before.exhibitors, first.exhibitors)), len(changed(before.products, first.products)); n != 6 || m != 7 {
				t.Fatalf("the import wrote %d exhibitors and %d products, not 6 and 7", n, m)
			}

			// The rows as the files say, through the schema's hooks.
			tamount, err := client.Exhibitor.Query().Where(exhibitor.Slug("cooperative-tamount-ait-bouguemez")).WithProducts().Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tamount.Name[i18n.AR] != "تعاونية تامونت للعسل" || tamount.Name[i18n.FR] != "Coopérative Tamount pour le miel" ||
				tamount.Kind != exhibitor.KindCOOPERATIVE || tamount.Sector != exhibitor.SectorAGRI_FOOD ||
				tamount.Province != exhibitor.ProvinceAZILAL || tamount.Commune[i18n.FR] != "Tabant (Aït Bouguemez)" ||
				!tamount.WomenLed || tamount.YouthLed || *tamount.FoundedYear != 2009 || *tamount.MemberCount != 24 ||
				*tamount.Contact != (maarid.Contact{Email: "contact@tamount.example.ma", Phone: "+212 523 45 67 89"}) ||
				!slices.Equal(tamount.Labels, []string{"ONSSA", "BIO"}) || tamount.NameSortFr == "" || !tamount.Published {
				t.Errorf("the exhibitor of row 2: %+v", tamount)
			}
			if len(tamount.Edges.Products) != 2 {
				t.Errorf("Tamount has %d products, not 2", len(tamount.Edges.Products))
			}
			prices := map[string]int64{}
			ps, err := client.Product.Query().Where(product.IDIn(changed(before.products, first.products)...)).WithCategory().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				prices[p.Name[i18n.FR]] = p.Price.MinorUnits
				if p.Price.Currency != money.DefaultCurrency || !p.Listed || p.Edges.Category == nil {
					t.Errorf("%s: %+v", p.Name[i18n.FR], p)
				}
				if p.Name[i18n.FR] == "Coffret en bois de cèdre" && (p.Available || p.Edges.Category.Slug != "bois-de-cedre") {
					t.Errorf("the cedar box: available %v, category %s", p.Available, p.Edges.Category.Slug)
				}
			}
			for name, want := range map[string]int64{
				"Miel de thym de montagne": 18000, "Miel toutes fleurs": 6550, "Nappe brodée à la main": 125000,
				"Oranges Maroc Late": 5500, "Couscous d'orge": 3850,
			} {
				if prices[name] != want {
					t.Errorf("%s costs %d centimes, not %d", name, prices[name], want)
				}
			}

			// Again: nothing changes, not even when each row last changed.
			got = run(exhibitors, products)
			want = importer.Summary{Exhibitors: importer.Counts{Unchanged: 6}, Products: importer.Counts{Unchanged: 7}}
			if got != want {
				t.Errorf("second import: %+v, want %+v", got, want)
			}
			second := snapshot(t, client)
			if ids := slices.Concat(changed(first.exhibitors, second.exhibitors), changed(first.products, second.products)); len(ids) > 0 ||
				len(second.exhibitors) != len(first.exhibitors) || len(second.products) != len(first.products) {
				t.Errorf("importing the same files again changed %v", ids)
			}

			// An edited row updates its record, and only it.
			edited := bytes.Replace(exhibitors, []byte("Ruchers traditionnels"), []byte("Ruchers familiaux"), 1)
			editedProducts := bytes.Replace(products, []byte(`"180,00"`), []byte(`"185,00"`), 1)
			got = run(edited, editedProducts)
			want = importer.Summary{Exhibitors: importer.Counts{Updated: 1, Unchanged: 5}, Products: importer.Counts{Updated: 1, Unchanged: 6}}
			if got != want {
				t.Errorf("import of an edited row: %+v, want %+v", got, want)
			}
			third := snapshot(t, client)
			if ids := changed(second.exhibitors, third.exhibitors); !slices.Equal(ids, []string{tamount.ID}) {
				t.Errorf("the edit changed the exhibitors %v, not %s alone", ids, tamount.ID)
			}
			if ids := changed(second.products, third.products); len(ids) != 1 {
				t.Errorf("the edit changed the products %v, not one", ids)
			}
			again, err := client.Exhibitor.Get(ctx, tamount.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(again.Description[i18n.FR], "Ruchers familiaux") || again.Description[i18n.AR] != tamount.Description[i18n.AR] {
				t.Errorf("the edited description: %v", again.Description)
			}
			thyme, err := client.Product.Query().Where(product.ExhibitorID(tamount.ID), product.PriceMinorUnits(18500)).Only(ctx)
			if err != nil || thyme.Name[i18n.FR] != "Miel de thym de montagne" {
				t.Errorf("the edited price: %v, %v", thyme, err)
			}

			// A file without a language's column leaves that language as it is, and a
			// products file alone finds the exhibitors of the earlier import.
			withoutEnglish := dropColumn(t, editedProducts, ',', "name_en")
			s, err := importer.Run(context.Background(), client, importer.Request{Products: file("products.csv", withoutEnglish)})
			if err != nil || s.Products != (importer.Counts{Unchanged: 7}) {
				t.Errorf("products alone, without name_en: %+v, %v", s.Products, err)
			}
		})
	}
}

// dropColumn removes a column from a CSV file without quoted separators in it.
func dropColumn(t testing.TB, data []byte, sep byte, column string) []byte {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	header := strings.Split(lines[0], string(sep))
	i := slices.Index(header, column)
	if i < 0 {
		t.Fatalf("no column %s", column)
	}
	for n, line := range lines {
		if line == "" {
			continue
		}
		cells := splitCSV(line, sep)
		lines[n] = strings.Join(slices.Delete(cells, i, i+1), string(sep))
	}
	return []byte(strings.Join(lines, "\n"))
}

// splitCSV splits a line of CSV into its cells as written, quotes kept.
func splitCSV(line string, sep byte) []string {
	var cells []string
	start, quoted := 0, false
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '"':
			quoted = !quoted
		case line[i] == sep && !quoted:
			cells = append(cells, line[start:i])
			start = i + 1
		}
	}
	return append(cells, line[start:])
}

func TestImportProblems(t *testing.T) {
	exhibitors := "ref;slug;name_ar;name_fr;kind;sector;province;email;founded_year;member_count;labels;women_led\n" +
		"AZ-1;cooperative-tifawin-demnate;تعاونية;Coopérative;COOPERATIVE;AGRI_FOOD;AZILAL;;;;;\n" + // row 2: a demo exhibitor's slug
		"AZ-2;coop-deux;;;Coopérativ;AGRI_FOOD;Marrakech;x@;1850;-1;;peut-être\n" + // row 3: six problems
		"AZ-3;coop-trois;تعاونية;Coop trois;ASSOCIATION;SERVICES;KHENIFRA;;;;bio label!;\n" + // row 4: labels, found by the hook
		"AZ-1;coop-quatre;تعاونية;Coop quatre;MUTUAL;SERVICES;OTHER;;;;;\n" + // row 5: ref of row 2
		"AZ-5;coop-cinq;تعاونية;Coop cinq;MUTUAL;SERVICES;OTHER;;;;;\n" // row 6: right
	products := "\uFEFFref,exhibitor_ref,category_slug,name_fr,price_mad,available\n" +
		"P-1,AZ-5,miel,Miel,\"35,50\",oui\n" + // row 2: right
		"P-2,AZ-404,miel,Miel,35,\n" + // row 3: unknown exhibitor
		"P-3,AZ-5,pas-une-categorie,Miel,35,\n" + // row 4: unknown category
		"P-4,AZ-5,miel,,\"1.250\",\n" + // row 5: no name, price
		"P-1,AZ-5,,Miel,12,\n" + // row 6: ref of row 2
		"P-6,AZ-2,,Miel,12,\n" // row 7: an exhibitor with problems: not reported again
	want := []string{
		"exhibitors.csv 2 slug",
		"exhibitors.csv 3 name_ar/name_fr", "exhibitors.csv 3 kind", "exhibitors.csv 3 province", "exhibitors.csv 3 email",
		"exhibitors.csv 3 women_led", "exhibitors.csv 3 founded_year", "exhibitors.csv 3 member_count",
		"exhibitors.csv 4 labels",
		"exhibitors.csv 5 ref",
		"products.csv 3 exhibitor_ref",
		"products.csv 4 category_slug",
		"products.csv 5 name_fr", "products.csv 5 price_mad",
		"products.csv 6 ref",
	}
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			client := seeded(t, kind)
			before := snapshot(t, client)
			_, err := importer.Run(context.Background(), client, importer.Request{
				Exhibitors: file("exhibitors.csv", []byte(exhibitors)), Products: file("products.csv", []byte(products))})
			var problems importer.Problems
			if !errors.As(err, &problems) {
				t.Fatalf("not a list of problems: %v", err)
			}
			var got []string
			for _, p := range problems {
				got = append(got, strings.Join([]string{p.File, strconv.Itoa(p.Row), p.Column}, " "))
				if p.Reason == "" {
					t.Errorf("%s: no reason", p)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n%s\nwant (file row column):\n%s", err, strings.Join(want, "\n"))
			}
			after := snapshot(t, client)
			if len(after.exhibitors) != len(before.exhibitors) || len(after.products) != len(before.products) ||
				len(changed(before.exhibitors, after.exhibitors)) > 0 || len(changed(before.products, after.products)) > 0 {
				t.Errorf("an import with problems wrote: %d → %d exhibitors, %d → %d products",
					len(before.exhibitors), len(after.exhibitors), len(before.products), len(after.products))
			}

			// The right rows alone import.
			right := "ref,slug,name_fr,kind,sector,province\nAZ-5,coop-cinq,Coop cinq,MUTUAL,SERVICES,OTHER\n"
			s, err := importer.Run(context.Background(), client, importer.Request{
				Exhibitors: file("exhibitors.csv", []byte(right)),
				Products:   file("products.csv", []byte("ref,exhibitor_ref,name_fr,price_mad\nP-1,AZ-5,Miel,\"35,50\"\n"))})
			if err != nil || s.Exhibitors.Created != 1 || s.Products.Created != 1 {
				t.Errorf("the right rows: %+v, %v", s, err)
			}
		})
	}
}

// TestDryRun checks that a dry run reports what an import would do, and writes nothing.
func TestDryRun(t *testing.T) {
	client := seeded(t, "sqlite")
	before := snapshot(t, client)
	s, err := importer.Run(context.Background(), client, importer.Request{
		Exhibitors: file("exhibitors.csv", testdata(t, "exhibitors.csv")), Products: file("products.csv", testdata(t, "products.csv")),
		DryRun: true})
	if err != nil || s.Exhibitors.Created != 6 || s.Products.Created != 7 {
		t.Errorf("dry run: %+v, %v", s, err)
	}
	if after := snapshot(t, client); len(after.exhibitors) != len(before.exhibitors) || len(after.products) != len(before.products) {
		t.Error("a dry run wrote")
	}
}

// TestUnreadExhibitors checks that an exhibitors file that cannot be read is reported for
// itself, and not again through every product of its exhibitors.
func TestUnreadExhibitors(t *testing.T) {
	client := seeded(t, "sqlite")
	for name, exhibitors := range map[string]string{
		"a required column missing": "ref,slug,name_fr,sector,province\nAZ-1,coop-une,Coop une,SERVICES,AZILAL\n",
		"not UTF-8":                 "ref,slug,name_fr,kind,sector,province\nAZ-1,coop-une,Coop\xe9,MUTUAL,SERVICES,AZILAL\n",
	} {
		_, err := importer.Run(context.Background(), client, importer.Request{
			Exhibitors: file("exhibitors.csv", []byte(exhibitors)),
			Products:   file("products.csv", []byte("ref,exhibitor_ref,name_fr,price_mad\nP-1,AZ-1,Miel,35\n"))})
		var problems importer.Problems
		if !errors.As(err, &problems) || len(problems) != 1 || problems[0].File != "exhibitors.csv" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
