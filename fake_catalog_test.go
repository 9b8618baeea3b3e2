package mesh_test

// The real SDK against meshtest's catalog, credentials and TLS: what a consumer's test
// suite does with the fake beyond minting tokens.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// TestFakeCatalogThroughClient reads the fake's three catalogs through a real client:
// each decodes, and the lookups a caller writes find the fake's documented ids.
func TestFakeCatalogThroughClient(t *testing.T) {
	srv := meshtest.Start(t)
	client := newFakeClient(t, srv)
	ctx := context.Background()

	networks, err := client.Networks(ctx)
	require.NoError(t, err)
	eth, ok := mesh.NetworkByChainID(networks, "1")
	require.True(t, ok, "Ethereum by chain id 1 in %+v", networks)
	assert.Equal(t, meshtest.EthereumNetworkID, eth.ID)
	assert.Equal(t, "Ethereum", eth.Name)
	assert.Equal(t, mesh.NetworkTypeEVM, eth.NetworkType)
	assert.True(t, eth.SupportsToken("usdc"))
	assert.Contains(t, eth.SupportedBrokerTypes, mesh.BrokerTypeCoinbase)
	polygon, ok := mesh.NetworkByName(networks, "polygon")
	require.True(t, ok)
	assert.Equal(t, meshtest.PolygonNetworkID, polygon.ID)

	integrations, err := client.Integrations(ctx)
	require.NoError(t, err)
	coinbase, ok := mesh.IntegrationByType(integrations, mesh.BrokerTypeCoinbase)
	require.True(t, ok, "coinbase in %d integrations", len(integrations))
	assert.Equal(t, meshtest.CoinbaseIntegrationID, coinbase.ID)
	assert.Equal(t, "Coinbase", coinbase.Name)
	assert.NotEmpty(t, coinbase.Logo.Base64Logo)

	transfers, err := client.TransferIntegrations(ctx)
	require.NoError(t, err)
	tc, ok := mesh.TransferIntegrationByType(transfers, mesh.BrokerTypeCoinbase)
	require.True(t, ok)
	assert.Equal(t, meshtest.CoinbaseIntegrationID, tc.ID)
	assert.True(t, tc.Supports(meshtest.EthereumNetworkID, "USDC"))
	assert.False(t, tc.Supports(meshtest.BitcoinNetworkID, "USDC"), "Bitcoin carries only BTC")

	var paths []string
	for _, r := range srv.Requests() {
		assert.Equal(t, http.MethodGet, r.Method)
		paths = append(paths, r.Path)
	}
	assert.Equal(t, []string{meshtest.NetworksPath, meshtest.IntegrationsPath, meshtest.TransferIntegrationsPath}, paths)
}

// TestFakeAcceptsIDsFromItsCatalog builds requests from what the client read from the
// fake's catalog: the fake accepts them, and they carry the ids as read.
func TestFakeAcceptsIDsFromItsCatalog(t *testing.T) {
	srv := meshtest.Start(t)
	client := newFakeClient(t, srv, mesh.WithRetry(mesh.RetryPolicy{}))
	ctx := context.Background()
	networks, err := client.Networks(ctx)
	require.NoError(t, err)
	integrations, err := client.Integrations(ctx)
	require.NoError(t, err)
	polygon, ok := mesh.NetworkByChainID(networks, "137")
	require.True(t, ok)
	kraken, ok := mesh.IntegrationByType(integrations, mesh.BrokerTypeKraken)
	require.True(t, ok)

	tests := []struct {
		name  string
		req   *mesh.CreateLinkTokenRequest
		field func(body map[string]any) any
		want  string
	}{
		{
			name: "networkId from Networks",
			req: &mesh.CreateLinkTokenRequest{UserID: "u1", TransferOptions: &mesh.TransferOptions{
				ToAddresses: []mesh.TransferAddress{{NetworkID: polygon.ID, Symbol: polygon.NativeSymbol, Address: ethAddress}},
			}},
			field: func(b map[string]any) any {
				return b["transferOptions"].(map[string]any)["toAddresses"].([]any)[0].(map[string]any)["networkId"]
			},
			want: meshtest.PolygonNetworkID,
		},
		{
			name:  "integrationId from Integrations",
			req:   &mesh.CreateLinkTokenRequest{UserID: "u1", IntegrationID: kraken.ID},
			field: func(b map[string]any) any { return b["integrationId"] },
			want:  meshtest.KrakenIntegrationID,
		},
		{
			name: "verifyWalletOptions.networkId from Networks",
			req: &mesh.CreateLinkTokenRequest{UserID: "u1", VerifyWalletOptions: &mesh.VerifyWalletOptions{
				NetworkID: polygon.ID, NetworkType: polygon.NetworkType, Addresses: []string{ethAddress},
			}},
			field: func(b map[string]any) any { return b["verifyWalletOptions"].(map[string]any)["networkId"] },
			want:  meshtest.PolygonNetworkID,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			lt, err := client.CreateLinkToken(ctx, tc.req)
			require.NoError(t, err)
			assert.NotEmpty(t, lt.Token)
			got := srv.Requests()
			require.Len(t, got, 1)
			var body map[string]any
			require.NoError(t, json.Unmarshal(got[0].Body, &body))
			assert.Equal(t, tc.want, tc.field(body))
		})
	}
}

