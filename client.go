package mesh

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// LinkTokenCreator is what consumers depend on and mock; *Client implements it.
type LinkTokenCreator interface {
	CreateLinkToken(ctx context.Context, req *CreateLinkTokenRequest, opts ...CallOption) (*LinkToken, error)
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
// or one with leading or trailing white space; an id that is the secret (a Client
// prints its id); a secret that is not printable ASCII without spaces; a base URL
// that is not absolute, that contains the secret (even percent-encoded), or that is
// plain http to a host that is not loopback.
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
		SetHeaders(map[string]string{
			"Accept":          "application/json",
			"User-Agent":      userAgent,
			"X-Client-Id":     clientID,
			"X-Client-Secret": clientSecret,
		}).
		SetDoNotParseResponse(true) // readBody says why
	baseURL := strings.TrimSuffix(base.String(), "/")
	return &Client{&clientState{
		rc:       rc,
		baseURL:  baseURL,
		clientID: clientID,
		redact:   r,
		timeout:  timeout,
		retry:    cfg.retry,
		logger:   cfg.logger,
		now:      cfg.now,
		sleep:    cfg.sleep,
	}}, nil
}

// request is one call to Mesh: what to send, and how to read the answer.
type request struct {
	method string
	path   string     // below the base URL
	query  url.Values // sent when not empty
	body   any        // sent as JSON when not nil
	limit  int64      // the most bytes read of an answer
	out    content    // what an ok answer's content decodes into
	// invalid is the request's own validation error (an *InvalidRequestError), if any:
	// reported with the options' problems, before anything is sent.
	invalid error
}

// call sends req and decodes the content of an ok answer into req.out. It retries as
// the policy allows and stops as soon as ctx is done. Every attempt's error passes
// through the redactor before anything else sees it. A call that made attempts and
// failed returns a *CallError telling how many, over how long, and what stopped it.
func (c *Client) call(ctx context.Context, req request, opts []CallOption) (err error) {
	if c == nil || c.clientState == nil {
		return errNilClient
	}
	start := c.now()
	cc := c.callConfig(opts)
	var last answerInfo // the last answer, for WithResponse
	attempts := 0
	if cc.response != nil {
		defer func() {
			*cc.response = Response{StatusCode: last.status, Header: last.header, Attempts: attempts, Elapsed: c.now().Sub(start)}
		}()
	}
	if err := invalid(req.invalid, cc.problems); err != nil {
		return err
	}
	if ctx == nil {
		return errNilContext
	}
	if err := ctx.Err(); err != nil { // a Transport may not look at ctx before sending
		return fmt.Errorf("mesh: %w before the first attempt", err)
	}
	var body []byte
	if req.body != nil {
		if body, err = json.Marshal(req.body); err != nil {
			return fmt.Errorf("mesh: request does not encode as JSON: %w", err)
		}
	}
	target := c.baseURL + req.path
	if len(req.query) > 0 {
		target += "?" + req.query.Encode()
	}
	var lastAnswerErr error // the last *APIError, kept when later attempts get no answer
	for {
		attempts++
		attemptStart := c.now()
		a, timedOut, raw := c.attempt(ctx, req, target, body, cc.timeout, cc.response != nil)
		if a.status != 0 {
			last = a
		}
		if raw == nil {
			c.logAttempt(ctx, req.method, req.path, attempts, a.status, c.now().Sub(attemptStart), nil)
			return nil
		}
		wait, retry := cc.retry.next(attempts, raw)
		attemptErr := c.redact.error(raw)
		c.logAttempt(ctx, req.method, req.path, attempts, a.status, c.now().Sub(attemptStart), attemptErr)
		failure := &CallError{Err: attemptErr, Attempts: attempts}
		var apiErr *APIError
		if errors.As(attemptErr, &apiErr) {
			lastAnswerErr = attemptErr
		} else if lastAnswerErr != nil {
			failure.Err = lastAnswerErr
		}
		switch {
		case ctx.Err() != nil:
			failure.stopped, failure.cause = "stopped by the context: "+ctx.Err().Error(), ctx.Err()
		case !retry:
			if timedOut {
				failure.stopped = "the last attempt ran out of its per-attempt timeout (" + cc.timeout.String() + ")"
			}
		case deadlineBefore(ctx, c.now().Add(wait)):
			failure.stopped, failure.cause = "stopped: the context's deadline leaves no time for another attempt", context.DeadlineExceeded
		default:
			c.logRetry(ctx, req.method, req.path, attempts, wait, attemptErr)
			if err := c.sleep(ctx, wait); err == nil {
				continue
			} else {
				failure.stopped, failure.cause = "stopped by the context: "+err.Error(), err
			}
		}
		failure.Elapsed = c.now().Sub(start)
		return failure
	}
}

// invalid merges the call options' problems and the request's validation error into
// one *InvalidRequestError, or returns nil when there are none.
func invalid(reqErr error, options InvalidRequestError) error {
	if len(options.Problems) == 0 {
		return reqErr
	}
	merged := options // on the heap, and only here: a call with good options allocates nothing
	var reqInvalid *InvalidRequestError
	if errors.As(reqErr, &reqInvalid) {
		merged.Problems = append(merged.Problems, reqInvalid.Problems...)
	}
	return &merged
}

// deadlineBefore reports whether ctx's deadline comes no later than t.
func deadlineBefore(ctx context.Context, t time.Time) bool {
	dl, ok := ctx.Deadline()
	return ok && !t.Before(dl)
}

// answerInfo is what WithResponse reports of an attempt's answer.
type answerInfo struct {
	status int         // 0 when no answer came
	header http.Header // Set-Cookie dropped, the secret redacted
}

// attempt makes one request and reads its answer within the per-attempt timeout: the
// answer (a zero one when none came; its headers only when keepHeader) and nil, an
// *APIError, or a transport error;
// timedOut reports that the per-attempt timeout, not the caller's context, ended it.
func (c *Client) attempt(ctx context.Context, req request, target string, body []byte, timeout time.Duration, keepHeader bool) (a answerInfo, timedOut bool, err error) {
	attemptCtx := ctx
	if timeout > 0 && !deadlineBefore(ctx, time.Now().Add(timeout)) {
		// A context rather than resty's SetTimeout (http.Client.Timeout), which costs a
		// dozen allocations per call for the same limit; none when the caller's
		// deadline comes first.
		var cancel context.CancelFunc
		attemptCtx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
		defer func() { timedOut = err != nil && ctx.Err() == nil && attemptCtx.Err() != nil }()
	}
	r := c.rc.R().SetContext(attemptCtx)
	if body != nil {
		// A reader is sent as it is; a []byte resty copies twice, into a pooled buffer and
		// out of it. One reader per attempt: each attempt sends the whole body.
		r.SetHeader("Content-Type", "application/json").SetBody(bytes.NewReader(body))
	}
	resp, err := r.Execute(req.method, target)
	if err != nil {
		return answerInfo{}, false, fmt.Errorf("mesh: %w", shortenURL(err))
	}
	raw := resp.RawResponse
	defer raw.Body.Close()
	a = answerInfo{status: raw.StatusCode}
	if keepHeader { // for WithResponse only: a copy costs allocations on every call
		a.header = headerWithoutCookies(raw.Header)
		c.redact.header(a.header)
	}
	if apiErr := readAnswer(attemptCtx, raw, req.limit, req.out, c.now()); apiErr != nil {
		return a, false, apiErr
	}
	return a, false, nil
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
