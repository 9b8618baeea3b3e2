package meshtest_test

// GET TransfersPath and GET WalletVerificationsPath: filters, order, paging, and
// scripted answers.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// fourTransfers records four transfers, ten seconds apart from t0:
//
//	a: u1, order-1, 10 USD, Coinbase,  USDC on Polygon, subClientId uuidLo, pending
//	b: u1, order-2, 30 USD, Kraken,    USDC on Polygon, succeeded
//	c: u2, order-2, 20 USD, Robinhood, USDC on Polygon, failed
//	d: u3, none,    20 USD, Coinbase,  ETH on Ethereum, pending
func fourTransfers(t *testing.T) (srv *meshtest.Server, a, b, c, d *mesh.Transfer) {
	t.Helper()
	clk := newClock()
	srv = meshtest.Start(t, meshtest.WithClock(clk.Now))
	a = pay(t, srv, payment("u1", "10", `"transactionId":"order-1"`, `"subClientId":"`+uuidLo+`"`))
	clk.Add(10 * time.Second)
	b = pay(t, srv, payment("u1", "30", `"transactionId":"order-2"`, `"integrationId":"`+meshtest.KrakenIntegrationID+`"`))
	clk.Add(10 * time.Second)
	c = pay(t, srv, payment("u2", "20", `"transactionId":"order-2"`, `"brokerType":"robinhood"`))
	clk.Add(10 * time.Second)
	d = pay(t, srv, `{"userId":"u3","transferOptions":{"toAddresses":[{"networkId":"`+meshtest.EthereumNetworkID+`","symbol":"ETH","address":"0x2"}],"amountInFiat":20}}`)
	var err error
	b, err = srv.SetTransferStatus(b.ID, mesh.TransferStatusSucceeded)
	require.NoError(t, err)
	c, err = srv.SetTransferStatus(c.ID, mesh.TransferStatusFailed)
	require.NoError(t, err)
	return srv, a, b, c, d
}

