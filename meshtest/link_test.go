package meshtest_test

// The fake plays the user in Link: PayWithLink, SetTransferStatus, VerifyWithLink.

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

var (
	uuidV4Pattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	hashPattern   = regexp.MustCompile(`^0x[0-9a-f]{64}$`)
)

// TestPayWithLinkBuildsTheTransfer checks each field PayWithLink takes from the
// token's request, and that the list serves the transfer it returned.
func TestPayWithLinkBuildsTheTransfer(t *testing.T) {
	const dest = `"networkId":"` + meshtest.EthereumNetworkID + `","symbol":"ETH","address":"0xabc"`
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, tr *mesh.Transfer)
	}{
		{"every field from the request", withTransfer(`"toAddresses":[{` + dest + `,"amount":0.004786046226555188},{` + addrOK + `}],` +
			`"amountInFiat":12.5,"transactionId":"order-1","transferType":"payment"`),
			func(t *testing.T, tr *mesh.Transfer) {
				assert.Equal(t, "u1", tr.UserID)
				assert.Equal(t, "order-1", tr.ClientTransactionID)
				assert.Equal(t, mesh.TransferTypePayment, tr.TransferType)
				assert.Equal(t, "ETH", tr.Symbol, "the first destination")
				assert.Equal(t, meshtest.EthereumNetworkID, tr.NetworkID)
				assert.Equal(t, "Ethereum", tr.NetworkName)
				assert.NotEmpty(t, tr.NetworkLogoURL)
				assert.Equal(t, "0xabc", tr.DestinationAddress)
				assert.Equal(t, 0.004786046226555188, tr.Amount)
				assert.Equal(t, 0.004786046226555188, tr.AmountToReceive)
				require.NotNil(t, tr.SourceAmount)
				assert.Equal(t, 0.004786046226555188, *tr.SourceAmount)
				assert.Equal(t, 12.5, tr.AmountInFiat)
				assert.Equal(t, 12.5, tr.TotalTransactionAmountInFiat)
				assert.Equal(t, "USD", tr.AmountInFiatCurrencyCode)
			}},
		{"fiat only: one token is one USD", payment("u1", "25", "", ""), func(t *testing.T, tr *mesh.Transfer) {
			assert.Equal(t, 25.0, tr.Amount)
			assert.Equal(t, 25.0, tr.AmountInFiat)
			require.NotNil(t, tr.DestinationAmount)
			assert.Equal(t, 25.0, *tr.DestinationAmount)
		}},
		{"no amount at all", withAddress(addrOK), func(t *testing.T, tr *mesh.Transfer) {
			assert.Zero(t, tr.Amount)
			assert.Zero(t, tr.AmountInFiat)
			assert.Nil(t, tr.SourceAmount)
			assert.Nil(t, tr.DestinationAmountInFiat)
		}},
		{"nulls read as absent", withTransfer(`"toAddresses":[{` + addrOK + `,"amount":null}],"amountInFiat":null,"transactionId":null,"transferType":null`),
			func(t *testing.T, tr *mesh.Transfer) {
				assert.Empty(t, tr.ClientTransactionID)
				assert.Empty(t, tr.TransferType)
				assert.Zero(t, tr.Amount)
			}},
		{"Coinbase by default", payment("u1", "1", "", ""), func(t *testing.T, tr *mesh.Transfer) {
			require.NotNil(t, tr.From)
			assert.Equal(t, mesh.TransferSource{ID: meshtest.CoinbaseIntegrationID, Type: mesh.BrokerTypeCoinbase, Name: "Coinbase",
				LogoURL: "https://frontuserfilecdn.azureedge.net/public/logos/integrations/Coinbase/logo-color.svg"}, *tr.From)
		}},
		{"integrationId of the catalog", payment("u1", "1", "", `"integrationId":"`+strings.ToUpper(meshtest.KrakenIntegrationID)+`"`),
			func(t *testing.T, tr *mesh.Transfer) {
				require.NotNil(t, tr.From)
				assert.Equal(t, meshtest.KrakenIntegrationID, tr.From.ID)
				assert.Equal(t, "Kraken", tr.From.Name)
				assert.Equal(t, mesh.BrokerTypeKraken, tr.From.Type)
			}},
		{"integrationId the catalog lacks", payment("u1", "1", "", `"integrationId":"`+uuidLo+`"`), func(t *testing.T, tr *mesh.Transfer) {
			assert.Equal(t, &mesh.TransferSource{ID: uuidLo}, tr.From)
		}},
		{"brokerType of the catalog", payment("u1", "1", "", `"brokerType":"robinhood"`), func(t *testing.T, tr *mesh.Transfer) {
			require.NotNil(t, tr.From)
			assert.Equal(t, meshtest.RobinhoodIntegrationID, tr.From.ID)
		}},
		{"brokerType the catalog lacks", payment("u1", "1", "", `"brokerType":"alpaca"`), func(t *testing.T, tr *mesh.Transfer) {
			require.NotNil(t, tr.From)
			assert.Equal(t, meshtest.CoinbaseIntegrationID, tr.From.ID)
		}},
		{"subClientId", payment("u1", "1", "", `"subClientId":"`+uuidUp+`"`), func(t *testing.T, tr *mesh.Transfer) {
			assert.Equal(t, uuidUp, tr.SubClientID)
		}},
		{"network the catalog lacks", withAddress(`"networkId":"` + uuidLo + `","symbol":"USDC","address":"0x1"`), func(t *testing.T, tr *mesh.Transfer) {
			assert.Equal(t, uuidLo, tr.NetworkID)
			assert.Empty(t, tr.NetworkName)
		}},
	}
	clk := newClock()
	srv := meshtest.Start(t, meshtest.WithClock(clk.Now))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := pay(t, srv, tc.body)
			assert.Regexp(t, uuidV4Pattern, tr.ID)
			assert.Equal(t, mesh.TransferStatusPending, tr.Status)
			assert.Equal(t, t0.Truncate(time.Second).UTC(), tr.CreatedAt)
			assert.Zero(t, tr.ExecutedAt)
			assert.Empty(t, tr.Hash)
			tc.check(t, tr)

			content := okContent(t, get(t, srv, meshtest.TransfersPath+"?Id="+tr.ID))
			var page struct{ Items []mesh.Transfer }
			b, err := json.Marshal(content)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &page))
			require.Len(t, page.Items, 1)
			assert.Equal(t, *tr, page.Items[0], "the list serves what PayWithLink returned")
		})
	}
}

