package mesh

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// maxHeaderBytes bounds the headers of an answer on the SDK's own transport (net/http's
// default is 10 MiB): Mesh's headers are a few hundred bytes.
const maxHeaderBytes = 64 << 10

// maxIdleConnsPerHost sizes the default connection pool for many concurrent callers
// (net/http keeps 2 per host).
const maxIdleConnsPerHost = 100

// transport returns what a Client sends through: the Transport of the caller's
// *http.Client (WithHTTPClient), else the default, behind sdkTransport.
func transport(hc *http.Client) http.RoundTripper {
	return sdkTransport{hc: hc, fallback: defaultTransport()}
}

// defaultTransport is what a Client without a Transport of its own sends through:
// Transport() while http.DefaultTransport is net/http's own; the replacement, as it
// is, when a program replaced it (a tracing wrapper, httpmock.Activate before
// NewClient, an *http.Transport of its own).
func defaultTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok && t == netHTTPTransport {
		return Transport()
	}
	return http.DefaultTransport
}

// netHTTPTransport is net/http's own DefaultTransport, taken before a program can
// replace it; nil when a package initialised before this one replaced it.
var netHTTPTransport, _ = http.DefaultTransport.(*http.Transport)

// Transport returns the SDK's transport: the one *http.Transport that every Client
// without a Transport of its own shares (no WithHTTPClient, or an *http.Client whose
// Transport is nil), as http.Clients share http.DefaultTransport, so that a Client per
// call costs no pool per call. It is a clone of net/http's DefaultTransport, made at
// the first call, that keeps up to 100 idle connections per host (net/http keeps 2)
// and reads at most 64 KiB of response headers (net/http reads up to 10 MiB).
//
// Wrap it to trace or measure the calls without losing its pool, and hand the wrapper
// to WithHTTPClient:
//
//	mesh.WithHTTPClient(&http.Client{Transport: otelhttp.NewTransport(mesh.Transport())})
//
// Client.CloseIdleConnections reaches it through a wrapper that has a
// CloseIdleConnections method or an Unwrap() http.RoundTripper method. It is shared:
// never change its fields; Clone it for a variant.
func Transport() *http.Transport { return sharedTransport() }

var sharedTransport = sync.OnceValue(func() *http.Transport {
	t := new(http.Transport) // net/http's was replaced before this package was initialised
	if netHTTPTransport != nil {
		t = netHTTPTransport.Clone()
	}
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxResponseHeaderBytes = maxHeaderBytes
	// Its Proxy (http.ProxyFromEnvironment) never proxies plain http: NewClient allows
	// it to loopback only, spelled as net/http's proxy rule bypasses it (checkBaseURL).
	return t
})

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

// closeIdle closes t's idle connections when it can, or those of the RoundTripper it
// wraps, when it says which (an Unwrap() http.RoundTripper method).
func closeIdle(t http.RoundTripper) {
	switch t := t.(type) {
	case interface{ CloseIdleConnections() }:
		t.CloseIdleConnections()
	case interface{ Unwrap() http.RoundTripper }:
		closeIdle(t.Unwrap())
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
