package exports

import (
	"context"
	"testing"
	"time"

	"maarid"
	"maarid/ent"
	"maarid/ent/session"
	"maarid/ent/space"
	"maarid/i18n"
)

// IDs of the fixture, shaped as Maarid's.
const (
	fairID     = "fair_01CK877C0QFVM97S6JKDDS668M"
	stageID    = "spc_01CK877D2G3TTN2ZBVN2JARVE6"
	roomID     = "spc_01CK877D2HVEA72BFQVP5HMFD4"
	oddID      = "ses_01CK877D36M3VSB1G5KK7EVTFA"
	cancelID   = "ses_01CK877D37ZDMM0EEFXEE0KDWE"
	homelessID = "ses_01CK877D3CKXPBKGHXDMYTSECC"
	nextDayID  = "ses_01CK877D3DQ0A7D9Y6TAYZ3N6M"
)

// oddTitle is a title with every character that TEXT escapes, a line break, and Arabic.
const oddTitle = "Atelier, prix; coûts \\ marges\nسطر ثان"

// testContext is the context of a request in French, of a fair whose default is Arabic,
// served at https://maarid.example.
func testContext(requested i18n.Lang) context.Context {
	ctx := i18n.WithRequest(context.Background(), requested, i18n.AR)
	return maarid.WithOrigin(ctx, "https://maarid.example")
}

// testProgramme is a programme of three days in Casablanca's time: a session with an odd
// title and two speakers, a cancelled one, one without a space, one on the second day.
func testProgramme(t testing.TB) *programme {
	t.Helper()
	zone, err := time.LoadLocation("Africa/Casablanca")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour, minute int) time.Time { return time.Date(2018, 7, day, hour, minute, 0, 0, zone) }
	created := time.Date(2018, 7, 1, 8, 0, 0, 0, time.UTC)
	sixty := 60
	f := &ent.Fair{
		ID: fairID, Slug: "bmk-ess-2018", TimeZone: "Africa/Casablanca",
		Name:     i18n.Text{i18n.AR: "المعرض الجهوي", i18n.FR: "Salon régional"},
		Venue:    i18n.Text{i18n.FR: "Place de la Marche verte, Azilal"},
		StartsOn: time.Date(2018, 7, 25, 0, 0, 0, 0, time.UTC),
		EndsOn:   time.Date(2018, 7, 27, 0, 0, 0, 0, time.UTC),
	}
	stage := &ent.Space{ID: stageID, FairID: fairID, Kind: space.KindSTAGE, Position: 1,
		Name: i18n.Text{i18n.AR: "المنصة الرئيسية", i18n.FR: "Scène principale"}}
	room := &ent.Space{ID: roomID, FairID: fairID, Kind: space.KindWORKSHOP_ROOM, Position: 2, Capacity: &sixty,
		Name: i18n.Text{i18n.AR: "قاعة الورشات 1", i18n.FR: "Salle d'atelier 1"}}
	long := ""
	for range 12 {
		long += "تكوين في التدبير المالي والإداري للتعاونيات، "
	}
	sessions := []*ent.Session{
		{ID: oddID, SpaceID: &room.ID, Kind: session.KindTRAINING, Status: session.StatusSCHEDULED, Version: 3,
			Title:       i18n.Text{i18n.FR: oddTitle, i18n.AR: long},
			Description: i18n.Text{i18n.FR: "Première ligne\r\nDeuxième ligne, avec une virgule", i18n.AR: long},
			Languages:   []i18n.Lang{i18n.FR, i18n.AR},
			StartsAt:    at(25, 10, 0), EndsAt: at(25, 11, 30),
			Edges: ent.SessionEdges{Space: room, Speakers: []*ent.Speaker{
				{ID: "spk_01CK877D2QBPJ1SZ0H3WCRVD3T", Name: "Fatima Zahra Ait Ouarab", Organization: "ODCO"},
				{ID: "spk_01CK877D2RB3Y61X0Q3MF6NV1R", Name: "Hassan Benali"},
			}}},
		{ID: cancelID, SpaceID: &stage.ID, Kind: session.KindTALK, Status: session.StatusCANCELLED, Version: 2,
			Title:    i18n.Text{i18n.FR: "Conférence annulée"},
			StartsAt: at(25, 12, 0), EndsAt: at(25, 13, 0), Edges: ent.SessionEdges{Space: stage}},
		{ID: homelessID, Kind: session.KindCHILDREN_ACTIVITY, Status: session.StatusSCHEDULED, Version: 1,
			Title:    i18n.Text{i18n.ZGH: "ⴰⵙⵏⵎⵍ"},
			StartsAt: at(25, 16, 0), EndsAt: at(25, 17, 15)},
		{ID: nextDayID, SpaceID: &stage.ID, Kind: session.KindPANEL, Status: session.StatusSCHEDULED, Version: 1,
			Title:    i18n.Text{i18n.AR: "مائدة مستديرة", i18n.FR: "Table ronde"},
			StartsAt: at(26, 9, 30), EndsAt: at(26, 11, 0), Edges: ent.SessionEdges{Space: stage}},
	}
	for i, s := range sessions {
		s.FairID = fairID
		s.CreatedAt, s.UpdatedAt = created, created.Add(time.Duration(i)*time.Hour)
	}
	return &programme{fair: f, zone: zone, spaces: []*ent.Space{stage, room}, sessions: sessions}
}