// TestTransferLifecycle: pending, then succeeded (hash and execution time) or failed
// (neither), as returned and as listed.
func TestTransferLifecycle(t *testing.T) {
	tests := []struct {
		status   mesh.TransferStatus
		wantHash bool
	}{
		{mesh.TransferStatusSucceeded, true},
		{mesh.TransferStatusFailed, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.status), func(t *testing.T) {
			clk := newClock()
			srv := meshtest.Start(t, meshtest.WithClock(clk.Now))
			client := newClient(t, srv)
			req := paymentRequest(nil)
			req.TransferOptions.TransactionID = "order-7"
			lt, err := client.CreateLinkToken(context.Background(), req)
			require.NoError(t, err)
			paid, err := srv.PayWithLink(lt.Token)
			require.NoError(t, err)

			clk.Add(90 * time.Second)
			moved, err := srv.SetTransferStatus(paid.ID, tc.status)
			require.NoError(t, err)
			assert.Equal(t, tc.status, moved.Status)
			assert.Equal(t, paid.CreatedAt, moved.CreatedAt)
			if tc.wantHash {
				assert.Regexp(t, hashPattern, moved.Hash)
				assert.Equal(t, t0.Add(90*time.Second).Truncate(time.Second).UTC(), moved.ExecutedAt)
			} else {
				assert.Empty(t, moved.Hash)
				assert.Zero(t, moved.ExecutedAt)
			}
			want := *paid
			want.Status, want.Hash, want.ExecutedAt = moved.Status, moved.Hash, moved.ExecutedAt
			assert.Equal(t, want, *moved, "nothing else changes")

			ids, total := transferPage(t, srv, "ClientTransactionId=order-7&Statuses="+string(tc.status))
			assert.Equal(t, []string{paid.ID}, ids)
			assert.Equal(t, 1, total)
		})
	}
}

