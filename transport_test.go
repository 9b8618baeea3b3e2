package mesh

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of this file that replace http.DefaultTransport, activate httpmock or set
// the proxy environment change process-wide state: none of them calls t.Parallel.

// newClientNoPanic is newTestClient without retries, turning a panic into a test
// failure.
func newClientNoPanic(t *testing.T, baseURL string, opts ...Option) (c *Client) {
	t.Helper()
	require.NotPanics(t, func() { c, _ = newTestClient(t, baseURL, append(opts, WithRetry(RetryPolicy{}))...) })
	return c
}

// replaceDefaultTransport sets http.DefaultTransport to rt until the test ends.
func replaceDefaultTransport(t *testing.T, rt http.RoundTripper) {
	orig := http.DefaultTransport
	http.DefaultTransport = rt
	t.Cleanup(func() { http.DefaultTransport = orig })
}

// A program may replace http.DefaultTransport (a tracing wrapper, or httpmock.Activate,
// which is one), or mock a caller's *http.Client with httpmock.ActivateNonDefault after
// NewClient: NewClient must neither panic nor go around the replacement. (A caller's
// client mocked before NewClient is newMockClient's, everywhere.)
func TestDefaultTransportReplaced(t *testing.T) {
	t.Run("by a wrapper", func(t *testing.T) {
		srv := newServer(t, answer(http.StatusOK, okBody))
		inner := &http.Transport{}
		t.Cleanup(inner.CloseIdleConnections)
		var wrapped atomic.Int32
		replaceDefaultTransport(t, roundTripFunc(func(r *http.Request) (*http.Response, error) {
			wrapped.Add(1)
			return inner.RoundTrip(r)
		}))
		for i, opts := range [][]Option{
			nil,                              // the default transport
			{WithHTTPClient(&http.Client{})}, // a caller's client without Transport
		} {
			requireLinkToken(t, newClientNoPanic(t, srv.URL, opts...))
			assert.EqualValues(t, i+1, wrapped.Load(), "the call went around the wrapper")
			assert.EqualValues(t, i+1, srv.hits.Load())
		}
	})
	t.Run("by a program's own *http.Transport", func(t *testing.T) {
		srv := newServer(t, answer(http.StatusOK, okBody))
		var dials atomic.Int32
		own := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
		t.Cleanup(own.CloseIdleConnections)
		replaceDefaultTransport(t, own)
		requireLinkToken(t, newClientNoPanic(t, srv.URL))
		assert.EqualValues(t, 1, dials.Load(), "the call went around the program's transport")
	})
	t.Run("caller's client, httpmock.ActivateNonDefault after NewClient", func(t *testing.T) {
		hc := &http.Client{} // without the mock, mesh.test does not resolve
		t.Cleanup(httpmock.DeactivateAndReset)
		c := newClientNoPanic(t, mockBaseURL, WithHTTPClient(hc))
		httpmock.ActivateNonDefault(hc)
		okMock := httpmock.NewStringResponder(http.StatusOK, okBody)
		httpmock.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, okMock)
		requireLinkToken(t, c)
		assert.Equal(t, 1, httpmock.GetTotalCallCount())
	})
}

// newRefusingProxy starts a server standing for a proxy: it records every request it
// receives (a proxied request or a CONNECT) and refuses it.
func newRefusingProxy(t *testing.T) (*server, *requestRecorder) {
	rec := &requestRecorder{}
	return newServer(t, rec.handler(t, func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "refused by the test proxy", http.StatusForbidden)
	})), rec
}