// TestFakeCatalogChecksCredentials: the fake's credentials rules apply to the catalog,
// and a client with a wrong secret gets ErrUnauthorized with the hint of a 401.
func TestFakeCatalogChecksCredentials(t *testing.T) {
	const wrongSecret = "meshtest-wrong-secret-51f0"
	srv := meshtest.Start(t)
	client, err := mesh.NewClient(meshtest.ClientID, wrongSecret, mesh.WithBaseURL(srv.URL), mesh.WithRetry(mesh.RetryPolicy{}))
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"Networks", func() error { _, err := client.Networks(ctx); return err }},
		{"Integrations", func() error { _, err := client.Integrations(ctx); return err }},
		{"TransferIntegrations", func() error { _, err := client.TransferIntegrations(ctx); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			for _, s := range []error{
				mesh.ErrValidation, mesh.ErrUnauthorized, mesh.ErrBadRequest, mesh.ErrPermissionDenied, mesh.ErrNotFound,
				mesh.ErrConflict, mesh.ErrLocked, mesh.ErrTooManyRequests, mesh.ErrUnavailableForLegalReasons,
				mesh.ErrServerFailure, mesh.ErrUnexpectedResponse,
			} {
				assert.Equal(t, s == mesh.ErrUnauthorized, errors.Is(err, s), "errors.Is(%v, %v)", err, s) //nolint:errorlint // comparing the sentinels themselves
			}
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusUnauthorized, apiErr.HTTPStatusCode)
			assert.Contains(t, err.Error(), "client id or secret", "the 401 says what to check")
			assert.Contains(t, err.Error(), "environment", "the 401 names the other environment")
			assert.NotContains(t, err.Error(), wrongSecret)
		})
	}
	got := srv.Requests()
	require.Len(t, got, 3, "a 401 is not retried")
	for _, r := range got {
		assert.Equal(t, wrongSecret, r.Header.Get("X-Client-Secret"), "the fake saw the wrong secret and refused it")
	}
}

// TestFakeScriptedEmptyNetworks: a scripted Reply whose Content is an empty networks
// list decodes to an empty list, and the next call gets the catalog again.
func TestFakeScriptedEmptyNetworks(t *testing.T) {
	srv := meshtest.Start(t)
	client := newFakeClient(t, srv, mesh.WithRetry(mesh.RetryPolicy{}))
	srv.Enqueue(meshtest.Reply{Content: json.RawMessage(`{"networks":[]}`)})

	networks, err := client.Networks(context.Background())
	require.NoError(t, err)
	assert.Empty(t, networks)
	assert.Zero(t, srv.Pending(), "the script was used")

	networks, err = client.Networks(context.Background())
	require.NoError(t, err)
	assert.NotEmpty(t, networks, "unscripted, the fake serves its catalog")
}

// TestFakeOverTLS: with meshtest.WithTLS the server speaks https, srv.NewClient trusts
// it for both a Link token and the catalog, and a client that does not trust it fails.
func TestFakeOverTLS(t *testing.T) {
	srv := meshtest.Start(t, meshtest.WithTLS())
	require.True(t, strings.HasPrefix(srv.URL, "https://"), srv.URL)
	client := newFakeClient(t, srv)
	ctx := context.Background()

	lt, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "u1"})
	require.NoError(t, err)
	assert.NotEmpty(t, lt.Token)
	networks, err := client.Networks(ctx)
	require.NoError(t, err)
	_, ok := mesh.NetworkByChainID(networks, "1")
	assert.True(t, ok)
	require.Len(t, srv.Requests(), 2)

	untrusting, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret, mesh.WithBaseURL(srv.URL), mesh.WithRetry(mesh.RetryPolicy{}))
	require.NoError(t, err)
	t.Cleanup(untrusting.CloseIdleConnections)
	_, err = untrusting.Networks(ctx)
	require.Error(t, err, "the fake's certificate is self-signed")
	var apiErr *mesh.APIError
	assert.False(t, errors.As(err, &apiErr), "no answer: the handshake failed: %v", err)
	assert.Len(t, srv.Requests(), 2, "the untrusting client's request never reached the handler")
}

// TestFakeWithOwnCredentials: with meshtest.WithCredentials, a client built from the
// caller's own configuration (NewClient with those credentials, WithBaseURL(srv.URL)
// and WithHTTPClient(srv.Client())) works, over http and https, and the default
// credentials are refused.
func TestFakeWithOwnCredentials(t *testing.T) {
	const id, secret = "acme-payments", "acme-secret-0c94e1"
	for _, tc := range []struct {
		name string
		opts []meshtest.Option
	}{
		{"http", nil},
		{"https", []meshtest.Option{meshtest.WithTLS()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := meshtest.Start(t, append(tc.opts, meshtest.WithCredentials(id, secret))...)
			ctx := context.Background()
			client, err := mesh.NewClient(id, secret, mesh.WithBaseURL(srv.URL), mesh.WithHTTPClient(srv.Client()))
			require.NoError(t, err)
			t.Cleanup(client.CloseIdleConnections)

			lt, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "u1"})
			require.NoError(t, err)
			assert.NotEmpty(t, lt.Token)
			networks, err := client.Networks(ctx)
			require.NoError(t, err)
			assert.NotEmpty(t, networks)
			for i, r := range srv.Requests() {
				assert.Equal(t, id, r.Header.Get("X-Client-Id"), "request %d", i)
				assert.Equal(t, secret, r.Header.Get("X-Client-Secret"), "request %d", i)
			}

			defaults, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret,
				mesh.WithBaseURL(srv.URL), mesh.WithHTTPClient(srv.Client()), mesh.WithRetry(mesh.RetryPolicy{}))
			require.NoError(t, err)
			t.Cleanup(defaults.CloseIdleConnections)
			_, err = defaults.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "u1"})
			assert.ErrorIs(t, err, mesh.ErrUnauthorized, "WithCredentials replaces the default credentials")
			_, err = defaults.Networks(ctx)
			assert.ErrorIs(t, err, mesh.ErrUnauthorized)
		})
	}
}