// TestSetTransferStatusRules: final statuses stay final; no change is no change.
func TestSetTransferStatusRules(t *testing.T) {
	tests := []struct {
		name    string
		path    []mesh.TransferStatus // applied in order; each but the last must succeed
		id      func(id string) string
		wantErr string // "" when the last step succeeds
	}{
		{"pending to succeeded", []mesh.TransferStatus{"succeeded"}, nil, ""},
		{"pending to failed", []mesh.TransferStatus{"failed"}, nil, ""},
		{"id in upper case", []mesh.TransferStatus{"succeeded"}, strings.ToUpper, ""},
		{"an unknown status is not final", []mesh.TransferStatus{"refundPending", "succeeded"}, nil, ""},
		{"back to pending from an unknown status", []mesh.TransferStatus{"onHold", "pending"}, nil, ""},
		{"succeeded is final", []mesh.TransferStatus{"succeeded", "failed"}, nil, "succeeded, a final status"},
		{"succeeded stays succeeded", []mesh.TransferStatus{"succeeded", "succeeded"}, nil, "a final status"},
		{"failed is final", []mesh.TransferStatus{"failed", "pending"}, nil, "failed, a final status"},
		{"pending to pending is no change", []mesh.TransferStatus{"pending"}, nil, `already "pending"`},
		{"blank status", []mesh.TransferStatus{" "}, nil, "the status is blank"},
		{"empty status", []mesh.TransferStatus{""}, nil, "the status is blank"},
		{"unknown id", []mesh.TransferStatus{"succeeded"}, func(string) string { return uuidLo }, "no transfer with the id"},
		{"not an id", []mesh.TransferStatus{"succeeded"}, func(string) string { return "" }, "no transfer with the id"},
	}
	srv := meshtest.Start(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := pay(t, srv, payment("u1", "5", "", ""))
			id := tr.ID
			if tc.id != nil {
				id = tc.id(id)
			}
			last := len(tc.path) - 1
			for _, status := range tc.path[:last] {
				_, err := srv.SetTransferStatus(id, status)
				require.NoError(t, err)
			}
			got, err := srv.SetTransferStatus(id, tc.path[last])
			if tc.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.path[last], got.Status)
				return
			}
			assert.Nil(t, got)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

// TestPayWithLinkRefusesTokens: a token the fake did not mint, one minted without
// what a payment needs, and one already paid with, are errors that say so; nothing is
// recorded.
func TestPayWithLinkRefusesTokens(t *testing.T) {
	srv := meshtest.Start(t)
	other := meshtest.Start(t)
	srv.Enqueue(meshtest.Reply{Path: meshtest.LinkTokenPath})
	scripted := mint(t, srv, payment("u1", "5", "", ""))
	used := mint(t, srv, payment("u1", "5", "", ""))
	_, err := srv.PayWithLink(used)
	require.NoError(t, err)

	tests := []struct {
		name, token, wantErr string
	}{
		{"another server's token", mint(t, other, payment("u1", "5", "", "")), "not minted by this server"},
		{"a scripted Reply's token", scripted, "not minted by this server"},
		{"not a token", "bm90IGEgdG9rZW4=", "not minted by this server"},
		{"empty", "", "not minted by this server"},
		{"without transferOptions", mint(t, srv, `{"userId":"u1"}`), "without transferOptions"},
		{"transferOptions null", mint(t, srv, withUser(`"transferOptions":null`)), "without transferOptions"},
		{"only a verification", mint(t, srv, withVerify(`"message":"m"`)), "without transferOptions"},
		{"without toAddresses", mint(t, srv, withTransfer(`"amountInFiat":5`)), "without transferOptions.toAddresses"},
		{"toAddresses empty", mint(t, srv, withTransfer(`"toAddresses":[],"amountInFiat":5`)), "without transferOptions.toAddresses"},
		{"toAddresses null", mint(t, srv, withTransfer(`"toAddresses":null`)), "without transferOptions.toAddresses"},
		{"already paid with", used, "already used for a payment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := srv.PayWithLink(tc.token)
			assert.Nil(t, tr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.True(t, strings.HasPrefix(err.Error(), "meshtest: PayWithLink: "), err.Error())
			_, total := transferPage(t, srv, "")
			assert.Equal(t, 1, total, "only the first payment is recorded")
		})
	}
}

