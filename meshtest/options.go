package meshtest

import (
	"net/url"
	"strings"
	"time"
)

// Option configures a Server in NewServer and Start.
type Option func(*config)

type config struct {
	clientID, clientSecret string
	tls                    bool

	// The http.Server's timeouts: a client that stalls (a body shorter than its
	// Content-Length, Expect: 100-continue and then nothing, headers never finished)
	// is cut off instead of holding a connection and a goroutine for ever.
	readHeaderTimeout, readTimeout, idleTimeout time.Duration

	webhook                   bool // WithWebhook was given
	webhookURL, webhookSecret string
	webhookTimeout            time.Duration // for one delivery: the receiver's answer
	now                       func() time.Time
}

// defaultConfig is the configuration before the options.
func defaultConfig() config {
	return config{
		clientID:          ClientID,
		clientSecret:      ClientSecret,
		readHeaderTimeout: 5 * time.Second,
		readTimeout:       10 * time.Second,
		idleTimeout:       10 * time.Second,
		webhookTimeout:    2 * time.Second,
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

// WithWebhook makes the server deliver Mesh's transfer-status events to url, signed
// with secret as Mesh signs them (X-Mesh-Signature-256: standard padded Base64 of
// HMAC-SHA256 over the body, keyed with the secret's bytes). Each status change that
// PayWithLink and SetTransferStatus make is POSTed before they return; an answer
// other than 200, or none within 2 s, is delivered again at once, three tries in all,
// with the same EventId and a new Id (see Deliveries). The event's TransferStatus is
// capitalised ("Pending") as in Mesh's example. Without WithWebhook nothing is
// delivered.
//
// url is an absolute http or https URL, e.g. an httptest.Server's URL and a path; an
// https receiver must have a certificate the system trusts. NewServer panics on a url
// that is not such a URL and on a blank secret: a test's own mistake, better loud at
// once than a delivery that never arrives.
func WithWebhook(url, secret string) Option {
	return func(c *config) { c.webhook, c.webhookURL, c.webhookSecret = true, url, secret }
}

// check panics on a configuration that cannot work (NewServer has no error to
// return, as httptest.NewServer has none).
func (c *config) check() {
	if !c.webhook {
		return
	}
	u, err := url.Parse(c.webhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		panic("meshtest: WithWebhook: the url must be an absolute http or https URL, got " + quote(c.webhookURL))
	}
	if strings.TrimSpace(c.webhookSecret) == "" {
		panic("meshtest: WithWebhook: the secret must not be empty or blank")
	}
}
