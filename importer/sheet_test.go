package importer

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestReadSheet(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       [][]string // the ref and name_fr of each row
	}{
		{"commas", "ref,name_fr\nA-1,Miel\nA-2,\"Miel, thym\"\n", [][]string{{"A-1", "Miel"}, {"A-2", "Miel, thym"}}},
		{"semicolons and a byte order mark", "\uFEFFref;name_fr\r\nA-1;Miel\r\nA-2;Miel, thym\r\n", [][]string{{"A-1", "Miel"}, {"A-2", "Miel, thym"}}},
		{"semicolons, commas in the header", "\uFEFFref;\"name_fr\";name_ar\nA-1;Miel, thym;عسل\n", [][]string{{"A-1", "Miel, thym"}}},
		{"Excel's sep= line", "sep=;\nref;name_fr\nA-1;Miel, thym\n", [][]string{{"A-1", "Miel, thym"}}},
		{"a single column", "\uFEFFref\nA-1\n", [][]string{{"A-1", ""}}},
		{"capitals, spaces, empty rows and columns", " Ref ; NAME_FR ;;\n A-1 ; Miel ;;\n;;;\n", [][]string{{"A-1", "Miel"}}},
		{"a cell on two lines", "ref,name_fr\nA-1,\"Miel\nde thym\"\nA-2,Amlou\n", [][]string{{"A-1", "Miel\nde thym"}, {"A-2", "Amlou"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p problems
			s := readSheet("f.csv", strings.NewReader(c.data), []string{"ref", "name_fr", "name_ar"}, &p)
			if len(p.list) > 0 || s == nil {
				t.Fatalf("problems: %v", p.list)
			}
			var got [][]string
			for _, r := range s.rows {
				got = append(got, []string{s.cell(r, "ref"), s.cell(r, "name_fr")})
			}
			if !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Errorf("rows %q, want %q", got, c.want)
			}
		})
	}
}

func TestReadSheetProblems(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       []string // row and column of each problem
	}{
		{"not UTF-8", "ref,name_fr\nA-1,Caf\xe9\n", []string{"0 "}},
		{"empty", "\uFEFF", []string{"0 "}},
		{"unknown and repeated columns", "ref,nom_fr,ref\n", []string{"1 nom_fr", "1 ref"}},
		{"a column without a name", "ref,,name_fr\n", []string{"1 2"}},
		{"too many cells", "ref,name_fr\nA-1,Miel,thym\nA-2,Amlou\n", []string{"2 "}},
		{"a quote left open", "ref,name_fr\nA-1,Miel\nA-2,\"Amlou\n", []string{"3 "}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p problems
			readSheet("f.csv", strings.NewReader(c.data), []string{"ref", "name_fr"}, &p)
			var got []string
			for _, x := range p.list {
				got = append(got, strconv.Itoa(x.Row)+" "+x.Column)
				if x.File != "f.csv" || x.Reason == "" {
					t.Errorf("%+v", x)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("problems %q (%v), want %q", got, p.list, c.want)
			}
		})
	}
}

func TestReadPrice(t *testing.T) {
	for in, want := range map[string]int64{
		"35": 3500, "35,50": 3550, "35.5": 3550, "35,05": 3505, "1 250": 125000, "1\u00a0250,00": 125000,
		"1\u202f250,00": 125000, "0": 0, "0,99": 99, "55 DH": 5500, "120 درهم": 12000, "٣٥٫٥٠": 3550, "12 MAD": 1200,
	} {
		m, err := readPrice(in)
		if err != nil || m.MinorUnits != want || m.Currency != "MAD" {
			t.Errorf("%q: %+v, %v; want %d centimes", in, m, err, want)
		}
	}
	for _, in := range []string{"", "-5", "1.250", "1,250", "35,505", "abc", "35,", ",50", "3 5,5 0 0", "1.250,00", "35 €"} {
		if m, err := readPrice(in); err == nil {
			t.Errorf("%q read as %+v", in, m)
		}
	}
}

func TestReadWords(t *testing.T) {
	for in, want := range map[string]string{
		"COOPERATIVE": "COOPERATIVE", "Coopérative": "COOPERATIVE", "تعاونية": "COOPERATIVE", "mutuelle": "MUTUAL",
		"Établissement public": "PUBLIC_INSTITUTION", "public_institution": "PUBLIC_INSTITUTION",
	} {
		if got, err := kinds.read(in); err != nil || string(got) != want {
			t.Errorf("kind %q: %s, %v", in, got, err)
		}
	}
	for in, want := range map[string]string{
		"Béni Mellal": "BENI_MELLAL", "BENI_MELLAL": "BENI_MELLAL", "beni-mellal": "BENI_MELLAL", "بني ملال": "BENI_MELLAL",
		"أزيلال": "AZILAL", "Khénifra": "KHENIFRA", "الفقيه بن صالح": "FQUIH_BEN_SALAH", "hors région": "OTHER",
	} {
		if got, err := provinces.read(in); err != nil || string(got) != want {
			t.Errorf("province %q: %s, %v", in, got, err)
		}
	}
	for in, want := range map[string]bool{"oui": true, "Non": false, "1": true, "0": false, "نعم": true, "لا": false, "": true, "x": true} {
		if got, err := readBool(in, true); err != nil || got != want {
			t.Errorf("%q: %v, %v", in, got, err)
		}
	}
	if got := readCodes("bio, igp;LABEL_AGRICOLE | onssa"); !slices.Equal(got, []string{"BIO", "IGP", "LABEL_AGRICOLE", "ONSSA"}) {
		t.Errorf("labels: %q", got)
	}
}
