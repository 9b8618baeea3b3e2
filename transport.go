package mesh

import (
	"net/http"
	"net/url"
)

// maxHeaderBytes bounds the headers of an answer on the SDK's own transport (net/http's
// default is 10 MiB): Mesh's headers are a few hundred bytes.
const maxHeaderBytes = 64 << 10

// maxIdleConnsPerHost sizes the default connection pool for many concurrent callers
// (net/http keeps 2 per host).
const maxIdleConnsPerHost = 100

// transport returns what a Client sends through: the Transport of the caller's
// *http.Client (WithHTTPClient), else http.DefaultTransport. When that is an
// *http.Transport, as it is unless a program replaced it, a tuned clone is used; a
// replacement (a tracing wrapper, httpmock.Activate before NewClient) is used as it is.
func transport(hc *http.Client) http.RoundTripper {
	if hc != nil {
		return callerTransport{hc}
	}
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxIdleConns = maxIdleConnsPerHost
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxResponseHeaderBytes = maxHeaderBytes
	// Plain http goes only to loopback (NewClient checks), and never through a proxy:
	// the secret would cross the network in clear text.
	proxy := t.Proxy
	t.Proxy = func(r *http.Request) (*url.URL, error) {
		if proxy == nil || r.URL.Scheme != "https" {
			return nil, nil
		}
		return proxy(r)
	}
	return t
}

// callerTransport sends through the Transport of a caller's *http.Client, read at each
// call so that httpmock.ActivateNonDefault(hc) works before or after NewClient, and
// without modifying hc.
type callerTransport struct{ hc *http.Client }

func (c callerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t := c.hc.Transport; t != nil {
		return t.RoundTrip(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// CloseIdleConnections passes the call on to the caller's Transport, when it can.
func (c callerTransport) CloseIdleConnections() {
	c.hc.CloseIdleConnections()
}

// discardLogger keeps resty silent: the SDK logs its own records (WithLogger).
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}
