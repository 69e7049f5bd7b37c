package pictures_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"maarid/pictures"
)

func TestPicturesAreDeterministicSVG(t *testing.T) {
	for _, kind := range []pictures.Kind{pictures.Logo, pictures.Product, pictures.Speaker} {
		a, again, other := pictures.SVG(kind, "cooperative-tifawin"), pictures.SVG(kind, "cooperative-tifawin"), pictures.SVG(kind, "association-amal-azilal")
		if !bytes.Equal(a, again) {
			t.Errorf("%s: two drawings of one seed differ", kind)
		}
		if bytes.Equal(a, other) {
			t.Errorf("%s: two seeds give one picture", kind)
		}
		dec := xml.NewDecoder(bytes.NewReader(a))
		var root string
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not XML: %v\n%s", kind, err, a)
			}
			if s, ok := tok.(xml.StartElement); ok && root == "" {
				root = s.Name.Space + " " + s.Name.Local
			}
		}
		if root != "http://www.w3.org/2000/svg svg" {
			t.Errorf("%s: root element %q", kind, root)
		}
	}
	if !bytes.Contains(pictures.SVG(pictures.Logo, "cooperative-tifawin-azilal"), []byte(">TA</text>")) {
		t.Error("a logo shows its exhibitor's initials, skipping the kind of exhibitor")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		path string
		kind pictures.Kind
		seed string
		ok   bool
	}{
		{pictures.Path(pictures.Product, "miel-de-thym-3"), pictures.Product, "miel-de-thym-3", true},
		{"/pictures/logo/tifawin.svg", pictures.Logo, "tifawin", true},
		{"/pictures/logo/tifawin.png", "", "", false},
		{"/pictures/banner/tifawin.svg", "", "", false},
		{"/pictures/logo/../secret.svg", "", "", false},
		{"/pictures/logo/Tifawin.svg", "", "", false},
		{"/pictures/logo/a-.svg", "", "", false},
		{"/pictures/logo/.svg", "", "", false},
		{"/pictures/speaker/a/b.svg", "", "", false},
		{"/elsewhere/logo/tifawin.svg", "", "", false},
	}
	for _, tt := range tests {
		kind, seed, ok := pictures.Parse(tt.path)
		if kind != tt.kind || seed != tt.seed || ok != tt.ok {
			t.Errorf("Parse(%q) = %q, %q, %v", tt.path, kind, seed, ok)
		}
	}
}
