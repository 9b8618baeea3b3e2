package meshtest

import "time"

// Option configures a Server in NewServer and Start.
type Option func(*config)

type config struct {
	clientID, clientSecret string
	tls                    bool

	// The http.Server's timeouts: a client that stalls (a body shorter than its
	// Content-Length, Expect: 100-continue and then nothing, headers never finished)
	// is cut off instead of holding a connection and a goroutine for ever.
	readHeaderTimeout, readTimeout, idleTimeout time.Duration

	now func() time.Time
}

// defaultConfig is the configuration before the options.
func defaultConfig() config {
	return config{
		clientID:          ClientID,
		clientSecret:      ClientSecret,
		readHeaderTimeout: 5 * time.Second,
		readTimeout:       10 * time.Second,
		idleTimeout:       10 * time.Second,
		now:               time.Now,
	}
}

// WithCredentials makes the server accept clientID and clientSecret instead of
// ClientID and ClientSecret; Server.NewClient then uses them too.
func WithCredentials(clientID, clientSecret string) Option {
	return func(c *config) { c.clientID, c.clientSecret = clientID, clientSecret }
}

// WithTLS makes the server speak https (httptest.NewTLSServer, a self-signed
// certificate for 127.0.0.1): its URL is https://127.0.0.1:port. Server.Client and
// Server.NewClient trust its certificate; other clients do not.
func WithTLS() Option {
	return func(c *config) { c.tls = true }
}