// useProxyEnv points the proxy environment at proxy for the rest of the test. net/http
// reads that environment once per process: when an earlier test already read it, it
// reruns the test alone in a fresh process and reports false; the caller then returns.
func useProxyEnv(t *testing.T, proxy string) bool {
	t.Helper()
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		t.Setenv(k, proxy)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	t.Setenv("REQUEST_METHOD", "") // CGI: net/http would ignore HTTP_PROXY
	got, err := http.ProxyFromEnvironment(&http.Request{URL: &url.URL{Scheme: "http", Host: "example.invalid"}})
	if err == nil && got != nil && got.String() == proxy {
		return true
	}
	const child = "MESH_TEST_PROXY_CHILD"
	require.Empty(t, os.Getenv(child), "the proxy environment is not read in a fresh process")
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), child+"=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s alone in a fresh process:\n%s", t.Name(), out)
	require.Contains(t, string(out), "--- PASS: "+t.Name(), "%s", out)
	t.Logf("the proxy environment was already read: passed alone in a fresh process")
	return false
}

// newServerOn is newServer listening on addr, or nil when the machine has no such
// address (no IPv6, say).
func newServerOn(t *testing.T, addr string, h http.HandlerFunc) *server {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Logf("no server on %s: %v", addr, err)
		return nil
	}
	return startServer(t, h, ln, false)
}

// Under a proxy environment, https asks the proxy for a tunnel, showing it no header
// of the call. Plain http carries the secret in clear text: it is sent straight to the
// loopback server, never through a proxy, however loopback is spelled (net/http's proxy
// rule bypasses only "localhost" and loopback addresses without a zone), on the SDK's
// transport and on a caller's that reads the proxy environment. A caller's Transport
// whose Proxy is set explicitly (http.ProxyURL, a corporate proxy) is not changed: the
// plain http request is refused, not sent (sdk-contract.md, README "Security").
func TestProxyEnvironment(t *testing.T) {
	proxy, proxied := newRefusingProxy(t)
	// Before useProxyEnv, which may rerun the rest in another process.
	t.Run("plain http, caller's transport with its own proxy", func(t *testing.T) {
		proxyURL, err := url.Parse(proxy.URL)
		require.NoError(t, err)
		target := newServer(t, answer(http.StatusOK, okBody))
		hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}
		t.Cleanup(hc.CloseIdleConnections)
		c, clock := newTestClient(t, target.URL, WithHTTPClient(hc))

		_, err = c.CreateLinkToken(context.Background(), validRequest())
		assert.ErrorContains(t, err, "through a proxy")
		assert.Empty(t, proxied.requests(), "the proxy saw plain http carrying the secret")
		assert.Zero(t, target.hits.Load(), "the request was sent")
		assert.Empty(t, clock.Waits(), "a refusal is not retried")
	})
	if !useProxyEnv(t, proxy.URL) {
		return
	}
	t.Run("https through a tunnel", func(t *testing.T) {
		c, _ := newTestClient(t, "https://mesh.invalid", WithRetry(RetryPolicy{}))
		_, err := c.CreateLinkToken(context.Background(), validRequest())
		require.Error(t, err, "the test proxy refuses every tunnel")
		seen := proxied.requests()
		require.Len(t, seen, 1)
		assert.Equal(t, http.MethodConnect, seen[0].method)
		assert.Equal(t, "mesh.invalid:443", seen[0].host)
		assertNoSecret(t, fmt.Sprintf("%+v", seen[0]), "the CONNECT request")
	})
	type target struct {
		host string // as the base URL spells it
		srv  *server
	}
	v4 := newServer(t, answer(http.StatusOK, okBody))
	targets := []target{}
	for _, host := range []string{"127.0.0.1", "localhost", "LOCALHOST", "LocalHost", "localhost.", "[::ffff:127.0.0.1]"} {
		targets = append(targets, target{host, v4})
	}
	if s := newServerOn(t, "127.0.0.2:0", answer(http.StatusOK, okBody)); s != nil {
		targets = append(targets, target{"127.0.0.2", s})
	}
	if s := newServerOn(t, "[::1]:0", answer(http.StatusOK, okBody)); s != nil {
		// net/http's proxy rule does not know an address with a zone for loopback.
		targets = append(targets, target{"[::1]", s}, target{"[0:0:0:0:0:0:0:1]", s}, target{"[::1%25zone]", s})
	}
	envTransport := &http.Transport{Proxy: http.ProxyFromEnvironment}
	t.Cleanup(envTransport.CloseIdleConnections)
	clients := []struct {
		name string
		opts []Option
	}{
		{"default transport", nil},
		{"caller's client on http.DefaultTransport", []Option{WithHTTPClient(&http.Client{})}},
		{"caller's transport reading the proxy environment", []Option{WithHTTPClient(&http.Client{Transport: envTransport})}},
	}
	for _, cl := range clients {
		for _, tg := range targets {
			t.Run("plain http, "+cl.name+" "+tg.host, func(t *testing.T) {
				hits, before := tg.srv.hits.Load(), len(proxied.requests())
				port := tg.srv.URL[strings.LastIndex(tg.srv.URL, ":")+1:]
				c, _ := newTestClient(t, "http://"+tg.host+":"+port, append([]Option{WithRetry(RetryPolicy{})}, cl.opts...)...)
				_, err := c.CreateLinkToken(context.Background(), validRequest())
				assert.NoError(t, err)
				assert.Equal(t, hits+1, tg.srv.hits.Load(), "the request did not reach the server")
				assert.Equal(t, before, len(proxied.requests()), "the proxy saw plain http: %+v", proxied.requests())
			})
		}
	}
}

