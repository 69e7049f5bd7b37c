package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// MinPepperLength is the shortest pepper accepted, in bytes.
const MinPepperLength = 32

// LoadPepper returns the pepper that keys are hashed with: configured when it is set;
// otherwise the one kept in the file at path, made on first use with 256 random bits and
// readable by its owner only. An empty path means there is nowhere to keep one: the caller
// must configure it (several instances sharing a database must hash keys alike).
func LoadPepper(configured, path string) ([]byte, error) {
	if configured != "" {
		if len(configured) < MinPepperLength {
			return nil, fmt.Errorf("the key pepper must have at least %d characters", MinPepperLength)
		}
		return []byte(configured), nil
	}
	if path == "" {
		return nil, errors.New("set a key pepper (MAARID_KEY_PEPPER): every instance on this database must hash keys with the same one")
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		var random [32]byte
		rand.Read(random[:])
		b = []byte(hex.EncodeToString(random[:]) + "\n")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("keeping a new key pepper: %w", err)
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return nil, fmt.Errorf("keeping a new key pepper: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("keeping a new key pepper: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("reading the key pepper: %w", err)
	}
	pepper := strings.TrimSpace(string(b))
	if len(pepper) < MinPepperLength {
		return nil, fmt.Errorf("the key pepper in %s is too short", path)
	}
	return []byte(pepper), nil
}
