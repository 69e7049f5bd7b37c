package maarid

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
)

// Contact is how to reach an exhibitor. It is protected: only partners, organisers and the
// exhibitor itself read it.
type Contact struct {
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Website string `json:"website,omitempty"`
}

// Validate reports a malformed e-mail address or website, or an over-long value.
func (c *Contact) Validate() error {
	if c == nil {
		return nil
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 254 {
			return Invalid("contact.email", "%q is not an e-mail address", c.Email)
		}
	}
	if len(c.Phone) > 40 || strings.ContainsFunc(c.Phone, func(r rune) bool {
		return !strings.ContainsRune("+0123456789 -.()", r)
	}) {
		return Invalid("contact.phone", "%q is not a phone number", c.Phone)
	}
	if c.Website != "" {
		if err := CheckWebURL(c.Website); err != nil {
			return Invalid("contact.website", "%v", err)
		}
	}
	return nil
}

// CheckWebURL reports whether s is not an absolute http or https URL of at most 2,000
// characters.
func CheckWebURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || len(s) > 2000 {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}
