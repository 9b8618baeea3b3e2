package mesh

import (
	"net/http"
	"time"
)

// CallOption changes one call, and only that call: every method of Client that calls
// Mesh takes opts ...CallOption last. The Client itself is never changed by a call.
// A bad CallOption makes the call fail with ErrValidation before anything is sent.
type CallOption func(*callConfig)

// callConfig is a Client's settings for one call: the Client's own, then the call's
// options over them.
type callConfig struct {
	retry    RetryPolicy
	timeout  time.Duration // of one attempt; 0 means none
	response *Response
	problems InvalidRequestError // what is wrong with the options, reported as ErrValidation
}

// WithCallRetry replaces the client's retry policy for this call only. It is checked
// like WithRetry: RetryPolicy{} disables retrying, a zero MinWait or MaxWait means its
// default.
func WithCallRetry(p RetryPolicy) CallOption {
	return func(c *callConfig) {
		p = p.withDefaults()
		if problem := p.problem("WithCallRetry"); problem != "" {
			c.problems.add("", problem)
			return
		}
		c.retry = p
	}
}

// WithCallTimeout limits each attempt of this call to d, from sending the request to
// reading the whole answer, instead of the client's WithTimeout. 0 means no per-attempt
// limit: the context alone bounds the call.
func WithCallTimeout(d time.Duration) CallOption {
	return func(c *callConfig) {
		if d < 0 {
			c.problems.addCode("", CodeOutOfRange, "WithCallTimeout: negative timeout "+d.String())
			return
		}
		c.timeout = d
	}
}

// WithResponse makes the call fill r when it returns, whether it succeeded or not: the
// last answer's HTTP status and headers (where Mesh's request ids live), how many
// attempts were made and how long the call took. A success can then be logged with
// Mesh's request id, not only a failure.
func WithResponse(r *Response) CallOption {
	return func(c *callConfig) {
		if r == nil {
			c.problems.addCode("", CodeRequired, "WithResponse: nil *Response (pass &resp)")
			return
		}
		c.response = r
	}
}

// Response is what WithResponse reports about a call.
type Response struct {
	StatusCode int           // of the last answer; 0 when none came
	Header     http.Header   // of the last answer, Set-Cookie dropped, the secret redacted; nil when none came
	Attempts   int           // attempts made: 0 when the call was refused before sending
	Elapsed    time.Duration // from the call's start to its return
}

// callConfig applies opts over the client's settings.
func (c *Client) callConfig(opts []CallOption) callConfig {
	cc := callConfig{retry: c.retry, timeout: c.timeout}
	if len(opts) == 0 {
		return cc // no options: cc stays on the stack
	}
	return withOptions(cc, opts)
}

// withOptions applies opts to cc. An option takes cc's address, which moves cc to the
// heap: a call without options does not come here.
func withOptions(cc callConfig, opts []CallOption) callConfig {
	for _, opt := range opts {
		if opt != nil {
			opt(&cc)
		}
	}
	return cc
}
