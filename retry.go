package mesh

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how a Client retries a call that failed for a reason worth another
// attempt: a transport failure (but a refused certificate), HTTP 429, HTTP 5xx (or the
// statuses tooManyRequest and serverFailure), and a 2xx answer the network cut short.
//
// The wait before retry n (from 1) is drawn at random from [t, 2t) with
// t = MinWait·2ⁿ⁻¹, and never exceeds MaxWait. A Retry-After that fits within MaxWait
// makes the wait at least that long; a longer one ends the call with the error, its
// RetryAfter set, so that the caller can schedule the retry.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; 0 disables retrying; at most 10
	MinWait    time.Duration // first back-off, and the shortest wait; 0 means the default (500 ms)
	MaxWait    time.Duration // cap of one wait; 0 means the default (5 s)
}

// Defaults of RetryPolicy.
const (
	DefaultMaxRetries = 2
	DefaultMinWait    = 500 * time.Millisecond
	DefaultMaxWait    = 5 * time.Second
	MaxRetriesLimit   = 10 // the most retries a RetryPolicy may ask for
)

// DefaultRetryPolicy returns the policy of a Client built without WithRetry: 2 retries,
// waits from 500 ms to 5 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: DefaultMaxRetries, MinWait: DefaultMinWait, MaxWait: DefaultMaxWait}
}

// withDefaults fills in a zero MinWait or MaxWait.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MinWait == 0 {
		p.MinWait = DefaultMinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = DefaultMaxWait
	}
	return p
}

// problem says what is wrong with the policy (after withDefaults), or "", naming the
// option that gave it.
func (p RetryPolicy) problem(option string) string {
	switch {
	case p.MaxRetries < 0 || p.MinWait < 0 || p.MaxWait < 0:
		return fmt.Sprintf("%s: negative field in %+v", option, p)
	case p.MaxRetries > MaxRetriesLimit:
		return fmt.Sprintf("%s: MaxRetries %d is above %d", option, p.MaxRetries, MaxRetriesLimit)
	case p.MinWait > p.MaxWait:
		return fmt.Sprintf("%s: MinWait %s is above MaxWait %s", option, p.MinWait, p.MaxWait)
	}
	return ""
}

// next decides about the failed attempt number n (from 1): whether to retry, and after
// how long. err is the attempt's error as it came, before redaction.
func (p RetryPolicy) next(n int, err error) (wait time.Duration, retry bool) {
	if n > p.MaxRetries || !retryable(err) {
		return 0, false
	}
	wait = p.backoff(n)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		if apiErr.RetryAfter > p.MaxWait {
			return 0, false // longer than we may wait: the caller decides
		}
		wait = max(wait, apiErr.RetryAfter)
	}
	return wait, true
}

// retryable reports whether a failed attempt is worth another one.
func retryable(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		// No answer: any transport failure but a certificate the client refused or plain
		// http refused before it reached a proxy.
		var cert *tls.CertificateVerificationError
		return !errors.As(err, &cert) && !errors.Is(err, errProxiedPlainHTTP)
	}
	code := apiErr.HTTPStatusCode
	switch {
	case code == http.StatusUnauthorized:
		return false // ErrUnauthorized whatever the body says: the credentials stay wrong
	case code >= 300 && code <= 399:
		return false // a redirect not followed comes back the same
	case code == http.StatusTooManyRequests || code >= 500 && code <= 599:
		return true
	case apiErr.Status == StatusTooManyRequest || apiErr.Status == StatusServerFailure:
		return true
	}
	// A token that the network cut short; a refusal (401, other 4xx) is not sent again,
	// nor a body whose gzip is corrupt rather than cut: it would come back the same, each
	// attempt minting another token.
	return apiErr.cause != nil && code >= 200 && code <= 299 && !corruptEncoding(apiErr.cause)
}

// backoff draws the wait before retry n (from 1) from [t, 2t), t = MinWait·2ⁿ⁻¹,
// capped at MaxWait.
func (p RetryPolicy) backoff(n int) time.Duration {
	t := p.MinWait
	for i := 1; i < n && t < p.MaxWait; i++ {
		t *= 2
	}
	if t >= p.MaxWait {
		return p.MaxWait
	}
	return min(t+rand.N(t), p.MaxWait) //nolint:gosec // G404: jitter needs spread, not secrecy
}

// sleep waits for d, or returns ctx's error as soon as ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxRetryAfter caps a Retry-After, so that an absurd value stays a sane duration.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date. It gives
// a duration in [0, maxRetryAfter], or false when v is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		if strings.TrimLeft(v, "0123456789") != "" {
			return 0, false // delay-seconds is digits only
		}
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil || secs >= uint64(maxRetryAfter/time.Second) { // only a range error is left
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), maxRetryAfter), true
}