func TestTransfersFilterOrderAndPage(t *testing.T) {
	srv, a, b, c, d := fourTransfers(t)
	t0s := strconv.FormatInt(t0.Unix(), 10)
	t10s, t20s := strconv.FormatInt(t0.Unix()+10, 10), strconv.FormatInt(t0.Unix()+20, 10)
	byID := []string{a.ID, b.ID, c.ID, d.ID}
	slices.Sort(byID)
	tests := []struct {
		name      string
		query     string
		want      []string
		wantTotal int // 0: len(want)
	}{
		{"no query: oldest first", "", []string{a.ID, b.ID, c.ID, d.ID}, 0},
		{"Id", "Id=" + b.ID, []string{b.ID}, 0},
		{"Id in upper case", "Id=" + strings.ToUpper(b.ID), []string{b.ID}, 0},
		{"Id unknown", "Id=" + uuidLo, []string{}, 0},
		{"ClientTransactionId shared by two tries", "ClientTransactionId=order-2", []string{b.ID, c.ID}, 0},
		{"ClientTransactionId exact", "ClientTransactionId=ORDER-2", []string{}, 0},
		{"UserId", "UserId=u1", []string{a.ID, b.ID}, 0},
		{"IntegrationIds repeated", "IntegrationIds=" + meshtest.KrakenIntegrationID + "&IntegrationIds=" + meshtest.RobinhoodIntegrationID, []string{b.ID, c.ID}, 0},
		{"IntegrationIds in upper case", "IntegrationIds=" + strings.ToUpper(meshtest.CoinbaseIntegrationID), []string{a.ID, d.ID}, 0},
		{"Statuses pending", "Statuses=pending", []string{a.ID, d.ID}, 0},
		{"Statuses final", "Statuses=succeeded&Statuses=failed", []string{b.ID, c.ID}, 0},
		{"Statuses in another case", "Statuses=Succeeded", []string{b.ID}, 0},
		{"Statuses unknown", "Statuses=refundPending", []string{}, 0},
		{"FromTimestamp inclusive", "FromTimestamp=" + t10s, []string{b.ID, c.ID, d.ID}, 0},
		{"ToTimestamp inclusive", "ToTimestamp=" + t10s, []string{a.ID, b.ID}, 0},
		{"From equals To", "FromTimestamp=" + t20s + "&ToTimestamp=" + t20s, []string{c.ID}, 0},
		{"From and To around all", "FromTimestamp=" + t0s + "&ToTimestamp=" + strconv.FormatInt(t0.Unix()+30, 10), []string{a.ID, b.ID, c.ID, d.ID}, 0},
		{"MinAmountInFiat inclusive", "MinAmountInFiat=20", []string{b.ID, c.ID, d.ID}, 0},
		{"MaxAmountInFiat inclusive", "MaxAmountInFiat=20.0", []string{a.ID, c.ID, d.ID}, 0},
		{"Min and Max", "MinAmountInFiat=1.5e1&MaxAmountInFiat=25", []string{c.ID, d.ID}, 0},
		{"Hash", "Hash=" + b.Hash, []string{b.ID}, 0},
		{"Hash in upper case", "Hash=" + strings.ToUpper(b.Hash), []string{b.ID}, 0},
		{"SubClientId", "SubClientId=" + uuidUp, []string{a.ID}, 0},
		{"filters together", "UserId=u1&Statuses=pending&MaxAmountInFiat=15", []string{a.ID}, 0},
		{"empty values are absent", "Id=&UserId=&Count=", []string{a.ID, b.ID, c.ID, d.ID}, 0},
		{"flags Mesh documents are ignored", "IsSandBox=true&IncludeRefundInformation=false&IncludeWebhooksLogs=TRUE", []string{a.ID, b.ID, c.ID, d.ID}, 0},

		{"DescendingOrder alone: newest first", "DescendingOrder=true", []string{d.ID, c.ID, b.ID, a.ID}, 0},
		{"DescendingOrder false", "DescendingOrder=False", []string{a.ID, b.ID, c.ID, d.ID}, 0},
		{"OrderBy amountInFiat: ties in creation order", "OrderBy=amountInFiat", []string{a.ID, c.ID, d.ID, b.ID}, 0},
		{"OrderBy amountInFiat descending", "OrderBy=amountInFiat&DescendingOrder=true", []string{b.ID, d.ID, c.ID, a.ID}, 0},
		{"OrderBy createdTimestamp descending", "OrderBy=createdTimestamp&DescendingOrder=true", []string{d.ID, c.ID, b.ID, a.ID}, 0},
		{"OrderBy in another case", "OrderBy=CREATEDTIMESTAMP", []string{a.ID, b.ID, c.ID, d.ID}, 0},
		{"OrderBy status", "OrderBy=status", []string{c.ID, a.ID, d.ID, b.ID}, 0},
		{"OrderBy userId", "OrderBy=userId&DescendingOrder=true", []string{d.ID, c.ID, b.ID, a.ID}, 0},
		{"OrderBy clientTransferId: null first", "OrderBy=clientTransferId", []string{d.ID, a.ID, b.ID, c.ID}, 0},
		{"OrderBy fromType", "OrderBy=fromType", []string{a.ID, d.ID, b.ID, c.ID}, 0},
		{"OrderBy symbol", "OrderBy=symbol", []string{d.ID, a.ID, b.ID, c.ID}, 0},
		{"OrderBy networkName", "OrderBy=networkName", []string{d.ID, a.ID, b.ID, c.ID}, 0},
		{"OrderBy id", "OrderBy=id", byID, 0},

		{"Count", "Count=2", []string{a.ID, b.ID}, 4},
		{"Count and Offset", "Count=2&Offset=2", []string{c.ID, d.ID}, 4},
		{"Offset", "Offset=3", []string{d.ID}, 4},
		{"Offset at the end", "Offset=4", []string{}, 4},
		{"Offset beyond the end", "Offset=100", []string{}, 4},
		{"Count 0", "Count=0", []string{}, 4},
		{"Count 1000", "Count=1000", []string{a.ID, b.ID, c.ID, d.ID}, 0},
		{"Count with a plus sign", "Count=%2B1", []string{a.ID}, 4},
		{"a page of a filter", "UserId=u1&Count=1&Offset=1", []string{b.ID}, 2},
		{"a page of an order", "OrderBy=amountInFiat&DescendingOrder=true&Count=2&Offset=1", []string{d.ID, c.ID}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ids, total := transferPage(t, srv, tc.query)
			assert.Equal(t, tc.want, ids)
			if tc.wantTotal == 0 {
				tc.wantTotal = len(tc.want)
			}
			assert.Equal(t, tc.wantTotal, total, "total counts every match")
		})
	}
}

func TestTransfersDefaultCount(t *testing.T) {
	srv := meshtest.Start(t)
	var want []string
	for i := range 12 {
		want = append(want, pay(t, srv, payment("u"+strconv.Itoa(i), "1", "", "")).ID)
	}
	ids, total := transferPage(t, srv, "")
	assert.Equal(t, want[:10], ids, "ten by default")
	assert.Equal(t, 12, total)
	ids, _ = transferPage(t, srv, "Offset=10")
	assert.Equal(t, want[10:], ids)
}

