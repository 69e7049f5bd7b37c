// Package deploy is Maarid deployed on several instances: HAProxy's configuration
// (haproxy.cfg), a systemd unit for one instance (maarid@.service) and the settings the
// instances share (maarid.env.example), and run.sh, which starts three instances on one
// PostgreSQL database behind HAProxy on this machine. Its test starts that deployment and
// follows the programme through the balancer as the venue's screens do, while instances are
// killed, stopped and cut off from their database connections. README.md says how to use it.
package deploy
