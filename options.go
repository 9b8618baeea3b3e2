package mesh

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Client in NewClient. Options are applied in order over safe
// defaults; NewClient then checks the whole configuration and reports what is wrong.
type Option func(*config)

// RetryPolicy says how CreateLinkToken retries transport failures, HTTP 429 and 5xx.
// Waits grow exponentially from MinWait with random jitter, never shorter than
// MinWait and never longer than MaxWait; a Retry-After that fits within MaxWait is
// honoured, a longer one ends the call with the error and its RetryAfter.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; 0 disables retrying
	MinWait    time.Duration // first back-off, and the shortest wait; grows exponentially with jitter
	MaxWait    time.Duration // cap of one wait
}

// DefaultRetryPolicy returns the policy of a Client built without WithRetry: 2 retries,
// waits from 500 ms to 5 s. It is a function so that no package can change the
// defaults of every other's clients.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 2, MinWait: 500 * time.Millisecond, MaxWait: 5 * time.Second}
}

// DefaultTimeout is the default limit of one attempt, body read included.
const DefaultTimeout = 30 * time.Second

// maxIdleConnsPerHost sizes the default connection pool for many concurrent callers.
const maxIdleConnsPerHost = 100

type config struct {
	env        Environment
	baseURL    string
	baseURLSet bool
	httpClient *http.Client
	hcSet      bool
	timeout    time.Duration
	retry      RetryPolicy
	userAgent  string
	logger     *slog.Logger
}

func defaultConfig() config {
	return config{
		env:     Production,
		timeout: DefaultTimeout,
		retry:   DefaultRetryPolicy(),
	}
}

// WithEnvironment selects Production (the default) or Sandbox. WithBaseURL overrides
// it.
func WithEnvironment(env Environment) Option {
	return func(c *config) { c.env = env }
}

// WithBaseURL sends requests to rawURL instead of the environment's base URL: a proxy,
// or a fake such as meshtest. It must be an absolute https URL; plain http is accepted
// only to a loopback host (127.0.0.0/8, ::1, localhost), so that credentials never
// cross a network in clear text.
func WithBaseURL(rawURL string) Option {
	return func(c *config) { c.baseURL, c.baseURLSet = rawURL, true }
}

// WithHTTPClient makes every call go through hc's Transport (read at each call, so
// httpmock.ActivateNonDefault(hc) works before or after NewClient). Only the Transport
// is used: redirects are never followed, cookies never kept, and the per-attempt limit
// is WithTimeout's, whatever hc says. hc is not modified.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.httpClient, c.hcSet = hc, true }
}

// WithTimeout limits one attempt, from sending the request to reading the whole answer
// (default 30 s). 0 means no per-attempt limit: the context alone bounds the call.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = d }
}

// WithRetry replaces the retry policy (default: 2 retries, waits from 500 ms to 5 s).
// RetryPolicy{} disables retrying.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) { c.retry = p }
}

// WithUserAgent appends product (e.g. "acme-payments/1.4") to the SDK's own
// "mesh-go/<version> (<go version>; <os>/<arch>)" User-Agent.
func WithUserAgent(product string) Option {
	return func(c *config) { c.userAgent = product }
}

// WithLogger makes the Client emit one debug record per attempt on l: method, path,
// attempt, HTTP status, duration and errorType. Header values and bodies are never
// logged, so neither is the secret. A nil l disables logging (the default).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}
