package mesh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// LinkTokenCreator is what consumers depend on and mock; *Client implements it.
type LinkTokenCreator interface {
	CreateLinkToken(ctx context.Context, req *CreateLinkTokenRequest) (*LinkToken, error)
}

var _ LinkTokenCreator = (*Client)(nil)

var (
	errNilClient  = errors.New("mesh: nil or zero *Client: create one with mesh.NewClient")
	errNilContext = errors.New("mesh: nil context: pass context.Background() or the request's context (r.Context())")
)

// Client calls Mesh's integration API. Create one with NewClient and share it: it is
// safe for concurrent use by many goroutines and reuses connections. It never shows
// its secret: fmt in any verb and slog print it redacted.
type Client struct {
	// The state sits behind a pointer so that fmt, printing a Client value (not a
	// *Client) in a verb a pointer does not support (%s, %q), stops at addresses: its
	// bad-verb output follows one pointer, and the secret and the resty client's
	// headers are two away.
	*clientState
}

// clientState is a Client's configuration, set once by NewClient and then only read.
type clientState struct {
	rc       *resty.Client // configured once in NewClient, never changed after
	baseURL  string
	clientID string
	redact   *redactor     // holds the secret, behind a pointer so no verb prints it
	timeout  time.Duration // of one attempt, body read included; 0 means none
	retry    RetryPolicy
	logger   *slog.Logger
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

// NewClient returns a Client that authenticates with clientID and clientSecret.
// Options apply over safe defaults: the production API, 30 s per attempt, 2 retries
// with waits from 500 ms to 5 s, a pool of 100 idle connections per host, no cookie
// jar, no redirects. It makes no network call. It fails, and never panics, on a bad
// id, secret or option, naming every problem (never the secret): a blank id or secret,
// or one with leading or trailing white space; a secret that is not printable ASCII
// without spaces; a base URL that is not absolute, that contains the secret (even
// percent-encoded), or that is plain http to a host that is not loopback.
func NewClient(clientID, clientSecret string, opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	r := newRedactor(clientSecret)
	base, problems := cfg.check(clientID, clientSecret)
	if len(problems) > 0 {
		return nil, errors.New(r.string("mesh: NewClient: " + strings.Join(problems, "; ")))
	}
	timeout := cfg.timeout
	if cfg.hcSet && !cfg.timeoutSet && cfg.httpClient.Timeout > 0 {
		timeout = cfg.httpClient.Timeout
	}
	userAgent := "mesh-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if p := strings.TrimSpace(cfg.userAgent); p != "" {
		userAgent += " " + p
	}
	// A fresh *http.Client: no cookie jar, so a cookie is never replayed.
	rc := resty.NewWithClient(&http.Client{Transport: transport(cfg.httpClient)}).
		SetBaseURL(base.String()).
		SetHeaders(map[string]string{
			"Accept":          "application/json",
			"User-Agent":      userAgent,
			"X-Client-Id":     clientID,
			"X-Client-Secret": clientSecret,
		}).
		// Never follow a redirect: net/http would copy X-Client-Secret to the target,
		// whatever its host. The 3xx itself becomes ErrUnexpectedResponse.
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		})).
		SetDoNotParseResponse(true). // readBody says why
		SetLogger(discardLogger{}).
		SetDisableWarn(true)
	return &Client{&clientState{
		rc:       rc,
		baseURL:  base.String(),
		clientID: clientID,
		redact:   r,
		timeout:  timeout,
		retry:    cfg.retry,
		logger:   cfg.logger,
		now:      cfg.now,
		sleep:    cfg.sleep,
	}}, nil
}

// call sends one request (body, when not nil, as JSON) and decodes the content of an
// ok answer into out, reading at most limit bytes of each answer. It retries as the
// policy allows and stops as soon as ctx is done. Every attempt's error passes through
// the redactor before anything else sees it.
func (c *Client) call(ctx context.Context, method, path string, body any, limit int64, out content) error {
	if c == nil || c.clientState == nil {
		return errNilClient
	}
	if ctx == nil {
		return errNilContext
	}
	if err := ctx.Err(); err != nil { // a Transport may not look at ctx before sending
		return fmt.Errorf("mesh: %w before the first attempt", err)
	}
	var lastAnswer error // the last *APIError, kept when later attempts get no answer
	for n := 1; ; n++ {
		start := c.now()
		status, raw := c.attempt(ctx, method, path, body, limit, out)
		if raw == nil {
			c.logAttempt(ctx, method, path, n, status, c.now().Sub(start), nil)
			return nil
		}
		wait, retry := c.retry.next(n, raw)
		err := c.redact.error(raw)
		c.logAttempt(ctx, method, path, n, status, c.now().Sub(start), err)
		last := err
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			lastAnswer = err
		} else if lastAnswer != nil {
			last = lastAnswer
		}
		if ctx.Err() != nil {
			return abandoned(ctx.Err(), n, last)
		}
		if !retry {
			return err
		}
		if dl, ok := ctx.Deadline(); ok && !c.now().Add(wait).Before(dl) {
			return abandoned(context.DeadlineExceeded, n, last) // no time left for another attempt
		}
		c.logRetry(ctx, method, path, n, wait, err)
		if err := c.sleep(ctx, wait); err != nil {
			return abandoned(err, n, last)
		}
	}
}

// attempt makes one request and reads its answer within the per-attempt timeout: the
// HTTP status (0 when none came) and nil, an *APIError, or a transport error.
func (c *Client) attempt(ctx context.Context, method, path string, body any, limit int64, out content) (int, error) {
	if c.timeout > 0 {
		// A context rather than resty's SetTimeout (http.Client.Timeout), which costs a
		// dozen allocations per call for the same limit.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req := c.rc.R().SetContext(ctx)
	if body != nil {
		req.SetBody(body)
	}
	resp, err := req.Execute(method, path)
	if err != nil {
		if resp != nil && resp.RawResponse != nil {
			_ = resp.RawResponse.Body.Close()
		}
		return 0, fmt.Errorf("mesh: %w", err)
	}
	raw := resp.RawResponse
	defer raw.Body.Close()
	data, tooLarge, readErr := readBody(raw, limit)
	if apiErr := decode(raw, data, tooLarge, readErr, limit, out, c.now()); apiErr != nil {
		return raw.StatusCode, apiErr
	}
	return raw.StatusCode, nil
}

// CloseIdleConnections closes the idle connections of the client's pool (those of the
// Transport given with WithHTTPClient included, when it can). The Client stays usable:
// later calls open new connections.
func (c *Client) CloseIdleConnections() {
	if c != nil && c.clientState != nil {
		c.rc.GetClient().CloseIdleConnections()
	}
}

// String describes the client without its secret.
func (c *Client) String() string {
	if c == nil || c.clientState == nil {
		return "mesh.Client(nil)"
	}
	return "mesh.Client{baseURL: " + c.baseURL + ", clientID: " + c.clientID + ", clientSecret: " + redacted + "}"
}

// GoString makes %#v print String, without the secret.
func (c *Client) GoString() string { return c.String() }

// LogValue makes slog log the client without its secret.
func (c *Client) LogValue() slog.Value {
	if c == nil || c.clientState == nil {
		return slog.StringValue(c.String())
	}
	return slog.GroupValue(
		slog.String("baseURL", c.baseURL),
		slog.String("clientID", c.clientID),
		slog.String("clientSecret", redacted),
	)
}
