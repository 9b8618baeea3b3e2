package main

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/mesh-go/mesh"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaymentRunsTheWholeLoopOnTheFake(t *testing.T) {
	t.Setenv("MESH_CLIENT_ID", "")
	t.Setenv("MESH_CLIENT_SECRET", "")
	var out, errOut bytes.Buffer
	p := payment{userID: "u-1", chainID: "137", address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", symbol: "USDC", amountUSD: 42.5, transactionID: "order-7"}

	require.NoError(t, run(p, &out, &errOut))
	text := out.String()
	assert.Regexp(t, `(?m)^link token: [A-Za-z0-9+/=]{16,}$`, text)
	assert.Regexp(t, `(?m)^transfer [0-9a-f-]{36}: pending \(read back from Mesh\)$`, text)
	assert.Contains(t, text, "order order-7: not paid yet (transfer pending)")
	assert.Regexp(t, `(?m)^transfer [0-9a-f-]{36}: succeeded \(read back from Mesh\)$`, text)
	assert.Regexp(t, `(?m)^order order-7: paid by transfer [0-9a-f-]{36} \(42.5 USD in USDC\): goods released$`, text)
	assert.Len(t, regexp.MustCompile(`(?m)^webhook: verified event `).FindAllString(text, -1), 2, "pending, then succeeded")
}

func TestPaymentReleasesNothingForATransferThatDoesNotMatch(t *testing.T) {
	o := &order{ID: "order-1", AmountUSD: 25, Symbol: "USDC", Address: "0xabc", NetworkID: "n-1"}
	for _, tc := range []struct {
		name  string
		tweak func(*order)
	}{
		{"amount", func(o *order) { o.AmountUSD = 25.01 }},
		{"token", func(o *order) { o.Symbol = "USDT" }},
		{"address", func(o *order) { o.Address = "0xabd" }},
		{"network", func(o *order) { o.NetworkID = "n-2" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked := *o
			tc.tweak(&asked)
			assert.False(t, matches(&asked, transferOf(o)))
		})
	}
	assert.True(t, matches(o, transferOf(o)))
}

// transferOf is a succeeded transfer paying o exactly.
func transferOf(o *order) *mesh.Transfer {
	return &mesh.Transfer{ClientTransactionID: o.ID, Status: mesh.TransferStatusSucceeded, AmountInFiat: o.AmountUSD,
		Symbol: o.Symbol, DestinationAddress: o.Address, NetworkID: o.NetworkID}
}