// A redirect (301, 302, 303, 307, 308) is never followed, to another host or not:
// net/http would send the X-Client-Secret header (and, for 307 and 308, the body) again
// to the Location. It is not retried either, and it is ErrUnexpectedResponse whatever
// its body holds (an ok envelope with a token, an error envelope, a page).
func TestRedirectsNotFollowed(t *testing.T) {
	codes := []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}
	clients := []struct {
		name string
		opts []Option
	}{
		{"default transport", nil},
		// An http.Client follows redirects by default: only its Transport is used.
		{"caller's client", []Option{WithHTTPClient(&http.Client{})}},
		{"caller's client that follows every redirect", []Option{WithHTTPClient(&http.Client{
			CheckRedirect: func(*http.Request, []*http.Request) error { return nil },
		})}},
	}
	bodies := []struct{ name, body string }{
		{"no body", ""},
		{"an ok envelope with a token", okBody},
		{"a notFound envelope", errorBody(StatusNotFound, "notFound", "moved")},
		{"a serverFailure envelope", errorBody(StatusServerFailure, "", "moved")},
		{"a page", "<html>moved</html>"},
	}
	// Where a redirect points, given the other server's host:port. net/http parses a
	// Location before it asks whether to follow it: one that does not parse would fail
	// the call as a transport error, retried, each attempt carrying the secret. The SDK
	// drops a 3xx's Location: the answer is a redirect, once.
	type location struct {
		where    string
		location func(other string) string
	}
	locations := []location{
		{"another host", func(other string) string { return "http://" + other + "/collect" }},
		{"another host with user information", func(other string) string { return "http://user:pw@" + other + "/collect" }},
		{"another host, scheme-relative", func(other string) string { return "//" + other + "/collect" }},
		{"another host named localhost", func(other string) string {
			return "http://localhost:" + other[strings.LastIndex(other, ":")+1:] + "/collect"
		}},
		{"the same host", func(string) string { return "/collect" }},
	}
	for _, bad := range []string{"http://[::1", "http://host:port/", "http://a b/", "%zz"} {
		locations = append(locations, location{"unparsable " + bad, func(string) string { return bad }})
	}
	for _, cl := range clients {
		for i, code := range codes {
			for j, loc := range locations {
				body := bodies[(i+j)%len(bodies)] // each code meets every body
				t.Run(cl.name+" "+strconv.Itoa(code)+" to "+loc.where+", "+body.name, func(t *testing.T) {
					other := newServer(t, answer(http.StatusOK, okBody))
					var elsewhere atomic.Int32
					origin := newServer(t, func(w http.ResponseWriter, r *http.Request) {
						if r.URL.Path != linkTokenPath {
							elsewhere.Add(1)
							return
						}
						answer(code, body.body, "Location", loc.location(strings.TrimPrefix(other.URL, "http://")))(w, r)
					})
					c, clock := newTestClient(t, origin.URL, cl.opts...)

					lt, err := c.CreateLinkToken(context.Background(), validRequest())
					assert.Nil(t, lt)
					assertOnlySentinel(t, err, ErrUnexpectedResponse)
					var apiErr *APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, code, apiErr.HTTPStatusCode)
					assert.Empty(t, apiErr.Header.Get("Location"), "a Location never reaches net/http's redirect code")
					assert.Contains(t, err.Error(), fmt.Sprintf("%d %s: ", code, http.StatusText(code)))
					assert.Contains(t, err.Error(), "redirect not followed")
					assert.EqualValues(t, 0, other.hits.Load(), "the other host received a request")
					assert.EqualValues(t, 0, elsewhere.Load(), "the redirect was followed on the same host")
					assert.EqualValues(t, 1, origin.hits.Load(), "a redirect is not retried")
					assert.Empty(t, clock.Waits())
				})
			}
		}
	}
}

