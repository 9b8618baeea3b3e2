package meshtest_test

// The server itself: its lifecycle (Start, Close), TLS, credentials, routes and the
// clients NewClient builds.

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// TestStartClosesAtCleanup starts 20 servers with Start in a subtest and uses each
// (a token through NewClient, a catalog GET through Client). Once the subtest's
// cleanups have run, every server refuses connections and no goroutine is left.
func TestStartClosesAtCleanup(t *testing.T) {
	before := goleak.IgnoreCurrent() // other tests' leftovers do not count
	var hosts []string
	t.Run("twenty servers", func(t *testing.T) {
		for i := range 20 {
			var opts []meshtest.Option
			if i%2 == 1 {
				opts = append(opts, meshtest.WithTLS())
			}
			srv := meshtest.Start(t, opts...)
			c, err := srv.NewClient()
			require.NoError(t, err)
			_, err = createLinkToken(c)
			require.NoError(t, err)
			okContent(t, get(t, srv, meshtest.NetworksPath))
			u, err := url.Parse(srv.URL)
			require.NoError(t, err)
			hosts = append(hosts, u.Host)
		}
		// The check below can fail: while the servers run, goleak sees them.
		require.Error(t, goleak.Find(before), "goleak should see the running servers")
	})
	require.Len(t, hosts, 20)
	goleak.VerifyNone(t, before)
	for _, host := range hosts {
		conn, err := net.Dial("tcp", host)
		if err == nil {
			conn.Close()
		}
		assert.Error(t, err, "server %s is still listening", host)
	}
}

func TestCloseTwiceAndWithoutUse(t *testing.T) {
	srv := meshtest.NewServer()
	srv.Close()
	srv.Close() // does nothing
	_, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	assert.Error(t, err)
}

func TestWithTLS(t *testing.T) {
	srv := meshtest.Start(t, meshtest.WithTLS())
	assert.True(t, strings.HasPrefix(srv.URL, "https://127.0.0.1:"), srv.URL)

	t.Run("NewClient trusts the certificate", func(t *testing.T) {
		lt, err := createLinkToken(newClient(t, srv, noRetry))
		require.NoError(t, err)
		assert.NotEmpty(t, lt.Token)
	})
	t.Run("Client trusts the certificate", func(t *testing.T) {
		content := okContent(t, get(t, srv, meshtest.IntegrationsPath))
		assert.NotEmpty(t, content["items"])
	})
	t.Run("Client handed to mesh.WithHTTPClient", func(t *testing.T) {
		c, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret,
			mesh.WithBaseURL(srv.URL), mesh.WithHTTPClient(srv.Client()), noRetry)
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		_, err = createLinkToken(c)
		assert.NoError(t, err)
	})
	t.Run("another client does not trust it", func(t *testing.T) {
		before := len(srv.Requests())
		c, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret, mesh.WithBaseURL(srv.URL), noRetry)
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		_, err = createLinkToken(c)
		require.Error(t, err)
		var apiErr *mesh.APIError
		assert.False(t, errors.As(err, &apiErr), "no answer should have been read: %v", err)
		assert.Len(t, srv.Requests(), before, "the handshake fails before any request")
	})
}

func TestWithCredentials(t *testing.T) {
	const id, secret = "acme-id", "acme-secret"
	srv := meshtest.Start(t, meshtest.WithCredentials(id, secret))

	t.Run("NewClient uses them", func(t *testing.T) {
		_, err := createLinkToken(newClient(t, srv, noRetry))
		require.NoError(t, err)
		got := srv.Requests()
		require.NotEmpty(t, got)
		assert.Equal(t, id, got[len(got)-1].Header.Get("X-Client-Id"))
		assert.Equal(t, secret, got[len(got)-1].Header.Get("X-Client-Secret"))
	})
	t.Run("the default credentials are refused", func(t *testing.T) {
		c, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret, mesh.WithBaseURL(srv.URL), noRetry)
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		_, err = createLinkToken(c)
		assert.ErrorIs(t, err, mesh.ErrUnauthorized)
		assert.Equal(t, http.StatusUnauthorized, get(t, srv, meshtest.NetworksPath).code)
	})
	t.Run("raw requests with them", func(t *testing.T) {
		creds := map[string]string{"X-Client-Id": id, "X-Client-Secret": secret}
		assert.Equal(t, http.StatusOK, do(t, srv, http.MethodGet, meshtest.NetworksPath, "", creds).code)
		assert.Equal(t, http.StatusOK, do(t, srv, http.MethodPost, meshtest.LinkTokenPath, `{"userId":"u1"}`, creds).code)
	})
}

