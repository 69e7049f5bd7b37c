package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"maarid/auth"
	"maarid/demo"
	"maarid/ent"
	"maarid/ent/exhibitor"
	"maarid/i18n"
)

const keysUsage = `Usage:
  go run ./server keys create --role partner|exhibitor|organiser --name NAME [--exhibitor ID]
  go run ./server keys list
  go run ./server keys revoke ID

A built server takes the same arguments (maarid keys list). The database and the key pepper
are the server's: --database and --key-pepper, or MAARID_DATABASE_URL and MAARID_KEY_PEPPER.
`

// runKeys is `maarid keys`: it makes, lists and revokes API keys in the server's database.
func runKeys(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(out, keysUsage)
		return errors.New("keys: say create, list or revoke")
	}
	command, args := args[0], args[1:]
	fs := flag.NewFlagSet("maarid keys "+command, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { fmt.Fprint(out, keysUsage) }
	c := config{}
	fs.StringVar(&c.database, "database", "maarid.db", "")
	fs.StringVar(&c.keyPepper, "key-pepper", "", "")
	role := fs.String("role", "", "")
	name := fs.String("name", "", "")
	exhibitorID := fs.String("exhibitor", "", "")
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && (f.Name == "database" || f.Name == "key-pepper") {
			fs.Set(f.Name, v)
		}
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	client, keys, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer client.Close()

	switch command {
	case "create":
		r := auth.Role(strings.ToUpper(*role))
		if r != auth.Partner && r != auth.Exhibitor && r != auth.Organiser || *name == "" {
			fmt.Fprint(out, keysUsage)
			return errors.New("keys create: give a role (partner, exhibitor or organiser) and a name")
		}
		secret, key, err := keys.Create(ctx, r, *name, *exhibitorID)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Made the %s key %s (%s). Its secret, shown this once:\n\n  %s\n\nSend it as: Authorization: Bearer %s\n",
			r, key.ID, key.Name, secret, secret)
	case "list":
		list, err := keys.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tNAME\tEXHIBITOR\tCREATED\tLAST USED\tREVOKED")
		for _, k := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, k.Name, deref(k.ExhibitorID),
				k.CreatedAt.Format(time.DateTime), when(k.LastUsedAt), when(k.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			fmt.Fprint(out, keysUsage)
			return errors.New("keys revoke: give the ID of the key")
		}
		if err := keys.Revoke(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(out, "Revoked %s.\n", fs.Arg(0))
	default:
		fmt.Fprint(out, keysUsage)
		return fmt.Errorf("keys: unknown command %q", command)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Local().Format(time.DateTime)
}

// demoKeys makes one key per role for the demo fair and writes their secrets to out, once.
func demoKeys(ctx context.Context, client *ent.Client, keys *auth.Keys, out io.Writer) error {
	showcase, err := client.Exhibitor.Query().Where(exhibitor.Slug(demo.ShowcaseExhibitorSlug)).Only(auth.System(ctx))
	if err != nil {
		return fmt.Errorf("finding the demo exhibitor: %w", err)
	}
	var b strings.Builder
	b.WriteString("\nDemo API keys for the demo fair, shown this once. They are for trying Maarid out:\n" +
		"revoke them (go run ./server keys list, then go run ./server keys revoke ID) before real\n" +
		"data goes in.\n\n")
	for _, k := range []struct {
		role              auth.Role
		name, exhibitorID string
	}{
		{auth.Organiser, "Demo organiser", ""},
		{auth.Partner, "Demo partner", ""},
		{auth.Exhibitor, "Demo exhibitor: " + showcase.Name[i18n.FR], showcase.ID},
	} {
		secret, _, err := keys.Create(ctx, k.role, k.name, k.exhibitorID)
		if err != nil {
			return fmt.Errorf("making the demo %s key: %w", k.role, err)
		}
		fmt.Fprintf(&b, "  %-9s  %s  %s\n", k.role, secret, k.name)
	}
	b.WriteString("\nIn GraphiQL, set the header {\"Authorization\": \"Bearer <key>\"}.\n\n")
	_, err = io.WriteString(out, b.String())
	return err
}
