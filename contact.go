package maarid

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"maarid/pictures"
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
			return Invalid("contact.websiteUrl", "%v", err)
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

// CheckPictureURL reports a picture's URL that is neither an http(s) URL nor the path of a
// picture Maarid serves (package pictures), which the API answers as a URL of its own origin.
func CheckPictureURL(s string) error {
	if _, _, ok := pictures.Parse(s); ok {
		return nil
	}
	if err := CheckWebURL(s); err != nil {
		return fmt.Errorf("%q is not an http(s) URL, nor a picture Maarid serves", s)
	}
	return nil
}

// The contact as the API answers it: a value it does not have is null, never "".

// EmailAddress is the contact's e-mail address, or nil.
func (c Contact) EmailAddress() *string { return orNil(c.Email) }

// PhoneNumber is the contact's phone number, or nil.
func (c Contact) PhoneNumber() *string { return orNil(c.Phone) }

// WebsiteURL is the contact's website, or nil.
func (c Contact) WebsiteURL() *string { return orNil(c.Website) }

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
