package programme

const (
	// notifyChannel is the PostgreSQL channel on which writers announce programme changes.
	notifyChannel = "maarid_programme"
	// programmeLock is the key of the advisory lock that serialises programme changes.
	programmeLock int64 = 0x6d61617269640001
)