// TestTransfersOnTheWire checks one item as JSON: every documented field is present,
// amounts keep the request's exact text, and the ones the fake never fills are null.
func TestTransfersOnTheWire(t *testing.T) {
	srv := meshtest.Start(t)
	tr := pay(t, srv, withTransfer(`"toAddresses":[{`+addrOK+`,"amount":0.004786046226555188}],"amountInFiat":1E1`))
	r := get(t, srv, meshtest.TransfersPath+"?Id="+tr.ID)
	okContent(t, r)
	for _, want := range []string{`"amount":0.004786046226555188`, `"sourceAmount":0.004786046226555188`, `"amountInFiat":1E1`,
		`"executedTimestamp":null`, `"hash":null`, `"gasFee":null`, `"fundingMethods":null`, `"bridgingDetails":null`, `"total":1`} {
		assert.Contains(t, r.body, want)
	}
	var env struct {
		Content struct{ Items []map[string]json.RawMessage }
	}
	require.NoError(t, json.Unmarshal([]byte(r.body), &env))
	require.Len(t, env.Content.Items, 1)
	var keys []string
	for k := range env.Content.Items[0] {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, []string{"id", "clientTransactionId", "institutionTransactionId", "userId", "status",
		"amountInFiat", "amountToReceiveInFiat", "amountInFiatCurrencyCode", "amount", "amountToReceive", "symbol",
		"tokenAddress", "networkName", "networkId", "networkLogoUrl", "createdTimestamp", "executedTimestamp", "from",
		"hash", "infoUrl", "subClientId", "gasFee", "withdrawalFee", "processingFee", "transferType", "isFeeIncluded",
		"sourceAmount", "destinationAmount", "destinationAmountInFiat", "totalFeesAmountInFiat",
		"totalTransactionAmountInFiat", "fundingMethods", "destinationAddress", "refundAddress", "bridgingDetails"}, keys)
}

// TestScriptedTransferGETs: the new GETs are scripted like every endpoint, and a
// scripted ok without Content carries the fake's own answer to the query.
func TestScriptedTransferGETs(t *testing.T) {
	srv := meshtest.Start(t)
	tr := pay(t, srv, payment("u1", "5", "", ""))
	_, err := srv.VerifyWithLink(mint(t, srv, withVerify(`"message":"m"`)), "0x1")
	require.NoError(t, err)
	verify := meshtest.WalletVerificationsPath + "?UserId=u1&Address=0x1"
	tests := []struct {
		name        string
		reply       meshtest.Reply
		path        string
		wantCode    int
		wantContent string
	}{
		{"rate limit", meshtest.TooManyRequests(time.Second), meshtest.TransfersPath, http.StatusTooManyRequests, `null`},
		{"proxy error", meshtest.ServerError(http.StatusBadGateway), verify, http.StatusBadGateway, ""},
		{"custom content", meshtest.Reply{Content: json.RawMessage(`{"items":[],"total":0}`)}, meshtest.TransfersPath, http.StatusOK, `{"items":[],"total":0}`},
		{"zero reply: the fake's page", meshtest.Reply{Path: meshtest.TransfersPath}, meshtest.TransfersPath + "?Count=1", http.StatusOK, `"total":1`},
		{"zero reply, query broken: an empty page", meshtest.Reply{}, meshtest.TransfersPath + "?Count=-1", http.StatusOK, `{"items":[],"total":0}`},
		{"zero reply: the fake's verifications", meshtest.Reply{}, verify, http.StatusOK, `"address":"0x1"`},
		{"zero reply, query broken: none", meshtest.Reply{}, meshtest.WalletVerificationsPath, http.StatusOK, `{"verifications":[]}`},
		{"not found", meshtest.ErrorReply(mesh.StatusNotFound, "notFound", "no"), verify, http.StatusNotFound, `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Enqueue(tc.reply)
			r := get(t, srv, tc.path)
			assert.Equal(t, tc.wantCode, r.code, r.body)
			assert.Contains(t, r.body, tc.wantContent)
			assert.Zero(t, srv.Pending())
		})
	}
	t.Run("a reply for the list is kept past other calls", func(t *testing.T) {
		srv.Enqueue(meshtest.Reply{Path: meshtest.TransfersPath, Status: mesh.StatusLocked})
		okContent(t, get(t, srv, verify))
		okContent(t, get(t, srv, meshtest.NetworksPath))
		assert.Equal(t, http.StatusLocked, get(t, srv, meshtest.TransfersPath+"?Id="+tr.ID).code)
	})
	t.Run("requests are recorded with their query", func(t *testing.T) {
		srv.Reset()
		get(t, srv, meshtest.TransfersPath+"?Statuses=pending&Statuses=failed&Count=5")
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, http.MethodGet, reqs[0].Method)
		assert.Equal(t, meshtest.TransfersPath, reqs[0].Path)
		q, err := url.ParseQuery(reqs[0].RawQuery)
		require.NoError(t, err)
		assert.Equal(t, url.Values{"Statuses": {"pending", "failed"}, "Count": {"5"}}, q)
	})
}
