package mesh

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Option configures a Client in NewClient. Options are applied in order over safe
// defaults; NewClient then checks the whole configuration and reports what is wrong.
type Option func(*config)

// DefaultTimeout is the default limit of one attempt, body read included.
const DefaultTimeout = 30 * time.Second

type config struct {
	env        Environment
	baseURL    string
	baseURLSet bool
	httpClient *http.Client
	hcSet      bool
	timeout    time.Duration
	timeoutSet bool
	retry      RetryPolicy
	userAgent  string
	logger     *slog.Logger
	// now and sleep are time, replaced by tests so that back-off costs nothing.
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

func defaultConfig() config {
	return config{env: Production, timeout: DefaultTimeout, retry: DefaultRetryPolicy(), now: time.Now, sleep: sleep}
}

// WithEnvironment selects Production (the default) or Sandbox. WithBaseURL overrides
// it.
func WithEnvironment(env Environment) Option {
	return func(c *config) { c.env = env }
}

// WithBaseURL sends requests to rawURL instead of the environment's base URL: a proxy,
// or a fake such as meshtest. It must be an absolute https URL (a path prefix is
// allowed; user information, a query or a fragment is not); plain http is accepted
// only to a loopback host (127.0.0.0/8, ::1, localhost), and is never sent through a
// proxy, so that credentials never cross a network in clear text.
func WithBaseURL(rawURL string) Option {
	return func(c *config) { c.baseURL, c.baseURLSet = rawURL, true }
}

// WithHTTPClient makes every call go through hc's Transport (nil means the SDK's own
// default transport), read at each call, so that httpmock.ActivateNonDefault(hc)
// works before or after NewClient. hc.Timeout, when set, limits one attempt unless
// WithTimeout says otherwise. hc's redirect policy and cookie jar are not used:
// redirects are never followed and cookies never kept. hc is not modified: a plain
// http request that its *http.Transport would send through a proxy is refused.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.httpClient, c.hcSet = hc, true }
}

// WithTimeout limits one attempt, from sending the request to reading the whole answer
// (default 30 s). 0 means no per-attempt limit: the context alone bounds the call.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout, c.timeoutSet = d, true }
}

// WithRetry replaces the retry policy (default: DefaultRetryPolicy()).
// RetryPolicy{} disables retrying; a zero MinWait or MaxWait means its default.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) { c.retry = p }
}

// WithUserAgent appends product (e.g. "acme-payments/1.4") to the SDK's own
// "mesh-go/<version> (<go version>; <os>/<arch>)" User-Agent.
func WithUserAgent(product string) Option {
	return func(c *config) { c.userAgent = product }
}

// WithLogger makes the Client log on l: a Debug record per attempt, and an Info record
// before each retry (its reason and its wait), so that an application logging at Info
// sees a flaky Mesh. No record holds a header value, a body or the secret. A nil l
// disables logging (the default).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// withClock replaces the clock and the back-off sleep (for tests).
func withClock(now func() time.Time, sleep func(context.Context, time.Duration) error) Option {
	return func(c *config) { c.now, c.sleep = now, sleep }
}

