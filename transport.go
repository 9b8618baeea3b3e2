package mesh

import (
	"errors"
	"fmt"
	"net/http"
)

// maxHeaderBytes bounds the headers of an answer on the SDK's own transport (net/http's
// default is 10 MiB): Mesh's headers are a few hundred bytes.
const maxHeaderBytes = 64 << 10

// maxIdleConnsPerHost sizes the default connection pool for many concurrent callers
// (net/http keeps 2 per host).
const maxIdleConnsPerHost = 100

// transport returns what a Client sends through: the Transport of the caller's
// *http.Client (WithHTTPClient), else the SDK's default, behind sdkTransport.
func transport(hc *http.Client) http.RoundTripper {
	return sdkTransport{hc: hc, fallback: defaultTransport()}
}

// defaultTransport is http.DefaultTransport: a tuned clone when it is an
// *http.Transport, as it is unless a program replaced it; a replacement (a tracing
// wrapper, httpmock.Activate before NewClient) is used as it is.
func defaultTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxIdleConns = maxIdleConnsPerHost
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxResponseHeaderBytes = maxHeaderBytes
	// Its Proxy (http.ProxyFromEnvironment) never proxies plain http: NewClient allows
	// it to loopback only, spelled as net/http's proxy rule bypasses it (checkBaseURL).
	return t
}

// sdkTransport sends through the Transport of a caller's *http.Client (hc), read at
// each call so that httpmock.ActivateNonDefault(hc) works before or after NewClient,
// and without modifying hc; with no hc, or a nil hc.Transport, through the SDK's
// default. Around it, what keeps the secret in: no plain http through a proxy, and no
// redirect's Location reaching net/http.
type sdkTransport struct {
	hc       *http.Client
	fallback http.RoundTripper
}

func (s sdkTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t := s.fallback
	if s.hc != nil && s.hc.Transport != nil {
		t = s.hc.Transport
	}
	if r.URL.Scheme == "http" && proxies(t, r) {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, errProxiedPlainHTTP
	}
	resp, err := t.RoundTrip(r)
	if err == nil && resp == nil {
		return nil, fmt.Errorf("mesh: the transport %T returned neither an answer nor an error", t)
	}
	if err == nil && resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		// Without a Location, net/http hands a 3xx back as the answer
		// (ErrUnexpectedResponse): a redirect is never followed, which would send
		// X-Client-Secret again to the target, whatever its host; and one whose
		// Location does not parse is an answer, not a transport error retried (a
		// redirect policy is asked only after the Location parsed).
		resp.Header.Del("Location")
	}
	return resp, err
}

// CloseIdleConnections closes the idle connections of the caller's Transport, when it
// can, and of the default.
func (s sdkTransport) CloseIdleConnections() {
	if s.hc != nil {
		closeIdle(s.hc.Transport)
	}
	closeIdle(s.fallback)
}

func closeIdle(t http.RoundTripper) {
	if t, ok := t.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// errProxiedPlainHTTP refuses to send plain http (to loopback: NewClient allows no
// other) through the proxy of a caller's transport: the secret would cross the network
// in clear text. The SDK's own transport never proxies plain http; a caller's is not
// changed, so the request is refused instead.
var errProxiedPlainHTTP = errors.New("mesh: the WithHTTPClient transport would send plain http through a proxy, " +
	"the secret in clear text: use https, or a transport whose Proxy returns nil for loopback")

// proxies reports whether t, when it is an *http.Transport, would send r through a
// proxy. Another RoundTripper cannot be asked.
func proxies(t http.RoundTripper, r *http.Request) bool {
	ht, ok := t.(*http.Transport)
	if !ok || ht.Proxy == nil {
		return false
	}
	u, err := ht.Proxy(r)
	return u != nil || err != nil
}

// discardLogger keeps resty silent: the SDK logs its own records (WithLogger).
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}