// TestVerifyWithLink records and serves the verification a user's signature makes,
// and refuses what Link would refuse.
func TestVerifyWithLink(t *testing.T) {
	clk := newClock()
	srv := meshtest.Start(t, meshtest.WithClock(clk.Now))
	listed := mint(t, srv, withVerify(`"message":"nonce-42","verificationMethods":["signedMessage"],"addresses":["0xA1","0xB2"],"networkType":"solana"`))
	open := mint(t, srv, withVerify(`"message":"hello","networkId":"`+meshtest.BitcoinNetworkID+`"`))
	bare := mint(t, srv, withVerify(`"message":"hi"`))

	tests := []struct {
		name, token, address string
		wantType             mesh.NetworkType
		wantMessage          string
		wantErr              string
	}{
		{"a listed address", listed, "0xA1", "solana", "nonce-42", ""},
		{"another listed address", listed, "0xB2", "solana", "nonce-42", ""},
		{"the same address again", listed, "0xA1", "solana", "nonce-42", ""},
		{"any address; the network's type", open, "bc1qxyz", "bitcoin", "hello", ""},
		{"evm by default", bare, "0xC3", "evm", "hi", ""},
		{"an address not listed", listed, "0xC3", "", "", "not one of the token's verifyWalletOptions.addresses"},
		{"a listed address in another case", listed, "0xa1", "", "", "not one of the token's verifyWalletOptions.addresses"},
		{"a blank address", open, " ", "", "", "the address is blank"},
		{"without verifyWalletOptions", mint(t, srv, payment("u1", "1", "", "")), "0xA1", "", "", "without verifyWalletOptions"},
		{"another server's token", mint(t, meshtest.Start(t), withVerify(`"message":"m"`)), "0xA1", "", "", "not minted by this server"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := srv.VerifyWithLink(tc.token, tc.address)
			if tc.wantErr != "" {
				assert.Nil(t, v)
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "u1", v.UserID)
			assert.Equal(t, tc.address, v.Address)
			assert.Equal(t, tc.wantType, v.NetworkType)
			assert.Equal(t, mesh.VerificationMethodSignedMessage, v.VerificationMethod)
			assert.Equal(t, tc.wantMessage, v.Message)
			assert.Regexp(t, `^0x[0-9a-f]{130}$`, v.SignedMessageHash)
			assert.Equal(t, t0.Truncate(time.Second).UTC(), v.VerifiedAt)
		})
	}

	t.Run("served by user and address", func(t *testing.T) {
		for address, want := range map[string]int{"0xA1": 2, "0xB2": 1, "bc1qxyz": 1, "0xC3": 1, "0xa1": 0, "0xD4": 0} {
			content := okContent(t, get(t, srv, meshtest.WalletVerificationsPath+"?UserId=u1&Address="+address))
			list, isList := content["verifications"].([]any)
			require.True(t, isList, "verifications must be a list: %v", content)
			assert.Len(t, list, want, address)
		}
		content := okContent(t, get(t, srv, meshtest.WalletVerificationsPath+"?UserId=u2&Address=0xA1"))
		assert.Equal(t, []any{}, content["verifications"])
	})
}
