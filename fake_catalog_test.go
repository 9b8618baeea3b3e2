package mesh_test

// The real SDK against meshtest's catalog: the lists decode, and the ids a caller looks
// up in them are what a Link token request takes. (The fake's credentials and TLS are
// meshtest's own tests' subject.)

import (
	"context"
	"encoding/json"
	"net/http"
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