// No cookie is kept: a Set-Cookie of one answer is not sent with the next call, even
// when the caller's http.Client has a jar.
func TestNoCookieReplayed(t *testing.T) {
	jar := &countingJar{}
	for name, opts := range map[string][]Option{"default transport": nil, "caller's client with a jar": {WithHTTPClient(&http.Client{Jar: jar})}} {
		t.Run(name, func(t *testing.T) {
			var rec requestRecorder
			srv := newServer(t, rec.handler(t, answer(http.StatusOK, okBody, "Set-Cookie", "session=abc123; Path=/")))
			c, _ := newTestClient(t, srv.URL, opts...)
			requireLinkToken(t, c)
			requireLinkToken(t, c)
			got := rec.requests()
			require.Len(t, got, 2)
			assert.Empty(t, got[1].header.Values("Cookie"))
		})
	}
	assert.Zero(t, jar.calls.Load(), "the caller's jar was used")
}

// countingJar is a cookie jar that keeps no cookie and counts its use.
type countingJar struct{ calls atomic.Int32 }

func (j *countingJar) SetCookies(*url.URL, []*http.Cookie) { j.calls.Add(1) }

func (j *countingJar) Cookies(*url.URL) []*http.Cookie {
	j.calls.Add(1)
	return nil
}

// idleCloser is a Transport that counts CloseIdleConnections.
type idleCloser struct {
	http.RoundTripper
	closed atomic.Int32
}

func (i *idleCloser) CloseIdleConnections() { i.closed.Add(1) }

// unwrapper is a RoundTripper wrapping another, which it returns from Unwrap.
type unwrapper struct{ http.RoundTripper }

func (u unwrapper) Unwrap() http.RoundTripper { return u.RoundTripper }

// CloseIdleConnections reaches a caller's Transport, directly or through a wrapper
// that says what it wraps, and leaves alone one that cannot close idle connections.
func TestCloseIdleConnectionsReachesCallerTransport(t *testing.T) {
	rt := &idleCloser{RoundTripper: httpmock.NewMockTransport()}
	for _, tc := range []struct {
		transport  http.RoundTripper
		wantClosed int32 // by then
	}{
		{rt, 1},
		{unwrapper{rt}, 2},
		{roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil }), 2},
	} {
		hc := &http.Client{Transport: tc.transport}
		c, err := NewClient(testClientID, testSecret, WithBaseURL(mockBaseURL), WithHTTPClient(hc))
		require.NoError(t, err)
		assert.NotPanics(t, c.CloseIdleConnections)
		assert.Equal(t, tc.wantClosed, rt.closed.Load())
	}
}