// TestCredentials checks the 401 of every endpoint: a short plain-text body that
// names no secret.
func TestCredentials(t *testing.T) {
	srv := meshtest.Start(t)
	headers := []struct {
		name   string
		header map[string]string
	}{
		{"no id", map[string]string{"X-Client-Id": ""}},
		{"no secret", map[string]string{"X-Client-Secret": ""}},
		{"neither", map[string]string{"X-Client-Id": "", "X-Client-Secret": ""}},
		{"wrong id", map[string]string{"X-Client-Id": "someone-else"}},
		{"wrong secret", map[string]string{"X-Client-Secret": "guess"}},
		{"id in another case", map[string]string{"X-Client-Id": strings.ToUpper(meshtest.ClientID)}},
		{"secret and id swapped", map[string]string{"X-Client-Id": meshtest.ClientSecret, "X-Client-Secret": meshtest.ClientID}},
	}
	endpoints := []struct{ method, path, body string }{
		{http.MethodPost, meshtest.LinkTokenPath, `{"userId":"u1"}`},
		{http.MethodGet, meshtest.NetworksPath, ""},
		{http.MethodGet, meshtest.IntegrationsPath, ""},
		{http.MethodGet, meshtest.TransferIntegrationsPath, ""},
		{http.MethodGet, meshtest.TransfersPath, ""},
		{http.MethodGet, meshtest.WalletVerificationsPath + "?UserId=u1&Address=0x1", ""},
	}
	for _, e := range endpoints {
		for _, tc := range headers {
			t.Run(e.path+"/"+tc.name, func(t *testing.T) {
				r := do(t, srv, e.method, e.path, e.body, tc.header)
				assert.Equal(t, http.StatusUnauthorized, r.code)
				assert.NotEmpty(t, r.body)
				assert.False(t, json.Valid([]byte(r.body)), "401 body should not be JSON: %q", r.body)
				assert.NotContains(t, r.body, meshtest.ClientSecret)
			})
		}
	}
}

func TestRouting(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name      string
		method    string
		path      string
		wantCode  int
		wantAllow string
	}{
		{"other path", http.MethodPost, "/api/v1/linktokens", http.StatusNotFound, ""},
		{"trailing slash", http.MethodPost, "/api/v1/linktoken/", http.StatusNotFound, ""},
		{"root", http.MethodGet, "/", http.StatusNotFound, ""},
		{"other version", http.MethodPost, "/api/v2/linktoken", http.StatusNotFound, ""},
		{"networks with a trailing slash", http.MethodGet, meshtest.NetworksPath + "/", http.StatusNotFound, ""},
		{"catalog in another case", http.MethodGet, strings.ToUpper(meshtest.IntegrationsPath), http.StatusNotFound, ""},
		{"GET link token", http.MethodGet, meshtest.LinkTokenPath, http.StatusMethodNotAllowed, http.MethodPost},
		{"PUT link token", http.MethodPut, meshtest.LinkTokenPath, http.StatusMethodNotAllowed, http.MethodPost},
		{"DELETE link token", http.MethodDelete, meshtest.LinkTokenPath, http.StatusMethodNotAllowed, http.MethodPost},
		{"POST networks", http.MethodPost, meshtest.NetworksPath, http.StatusMethodNotAllowed, http.MethodGet},
		{"PUT integrations", http.MethodPut, meshtest.IntegrationsPath, http.StatusMethodNotAllowed, http.MethodGet},
		{"DELETE transfer integrations", http.MethodDelete, meshtest.TransferIntegrationsPath, http.StatusMethodNotAllowed, http.MethodGet},
		{"POST transfers", http.MethodPost, meshtest.TransfersPath, http.StatusMethodNotAllowed, http.MethodGet},
		{"PUT wallet verifications", http.MethodPut, meshtest.WalletVerificationsPath, http.StatusMethodNotAllowed, http.MethodGet},
		{"transfers with a trailing slash", http.MethodGet, meshtest.TransfersPath + "/", http.StatusNotFound, ""},
		{"one transfer by id", http.MethodGet, meshtest.TransfersPath + "/42", http.StatusNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, tc.method, tc.path, `{"userId":"u1"}`, nil)
			require.Equal(t, tc.wantCode, r.code, r.body)
			if tc.wantCode == http.StatusNotFound {
				env := r.envelope(t)
				assert.Equal(t, "notFound", env["status"])
				assert.Contains(t, env["message"], tc.path)
				assert.Nil(t, env["content"])
				return
			}
			assert.Equal(t, tc.wantAllow, r.header.Get("Allow"))
			assert.False(t, json.Valid([]byte(r.body)), "405 body should not be JSON: %q", r.body)
		})
	}
}

// TestStrictAnswersThroughClient checks that the strict answers reach a Client as the
// sentinels Mesh's would. The SDK validates before sending, so raw bodies cannot get
// there; credentials and routes can.
func TestStrictAnswersThroughClient(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name    string
		id      string
		baseURL string
		want    error
	}{
		{"wrong id", "nobody", srv.URL, mesh.ErrUnauthorized},
		{"unknown route", meshtest.ClientID, srv.URL + "/proxy", mesh.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := mesh.NewClient(tc.id, meshtest.ClientSecret, mesh.WithBaseURL(tc.baseURL), noRetry)
			require.NoError(t, err)
			defer c.CloseIdleConnections()
			_, err = createLinkToken(c)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestNewClientOptionsOverride(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name         string
		opts         []mesh.Option
		wantRequests int
	}{
		{"default retries twice", nil, 3},
		{"retries disabled", []mesh.Option{noRetry}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			client := newClient(t, srv, tc.opts...)
			srv.Enqueue(meshtest.ServerError(503), meshtest.ServerError(503), meshtest.ServerError(503))
			_, err := createLinkToken(client)
			assert.ErrorIs(t, err, mesh.ErrServerFailure)
			assert.Len(t, srv.Requests(), tc.wantRequests)
		})
	}
	t.Run("base URL can be overridden", func(t *testing.T) {
		client, err := srv.NewClient(mesh.WithBaseURL("ftp://nowhere"))
		assert.Error(t, err)
		assert.Nil(t, client)
	})
	t.Run("user agent is added", func(t *testing.T) {
		srv.Reset()
		c := newClient(t, srv, mesh.WithUserAgent("meshtest-test/1"))
		_, err := c.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
		require.NoError(t, err)
		got := srv.Requests()
		require.Len(t, got, 1)
		assert.Contains(t, got[0].Header.Get("User-Agent"), "meshtest-test/1")
	})
}
