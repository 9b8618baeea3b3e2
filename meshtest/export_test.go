package meshtest

import "time"

// WithServerTimeouts sets the http.Server's ReadHeaderTimeout, ReadTimeout and
// IdleTimeout, so that a test of the timeouts takes milliseconds, or so that only
// Close can end a stalled request.
func WithServerTimeouts(header, read, idle time.Duration) Option {
	return func(c *config) { c.readHeaderTimeout, c.readTimeout, c.idleTimeout = header, read, idle }
}

// WithWebhookTimeout sets how long a webhook delivery waits for the receiver's
// answer (2 s by default), so that a test of a receiver that never answers takes
// milliseconds.
func WithWebhookTimeout(d time.Duration) Option {
	return func(c *config) { c.webhookTimeout = d }
}

// WithClock makes the server read the time from now: createdTimestamp,
// executedTimestamp, a verification's timestamp, and the webhook's SentTimestamp and
// Timestamp.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}
