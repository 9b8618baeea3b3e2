package meshtest

import "time"

// WithServerTimeouts sets the http.Server's ReadHeaderTimeout, ReadTimeout and
// IdleTimeout, so that a test of the timeouts takes milliseconds, or so that only
// Close can end a stalled request.
func WithServerTimeouts(header, read, idle time.Duration) Option {
	return func(c *config) { c.readHeaderTimeout, c.readTimeout, c.idleTimeout = header, read, idle }
}

// WithClock makes the server read the time from now: createdTimestamp,
// executedTimestamp and a verification's timestamp.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}