// check reports every problem of the configuration with clientID and clientSecret, and
// returns the base URL to use. Its problems never show the secret.
func (cfg *config) check(clientID, clientSecret string) (base *url.URL, problems []string) {
	problems = append(problems, credentialProblems("client id", clientID)...)
	problems = append(problems, credentialProblems("client secret", clientSecret)...)
	if id := strings.TrimSpace(clientID); id != "" && id == strings.TrimSpace(clientSecret) {
		// A Client prints its id: an id that is the secret would be printed in full.
		problems = append(problems, "client id is the client secret: pass the client id as the first argument")
	}
	if len(problems) == 0 && strings.IndexFunc(clientSecret, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
		// Mesh's secrets are printable ASCII: anything else is a paste gone wrong, and
		// a server's echo of it could come back escaped or split past the redactor.
		problems = append(problems, "client secret must be printable ASCII without spaces: check what was pasted")
	}
	raw := cfg.env.BaseURL()
	switch {
	case cfg.baseURLSet:
		raw = cfg.baseURL
	case raw == "":
		// Redacted before it is cut, so that no piece of a secret passed here shows.
		shown := oneLine(newRedactor(clientSecret).string(string(cfg.env)), 40)
		problems = append(problems, fmt.Sprintf("unknown environment %q (use mesh.Production or mesh.Sandbox)", shown))
	}
	if cfg.baseURLSet || raw != "" {
		var p string
		if base, p = checkBaseURL(raw, clientSecret); p != "" {
			problems = append(problems, p)
		}
	}
	if cfg.hcSet && cfg.httpClient == nil {
		problems = append(problems, "WithHTTPClient: nil *http.Client")
	}
	if cfg.timeout < 0 {
		problems = append(problems, "WithTimeout: negative timeout "+cfg.timeout.String())
	}
	cfg.retry = cfg.retry.withDefaults()
	if p := cfg.retry.problem("WithRetry"); p != "" {
		problems = append(problems, p)
	}
	if !validHeaderValue(cfg.userAgent) {
		problems = append(problems, "WithUserAgent: product has characters a header cannot carry")
	}
	return base, problems
}

// credentialProblems checks a client id or secret (what names it); it never quotes it.
func credentialProblems(what, v string) []string {
	switch {
	case strings.TrimSpace(v) == "":
		return []string{what + " is empty"}
	case strings.TrimSpace(v) != v:
		return []string{what + " has leading or trailing white space (a value read from a file often ends in a newline): trim it with strings.TrimSpace"}
	case !validHeaderValue(v):
		return []string{what + " has characters a header cannot carry"}
	}
	return nil
}

// checkBaseURL accepts an absolute https URL, or http to a loopback host, that does
// not contain the secret. A loopback host spelled in another case or with a trailing
// dot is rewritten to "localhost", the one name net/http's proxy rule always bypasses.
// Its problem never shows the secret.
func checkBaseURL(raw, secret string) (*url.URL, string) {
	if secret != "" && strings.Contains(raw, secret) {
		return nil, "base URL contains the client secret"
	}
	u, err := url.Parse(raw)
	shown := oneLine(raw, 100)
	switch {
	case err != nil:
		return nil, fmt.Sprintf("base URL %q does not parse", shown)
	case secret != "" && strings.Contains(strings.ToLower(u.Host+u.Path), strings.ToLower(secret)):
		return nil, "base URL contains the client secret (percent-encoded)"
	case u.Scheme == "" || u.Host == "" || u.Hostname() == "":
		return nil, fmt.Sprintf("base URL %q is not absolute (want https://host)", shown)
	case u.User != nil:
		return nil, "base URL must not carry user information"
	case strings.ContainsAny(raw, "?#"): // an empty query or fragment too
		return nil, "base URL must not have a query or fragment"
	case u.Scheme == "https":
		return u, ""
	case u.Scheme != "http":
		return nil, fmt.Sprintf("base URL %q has scheme %q (want https)", shown, oneLine(u.Scheme, 20))
	case !isLoopback(u.Hostname()):
		return nil, fmt.Sprintf("base URL %q is plain http to a host that is not loopback: credentials would cross the network in clear text (use https)", shown)
	}
	if _, err := netip.ParseAddr(u.Hostname()); err != nil { // a spelling of localhost
		port := u.Port()
		u.Host = "localhost"
		if port != "" {
			u.Host += ":" + port
		}
	}
	return u, ""
}

// isLoopback reports whether host is localhost or a loopback address (127.0.0.0/8,
// ::1): names that merely contain them, such as 127.0.0.1.nip.io, are not.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// validHeaderValue reports whether s can be sent as a header value as it is (what
// golang.org/x/net/http/httpguts.ValidHeaderFieldValue checks; not worth a direct
// dependency for six lines).
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
