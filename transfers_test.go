package mesh

// Transfers and wallet verifications: Mesh's official example answers decoded field by
// field, the query on the wire, every validation rule with nothing sent, paging with
// AllTransfers, TransferByID's refusal of anyone else's transfer, the bounds of a page,
// and FuzzTransferQuery.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Mesh's official example answers (mesh-transfers-api.md), as published.
const (
	officialTransferID = "8e25acb5-a9e2-4d00-8772-a255f010a2a9"

	transferListAnswer = `{"status":"ok","message":"","errorHash":"bf6d53f3027502c21e73e99148e1041759ce0048","errorType":"",
 "content":{"total":10,"items":[{"id":"8e25acb5-a9e2-4d00-8772-a255f010a2a9",
  "clientTransactionId":"123456","institutionTransactionId":"456789","userId":"123456798",
  "status":"succeeded","amountInFiat":1000.3,"amountInFiatCurrencyCode":"USD","amount":10.123,
  "symbol":"WETH","networkName":"Polygon","networkId":"00000000-0000-0000-0000-000000000000",
  "createdTimestamp":1653211113,"executedTimestamp":1707462614,
  "from":{"id":"8e25acb5-a9e2-4d00-8772-a255f010a2a9","type":"robinhood","name":"Robinhood","logoUrl":"https://logo.com/logo.jpg"},
  "hash":"0x77f3…","gasFee":{"fee":0.0001,"feeCurrency":"MATIC","feeInFiat":0.1},
  "transferType":"payment","isFeeIncluded":false,"sourceAmount":10.122,"destinationAmount":10,
  "totalFeesAmountInFiat":0.5,"totalTransactionAmountInFiat":1000.5,
  "fundingMethods":[{"type":"cryptocurrencyConversion","amount":2,"amountInFiat":20,"toSymbol":"WETH","fromAmount":1,"fromSymbol":"BTC","fee":{"fee":0.0001,"feeCurrency":"ETH","feeInFiat":0.1}}]}]}}`

	verificationsAnswer = `{"content":{"verifications":[{"userId":"user-1","address":"address-1",
"networkType":"evm","verificationMethod":"signedMessage","message":"Some test message",
"signedMessageHash":"signature-1","timestamp":1733896980}]},"status":"ok","message":"",
"errorHash":"bd54059170af0b1ad0553813b7854ccfa7bf4d0f","errorType":""}`
)

// The Go values the official examples decode to.
var (
	wantOfficialTransfer = Transfer{
		ID: officialTransferID, ClientTransactionID: "123456", InstitutionTransactionID: "456789", UserID: "123456798",
		Status: TransferStatusSucceeded, AmountInFiat: 1000.3, AmountInFiatCurrencyCode: "USD", Amount: 10.123,
		Symbol: "WETH", NetworkName: "Polygon", NetworkID: "00000000-0000-0000-0000-000000000000",
		CreatedAt: time.Unix(1653211113, 0).UTC(), ExecutedAt: time.Unix(1707462614, 0).UTC(), Hash: "0x77f3…",
		From:   &TransferSource{ID: officialTransferID, Type: BrokerTypeRobinhood, Name: "Robinhood", LogoURL: "https://logo.com/logo.jpg"},
		GasFee: &TransferFee{Fee: 0.0001, FeeCurrency: "MATIC", FeeInFiat: 0.1}, TransferType: TransferTypePayment,
		IsFeeIncluded: false, SourceAmount: Float64(10.122), DestinationAmount: Float64(10),
		TotalFeesAmountInFiat: 0.5, TotalTransactionAmountInFiat: 1000.5,
		FundingMethods: []FundingMethod{{Type: "cryptocurrencyConversion", Amount: 2, AmountInFiat: 20, ToSymbol: "WETH",
			FromAmount: 1, FromSymbol: "BTC", Fee: &TransferFee{Fee: 0.0001, FeeCurrency: "ETH", FeeInFiat: 0.1}}},
	}
	wantOfficialVerification = WalletVerification{
		UserID: "user-1", Address: "address-1", NetworkType: NetworkTypeEVM, VerificationMethod: VerificationMethodSignedMessage,
		Message: "Some test message", SignedMessageHash: "signature-1", VerifiedAt: time.Unix(1733896980, 0).UTC(),
	}
)

// fullTransferItem is the official example's item completed to every documented field,
// with the newer reference page's additions: the item whose size sets
// maxTransferPageBytes.
const fullTransferItem = `{"id":"8e25acb5-a9e2-4d00-8772-a255f010a2a9",
 "clientTransactionId":"order-2024-05-22-000123456789","institutionTransactionId":"4f1c2d3e-5a6b-7c8d-9e0f-112233445566",
 "userId":"user-0123456789abcdef0123456789","status":"succeeded","amountInFiat":1000.3,"amountToReceiveInFiat":999.8,
 "amountInFiatCurrencyCode":"USD","amount":10.123,"amountToReceive":10.118,"symbol":"WETH",
 "tokenAddress":"0x7ceb23fd6bc0add59e62ac25578270cff1b9f619","networkName":"Polygon","networkId":"` + polygonID + `",
 "networkLogoUrl":"` + cdn + `networks/Polygon.svg","createdTimestamp":1653211113,"executedTimestamp":1707462614,
 "from":{"id":"` + robinhoodID + `","type":"robinhood","name":"Robinhood","logoUrl":"` + cdn + `integrations/Robinhood.svg"},
 "hash":"0x77f3a1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddee",
 "infoUrl":"https://polygonscan.com/tx/0x77f3a1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddee",
 "subClientId":"1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
 "gasFee":{"fee":0.000123456789,"feeCurrency":"MATIC","feeInFiat":0.123456,"feeInTransferCurrency":0.0000123456},
 "withdrawalFee":{"fee":0.0002,"feeCurrency":"WETH","feeInFiat":0.5,"feeInTransferCurrency":0.0002},
 "processingFee":{"fee":1.5,"feeCurrency":"USD","feeInFiat":1.5,"feeInTransferCurrency":0.015},
 "transferType":"payment","isFeeIncluded":true,"sourceAmount":10.122,"destinationAmount":10,"destinationAmountInFiat":999.123,
 "totalFeesAmountInFiat":0.5,"totalTransactionAmountInFiat":1000.5,
 "fundingMethods":[
  {"type":"cryptocurrencyConversion","amount":2.123456,"amountInFiat":20.12,"toSymbol":"WETH","fromAmount":1.123456,"fromSymbol":"BTC",
   "paymentMethodType":"cryptocurrency","fee":{"fee":0.0001,"feeCurrency":"ETH","feeInFiat":0.1,"feeInTransferCurrency":0.0001}},
  {"type":"cryptocurrencyConversion","amount":2.123456,"amountInFiat":20.12,"toSymbol":"WETH","fromAmount":1.123456,"fromSymbol":"USDC",
   "paymentMethodType":"cryptocurrency","fee":{"fee":0.0001,"feeCurrency":"ETH","feeInFiat":0.1,"feeInTransferCurrency":0.0001}}],
 "destinationAddress":"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432","refundAddress":"0x1a2b3c4d5e6f708192a3b4c5d6e7f80912345678",
 "bridgingDetails":{"status":"completed","statusDescription":"Bridged","targetSide":{"chain":"base"},"sourceSide":{"chain":"polygon"},
  "timeline":[{"step":"sent","timestamp":1707462600}]},
 "isSmartFundingTransfer":true,"unitPrice":98.8123,"requestedTransferAmount":10.123,"isBridgingTransfer":true,
 "webhookLogs":[{"responseCode":200,"webhookUri":"https://shop.example/mesh/webhook","sentTimestamp":1707462615,"responseMessage":"OK"}]}`

var wantFullTransfer = Transfer{
	ID: officialTransferID, ClientTransactionID: "order-2024-05-22-000123456789", InstitutionTransactionID: "4f1c2d3e-5a6b-7c8d-9e0f-112233445566",
	UserID: "user-0123456789abcdef0123456789", Status: TransferStatusSucceeded, AmountInFiat: 1000.3, AmountToReceiveInFiat: 999.8,
	AmountInFiatCurrencyCode: "USD", Amount: 10.123, AmountToReceive: 10.118, Symbol: "WETH", TokenAddress: "0x7ceb23fd6bc0add59e62ac25578270cff1b9f619",
	NetworkID: polygonID, NetworkName: "Polygon", NetworkLogoURL: cdn + "networks/Polygon.svg",
	Hash:               "0x77f3a1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddee",
	InfoURL:            "https://polygonscan.com/tx/0x77f3a1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddee",
	DestinationAddress: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", RefundAddress: "0x1a2b3c4d5e6f708192a3b4c5d6e7f80912345678",
	CreatedAt: time.Unix(1653211113, 0).UTC(), ExecutedAt: time.Unix(1707462614, 0).UTC(), SubClientID: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
	From:         &TransferSource{ID: robinhoodID, Type: BrokerTypeRobinhood, Name: "Robinhood", LogoURL: cdn + "integrations/Robinhood.svg"},
	TransferType: TransferTypePayment, IsFeeIncluded: true, SourceAmount: Float64(10.122), DestinationAmount: Float64(10),
	DestinationAmountInFiat: Float64(999.123), TotalFeesAmountInFiat: 0.5, TotalTransactionAmountInFiat: 1000.5,
	GasFee:        &TransferFee{Fee: 0.000123456789, FeeCurrency: "MATIC", FeeInFiat: 0.123456, FeeInTransferCurrency: Float64(0.0000123456)},
	WithdrawalFee: &TransferFee{Fee: 0.0002, FeeCurrency: "WETH", FeeInFiat: 0.5, FeeInTransferCurrency: Float64(0.0002)},
	ProcessingFee: &TransferFee{Fee: 1.5, FeeCurrency: "USD", FeeInFiat: 1.5, FeeInTransferCurrency: Float64(0.015)},
	FundingMethods: []FundingMethod{
		{Type: "cryptocurrencyConversion", Amount: 2.123456, AmountInFiat: 20.12, ToSymbol: "WETH", FromAmount: 1.123456, FromSymbol: "BTC",
			PaymentMethodType: "cryptocurrency", Fee: &TransferFee{Fee: 0.0001, FeeCurrency: "ETH", FeeInFiat: 0.1, FeeInTransferCurrency: Float64(0.0001)}},
		{Type: "cryptocurrencyConversion", Amount: 2.123456, AmountInFiat: 20.12, ToSymbol: "WETH", FromAmount: 1.123456, FromSymbol: "USDC",
			PaymentMethodType: "cryptocurrency", Fee: &TransferFee{Fee: 0.0001, FeeCurrency: "ETH", FeeInFiat: 0.1, FeeInTransferCurrency: Float64(0.0001)}},
	},
	BridgingDetails: &BridgingDetails{Status: "completed", StatusDescription: "Bridged", TargetSide: []byte(`{"chain":"base"}`),
		SourceSide: []byte(`{"chain":"polygon"}`), Timeline: []byte(`[{"step":"sent","timestamp":1707462600}]`)},
	IsSmartFundingTransfer: true, IsBridgingTransfer: true, UnitPrice: Float64(98.8123), RequestedTransferAmount: Float64(10.123),
	WebhookLogs: []TransferWebhookLog{{ResponseCode: 200, WebhookURI: "https://shop.example/mesh/webhook", SentAt: time.Unix(1707462615, 0).UTC(), ResponseMessage: "OK"}},
}

// pageAnswer is an ok answer of the transfer list holding items (JSON objects) and total.
func pageAnswer(total int, items ...string) string {
	return `{"status":"ok","message":"","errorType":"","content":{"total":` + strconv.Itoa(total) +
		`,"items":[` + strings.Join(items, ",") + `]}}`
}

// idItem is a transfer item with only its id.
func idItem(id string) string { return `{"id":"` + id + `"}` }

// numberedID is the i-th of a list of distinct transfer ids.
func numberedID(i int) string { return fmt.Sprintf("%08d-0000-4000-8000-000000000000", i) }

// recordingClient is a test client on a server that records each request, answered by h.
func recordingClient(t *testing.T, h http.HandlerFunc) (*Client, *server, *requestRecorder) {
	t.Helper()
	rec := &requestRecorder{}
	srv := newServer(t, rec.handler(t, h))
	c, _ := newTestClient(t, srv.URL)
	return c, srv, rec
}

// offsets returns the Offset parameter of each request ("" when not sent).
func (rec *requestRecorder) offsets() []string {
	var offsets []string
	for _, q := range rec.queries() {
		offsets = append(offsets, q.Get("Offset"))
	}
	return offsets
}

// TestTransferDecode: Mesh's official example and a transfer of every field decode field
// by field; nulls, statuses in any case, and what Mesh adds later decode as data, never
// as an error. A page is refused beyond MaxTransferCount items or its byte bound, or of
// the wrong shape, and not retried; a page of MaxTransferCount complete items fits.
func TestTransferDecode(t *testing.T) {
	require.Empty(t, zeroFields(reflect.ValueOf(wantFullTransfer), "Transfer"), "a Go field the fixture does not fill")
	pageOf := func(n int, item string) string { return pageAnswer(n, slices.Repeat([]string{item}, n)...) }
	require.Less(t, len(pageOf(1000, fullTransferItem)), maxTransferPageBytes/3,
		"the bound keeps three times the room of a page of complete items")
	tests := []struct {
		name    string
		items   []string
		want    []Transfer
		body    string // the whole answer, instead of a page of items with total 7
		total   int    // 7 when 0
		wantErr string // in the error's text; "" for a page
	}{
		{name: "Mesh's official example", body: transferListAnswer, total: 10, want: []Transfer{wantOfficialTransfer}},
		{name: "a transfer completed to every field", items: []string{fullTransferItem}, want: []Transfer{wantFullTransfer}},
		{name: "nulls: a field, every field, an item", items: []string{`{"id":"` + officialTransferID + `","status":"pending",
			"createdTimestamp":1653211113,"executedTimestamp":null,"from":null,"hash":null,"gasFee":null,"fundingMethods":null,
			"sourceAmount":null,"transferType":null,"bridgingDetails":null}`, `{"id":null,"clientTransactionId":null,"userId":null,"status":null,
			"amountInFiat":null,"amount":null,"symbol":null,"networkId":null,"createdTimestamp":null,"executedTimestamp":null,"from":null,"isFeeIncluded":null,
			"destinationAmountInFiat":null,"withdrawalFee":null,"processingFee":null,"destinationAddress":null,"refundAddress":null}`, `null`},
			want: []Transfer{{ID: officialTransferID, Status: TransferStatusPending, CreatedAt: time.Unix(1653211113, 0).UTC()}, {}, {}}},
		{name: "what Mesh adds later: unknown values kept, unknown fields ignored", items: []string{
			`{"id":"` + officialTransferID + `","transferType":"teleport","from":{"type":"newBroker2027"}}`, `{"id":"` + officialTransferID + `","status":"failed",
			"refund":{"x":[1,{"y":null}]},"gasFee":{"fee":1,"newFeeField":"x"},"webhookLogs":[{"responseCode":500,"retry":true}]}`},
			want: []Transfer{{ID: officialTransferID, TransferType: "teleport", From: &TransferSource{Type: "newBroker2027"}},
				{ID: officialTransferID, Status: TransferStatusFailed, GasFee: &TransferFee{Fee: 1}, WebhookLogs: []TransferWebhookLog{{ResponseCode: 500}}}}},
		{name: "known statuses in any case, others kept as they are", items: []string{`{"status":"Succeeded"}`, `{"status":"SUCCEEDED"}`,
			`{"status":"sUcCeEdEd"}`, `{"status":"Pending"}`, `{"status":"FAILED"}`, `{"id":"x","status":"refunded"}`, `{"status":"ſucceeded"}`, `{"status":" succeeded"}`},
			want: []Transfer{{Status: TransferStatusSucceeded}, {Status: TransferStatusSucceeded}, {Status: TransferStatusSucceeded},
				{Status: TransferStatusPending}, {Status: TransferStatusFailed}, {ID: "x", Status: "refunded"}, {Status: "ſucceeded"}, {Status: " succeeded"}}},
		{name: "page additions of the newer reference ignored", want: []Transfer{}, body: `{"status":"ok","teamCode":"XY",
			"content":{"items":[],"total":7,"hasMorePages":false,"range":{"from":0,"to":0}}}`},
		{name: "items null", want: nil, body: `{"status":"ok","content":{"items":null,"total":7}}`},
		{name: "1000 complete items", body: pageOf(1000, fullTransferItem), total: 1000,
			want: slices.Repeat([]Transfer{wantFullTransfer}, 1000)},
		{name: "at the bound", body: paddedAnswer(transferListAnswer, maxTransferPageBytes), total: 10,
			want: []Transfer{wantOfficialTransfer}},
		{name: "1001 items", body: pageOf(1001, idItem(officialTransferID)), wantErr: "more than 1000 items"},
		{name: "100,000 empty items: every answer's bound, before decoding", body: pageAnswer(1, slices.Repeat([]string{"{}"}, 100_000)...), wantErr: "content has a list of more than 10000 items"},
		{name: "one byte over the bound", body: paddedAnswer(transferListAnswer, maxTransferPageBytes+1), wantErr: "larger than " + strconv.Itoa(maxTransferPageBytes) + " bytes"},
		{name: "items not a list", body: `{"status":"ok","content":{"items":{"id":"x"},"total":1}}`, wantErr: "not an array"},
		{name: "an item of the wrong shape", body: `{"status":"ok","content":{"items":[{"amount":"ten"}],"total":1}}`, wantErr: "does not decode"},
		{name: "a status a number", body: pageAnswer(1, `{"id":"x","status":5}`), wantErr: "does not decode"},
		{name: "a webhook log a number", body: pageAnswer(1, `{"id":"x","webhookLogs":[5]}`), wantErr: "does not decode"},
		{name: "a timestamp a string", body: pageAnswer(1, `{"createdTimestamp":"x"}`), wantErr: "does not decode"},
		{name: "total missing", body: `{"status":"ok","content":{"items":[]}}`, wantErr: "without content.total"},
		{name: "total null", body: `{"status":"ok","content":{"items":[],"total":null}}`, wantErr: "without content.total"},
		{name: "items missing", body: `{"status":"ok","content":{"total":0,"list":[]}}`, wantErr: "without content.items"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, srv, _ := recordingClient(t, answer(http.StatusOK, cmp.Or(tc.body, pageAnswer(7, tc.items...))))
			page, err := c.Transfers(context.Background(), nil)
			assert.EqualValues(t, 1, srv.hits.Load(), "requests")
			if tc.wantErr != "" {
				assert.Nil(t, page)
				assertOnlySentinel(t, err, ErrUnexpectedResponse)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, &TransferPage{Items: tc.want, Total: cmp.Or(tc.total, 7)}, page)
		})
	}
}

// TestTransferQuery: each rule Mesh documents refuses, naming its query parameter, and
// sends nothing; what Mesh accepts is sent, and the server receives exactly the query.
func TestTransferQuery(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	from := time.Date(2024, 5, 22, 10, 18, 33, 999_999_999, time.FixedZone("CEST", 2*3600))
	to := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	type tq = TransferQuery
	rep := strings.Repeat
	overInt32 := math.MaxInt32
	overInt32++
	tests := []struct {
		name   string
		q      *TransferQuery
		fields []string   // nil: accepted and sent
		sent   url.Values // the query the server receives, when given
		reason string     // in the first problem's reason
		code   string     // the first problem's Code
		limit  int        // and its Limit
	}{
		{name: "Id not a UUID", code: CodeNotUUID, q: &tq{ID: "8e25acb5"}, fields: []string{"Id"}, reason: "UUID"},
		{name: "IntegrationIds entries", code: CodeNotUUID, q: &tq{IntegrationIDs: []string{coinbaseID, "coinbase", "", coinbaseID, "x"}},
			fields: []string{"IntegrationIds[1]", "IntegrationIds[2]", "IntegrationIds[4]"}},
		{name: "101 IntegrationIds", code: CodeTooMany, limit: 100, q: &tq{IntegrationIDs: idRange(0, 101)}, fields: []string{"IntegrationIds"}, reason: "at most 100"},
		{name: "SubClientId", code: CodeNotUUID, q: &tq{SubClientID: "sub-1"}, fields: []string{"SubClientId"}},
		{name: "6 Statuses", code: CodeTooMany, limit: 5, q: &tq{Statuses: []TransferStatus{"pending", "succeeded", "failed", "a", "b", "c"}}, fields: []string{"Statuses"}, reason: "at most 5"},
		{name: "blank Statuses", code: CodeBlank, q: &tq{Statuses: []TransferStatus{"pending", "", " \t"}}, fields: []string{"Statuses[1]", "Statuses[2]"}},
		{name: "ClientTransactionId 129", code: CodeTooLong, limit: 128, q: &tq{ClientTransactionID: rep("a", 129)}, fields: []string{"ClientTransactionId"}, reason: "128 UTF-16"},
		{name: "ClientTransactionId 65 emoji: 130 UTF-16 units", code: CodeTooLong, limit: 128, q: &tq{ClientTransactionID: rep("😀", 65)}, fields: []string{"ClientTransactionId"}},
		{name: "UserId 51", code: CodeTooLong, limit: 50, q: &tq{UserID: rep("u", 51)}, fields: []string{"UserId"}, reason: "50 UTF-16"},
		{name: "UserId 26 emoji: 52 UTF-16 units", code: CodeTooLong, limit: 50, q: &tq{UserID: rep("😀", 26)}, fields: []string{"UserId"}},
		{name: "negative Count", code: CodeOutOfRange, q: &tq{Count: -1}, fields: []string{"Count"}},
		{name: "Count 1001", code: CodeOutOfRange, limit: 1000, q: &tq{Count: 1001}, fields: []string{"Count"}, reason: "newer API reference page"},
		{name: "negative Offset", code: CodeOutOfRange, q: &tq{Offset: -10}, fields: []string{"Offset"}},
		{name: "Offset past int32", code: CodeOutOfRange, q: &tq{Offset: overInt32}, fields: []string{"Offset"}, reason: "int32"},
		{name: "CreatedFrom after CreatedTo", code: CodeInvalid, q: &tq{CreatedFrom: at.Add(time.Second), CreatedTo: at}, fields: []string{"FromTimestamp"}, reason: "after CreatedTo"},
		{name: "minimum above maximum", code: CodeInvalid, q: &tq{MinAmountInFiat: Float64(10), MaxAmountInFiat: Float64(9.99)}, fields: []string{"MinAmountInFiat"}, reason: "MaxAmountInFiat"},
		{name: "NaN minimum", code: CodeOutOfRange, q: &tq{MinAmountInFiat: Float64(math.NaN()), MaxAmountInFiat: Float64(1)}, fields: []string{"MinAmountInFiat"}, reason: "finite"},
		{name: "infinite maximum", code: CodeOutOfRange, q: &tq{MinAmountInFiat: Float64(1), MaxAmountInFiat: Float64(math.Inf(1))}, fields: []string{"MaxAmountInFiat"}},
		{name: "negative infinite minimum", code: CodeOutOfRange, q: &tq{MinAmountInFiat: Float64(math.Inf(-1))}, fields: []string{"MinAmountInFiat"}},
		{name: "blank OrderBy", code: CodeBlank, q: &tq{OrderBy: "  "}, fields: []string{"OrderBy"}},
		// How the text of so many problems is bounded: TestInvalidRequestErrorTextIsBounded.
		{name: "every problem at once, in the order of the fields", code: CodeNotUUID, q: &tq{ID: "x",
			ClientTransactionID: rep("a", 129), UserID: rep("u", 51), IntegrationIDs: []string{"y"},
			Statuses: []TransferStatus{"pending", "", "a", "b", "c", "d"}, CreatedFrom: time.Unix(2, 0),
			CreatedTo: time.Unix(1, 0), MinAmountInFiat: Float64(math.NaN()), MaxAmountInFiat: Float64(math.Inf(1)),
			SubClientID: "z", OrderBy: " ", Count: 1001, Offset: -1},
			fields: []string{"Id", "ClientTransactionId", "UserId", "IntegrationIds[0]", "Statuses", "Statuses[1]",
				"FromTimestamp", "MinAmountInFiat", "MaxAmountInFiat", "SubClientId", "OrderBy", "Count", "Offset"}},

		{name: "Offset at int32's maximum", q: &tq{Offset: math.MaxInt32}},
		{name: "unknown statuses", q: &tq{Statuses: []TransferStatus{"refunded", "Succeeded", "x", "y", "z"}}},
		{name: "100 IntegrationIds", q: &tq{IntegrationIDs: idRange(0, 100)}},
		{name: "upper-case UUIDs", q: &tq{ID: strings.ToUpper(officialTransferID), SubClientID: strings.ToUpper(polygonID)}},
		{name: "OrderBy any non-blank value", q: &tq{OrderBy: "someFutureColumn"}},
		{name: "ClientTransactionId 128, UserId 50", q: &tq{ClientTransactionID: rep("a", 128), UserID: rep("u", 50)}},
		{name: "64 emoji: 128 UTF-16 units", q: &tq{ClientTransactionID: rep("😀", 64), UserID: rep("😀", 25)}},
		{name: "minimum equal to maximum, both 0", q: &tq{MinAmountInFiat: Float64(0), MaxAmountInFiat: Float64(0)}},
		{name: "negative amounts", q: &tq{MinAmountInFiat: Float64(-5), MaxAmountInFiat: Float64(-1)}},
		{name: "CreatedFrom equal to CreatedTo", q: &tq{CreatedFrom: at, CreatedTo: at}},
		{name: "CreatedFrom after CreatedTo within the second sent", q: &tq{CreatedFrom: at.Add(999 * time.Millisecond), CreatedTo: at}},
		{name: "only CreatedFrom", q: &tq{CreatedFrom: at}},
		{name: "any Hash", q: &tq{Hash: " not a hash "}},
		{name: "nil", q: nil, sent: url.Values{}},
		{name: "zero", q: &tq{}, sent: url.Values{}},
		{name: "false, zero and empty not sent", q: &tq{IntegrationIDs: []string{}, Statuses: []TransferStatus{}}, sent: url.Values{}},
		{name: "every field", q: &tq{ID: "8E25ACB5-A9E2-4D00-8772-A255F010A2A9", ClientTransactionID: "order 42/ä&=?#+", UserID: "user-42",
			IntegrationIDs: []string{coinbaseID, robinhoodID, coinbaseID}, Statuses: []TransferStatus{TransferStatusPending, TransferStatusFailed, "refunded"},
			CreatedFrom: from, CreatedTo: to, MinAmountInFiat: Float64(0), MaxAmountInFiat: Float64(1e21),
			Hash: "0x77f3", SubClientID: polygonID, OrderBy: "createdTimestamp", Descending: true, Count: 1000, Offset: 20},
			sent: url.Values{"Id": {"8E25ACB5-A9E2-4D00-8772-A255F010A2A9"}, "ClientTransactionId": {"order 42/ä&=?#+"}, "UserId": {"user-42"},
				"IntegrationIds": {coinbaseID, robinhoodID, coinbaseID}, "Statuses": {"pending", "failed", "refunded"},
				"FromTimestamp": {"1716365913"}, "ToTimestamp": {"1717200000"}, "MinAmountInFiat": {"0"}, "MaxAmountInFiat": {"1000000000000000000000"},
				"Hash": {"0x77f3"}, "SubClientId": {polygonID}, "OrderBy": {"createdTimestamp"}, "DescendingOrder": {"true"}, "Count": {"1000"}, "Offset": {"20"}}},
		{name: "small amounts without exponent", q: &tq{MinAmountInFiat: Float64(0.000001), MaxAmountInFiat: Float64(12345.678)},
			sent: url.Values{"MinAmountInFiat": {"0.000001"}, "MaxAmountInFiat": {"12345.678"}}},
		{name: "explicit 0 maximum", q: &tq{MaxAmountInFiat: Float64(0)}, sent: url.Values{"MaxAmountInFiat": {"0"}}},
		{name: "a time before 1970", q: &tq{CreatedFrom: time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)}, sent: url.Values{"FromTimestamp": {"-1"}}},
		{name: "the Unix epoch is a time, sent", q: &tq{CreatedTo: time.Unix(0, 0)}, sent: url.Values{"ToTimestamp": {"0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, srv, rec := recordingClient(t, answer(http.StatusOK, pageAnswer(0)))
			page, err := c.Transfers(context.Background(), tc.q)
			assert.Equal(t, err, tc.q.Validate(), "Validate says what Transfers says")
			if tc.fields == nil {
				require.NoError(t, err)
				assert.EqualValues(t, 1, srv.hits.Load())
				if tc.sent != nil {
					assert.Equal(t, []url.Values{tc.sent}, rec.queries())
				}
				return
			}
			assert.Nil(t, page)
			assert.Equal(t, tc.fields, refusal(t, err))
			var invalid *InvalidRequestError
			require.ErrorAs(t, err, &invalid)
			assert.Contains(t, invalid.Problems[0].Reason, tc.reason)
			assert.Equal(t, tc.code, invalid.Problems[0].Code)
			assert.Equal(t, tc.limit, invalid.Problems[0].Limit)
			assert.Zero(t, srv.hits.Load(), "sent a refused query")
		})
	}
}

// listHandler serves a list of n transfers (numberedID(0) ... numberedID(n-1)) a page at
// a time as Mesh does (Offset, Count, 10 by default), claiming total; each answer says
// its Offset in X-Offset.
func listHandler(n, total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("Offset"))
		count := 10
		if s := q.Get("Count"); s != "" {
			count, _ = strconv.Atoi(s)
		}
		var items []string
		for i := offset; i < min(offset+count, n); i++ {
			items = append(items, idItem(numberedID(i)))
		}
		answer(http.StatusOK, pageAnswer(total, items...), "X-Offset", strconv.Itoa(offset))(w, r)
	}
}

// collect ranges over seq, stopping after stopAfter items when it is positive: the ids
// yielded, and the errors.
func collect(seq func(func(*Transfer, error) bool), stopAfter int) (ids []string, errs []error) {
	for tr, err := range seq {
		if err != nil {
			errs = append(errs, err)
			if tr != nil {
				ids = append(ids, "with the error: "+tr.ID)
			}
			continue
		}
		ids = append(ids, tr.ID)
		if len(ids) == stopAfter {
			break
		}
	}
	return ids, errs
}

func idRange(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, numberedID(i))
	}
	return ids
}

func TestAllTransfers(t *testing.T) {
	three := func() *TransferQuery { return &TransferQuery{Count: 3} }
	refused := answer(http.StatusBadRequest, errorBody(StatusBadRequest, "invalidField", "no"))
	down := answer(http.StatusServiceUnavailable, errorBody(StatusServerFailure, "", "down"))
	tests := []struct {
		name        string
		handler     http.HandlerFunc
		q           *TransferQuery
		opts        []CallOption
		stopAfter   int
		wantIDs     []string
		wantOffsets []string // of each request
		wantErr     error
	}{
		{name: "pages until Total", handler: listHandler(7, 7), q: three(), wantIDs: idRange(0, 7), wantOffsets: []string{"", "3", "6"}},
		{name: "from the caller's Offset", handler: listHandler(7, 7), q: &TransferQuery{Count: 3, Offset: 2}, wantIDs: idRange(2, 7), wantOffsets: []string{"2", "5"}},
		{name: "nil q: Mesh's page size", handler: listHandler(12, 12), q: nil, wantIDs: idRange(0, 12), wantOffsets: []string{"", "10"}},
		{name: "Total reached on a full page: no more requests", handler: listHandler(30, 6), q: three(), wantIDs: idRange(0, 6), wantOffsets: []string{"", "3"}},
		{name: "Offset advances by the items received", handler: listHandler(5, 100), q: three(), wantIDs: idRange(0, 5), wantOffsets: []string{"", "3", "5"}},
		{name: "stops on an empty page", handler: listHandler(0, 100), q: three(), wantIDs: nil, wantOffsets: []string{""}},
		{name: "empty list", handler: listHandler(0, 0), wantOffsets: []string{""}},
		{name: "the first error yielded once, then nothing", handler: sequence(listHandler(9, 9), refused), q: three(), wantIDs: idRange(0, 3), wantOffsets: []string{"", "3"}, wantErr: ErrBadRequest},
		{name: "the call's retry policy on each page: the failed page not retried",
			handler: sequence(listHandler(9, 9), down), q: three(), opts: []CallOption{WithCallRetry(RetryPolicy{})},
			wantIDs: idRange(0, 3), wantOffsets: []string{"", "3"}, wantErr: ErrServerFailure},
		{name: "an error on the first page", handler: answer(http.StatusForbidden, errorBody(StatusPermissionDenied, "", "no")), wantOffsets: []string{""}, wantErr: ErrPermissionDenied},
		{name: "an invalid query: one error, nothing sent", handler: listHandler(9, 9), q: &TransferQuery{Count: -1}, wantErr: ErrValidation},
		{name: "a bad option: one error, nothing sent", handler: listHandler(9, 9), opts: []CallOption{WithResponse(nil)}, wantErr: ErrValidation},
		{name: "break in the first page", handler: listHandler(9, 9), q: three(), stopAfter: 2, wantIDs: idRange(0, 2), wantOffsets: []string{""}},
		{name: "break on a page's last item: no request for the next", handler: listHandler(9, 9), q: three(), stopAfter: 3, wantIDs: idRange(0, 3), wantOffsets: []string{""}},
		{name: "break in the second page", handler: listHandler(9, 9), q: three(), stopAfter: 4, wantIDs: idRange(0, 4), wantOffsets: []string{"", "3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A sequence that does not stop fails on its 11th request instead of running on.
			var requests atomic.Int32
			c, _, rec := recordingClient(t, func(w http.ResponseWriter, r *http.Request) {
				if requests.Add(1) > 10 {
					answer(http.StatusBadRequest, errorBody(StatusBadRequest, "", "runaway sequence"))(w, r)
					return
				}
				tc.handler(w, r)
			})
			before := clonePtr(tc.q)
			ids, errs := collect(c.AllTransfers(context.Background(), tc.q, tc.opts...), tc.stopAfter)
			assert.Equal(t, tc.wantIDs, ids)
			assert.Equal(t, tc.wantOffsets, rec.offsets())
			if tc.wantErr == nil {
				assert.Empty(t, errs)
			} else {
				require.Len(t, errs, 1)
				assertOnlySentinel(t, errs[0], tc.wantErr)
			}
			assert.Equal(t, before, tc.q, "the caller's query changed")
		})
	}

	t.Run("the caller's query, read once and never changed; options apply to each page", func(t *testing.T) {
		c, _, rec := recordingClient(t, listHandler(7, 7))
		q := &TransferQuery{Count: 3, Statuses: []TransferStatus{"pending"}, MinAmountInFiat: Float64(1)}
		var resp Response
		seq := c.AllTransfers(context.Background(), q, WithResponse(&resp))
		q.Offset, q.Statuses[0], *q.MinAmountInFiat = 5, "failed", 2 // after the call: not seen
		ids, errs := collect(seq, 0)
		assert.Empty(t, errs)
		assert.Equal(t, idRange(0, 7), ids)
		for _, sent := range rec.queries() {
			assert.Equal(t, []string{"pending"}, sent["Statuses"])
			assert.Equal(t, "1", sent.Get("MinAmountInFiat"))
		}
		assert.Equal(t, &TransferQuery{Count: 3, Offset: 5, Statuses: []TransferStatus{"failed"}, MinAmountInFiat: Float64(2)}, q)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, 1, resp.Attempts)
		assert.Equal(t, "6", resp.Header.Get("X-Offset"), "WithResponse reports the last page's call")

		// A second range starts again from the query's Offset.
		again, _ := collect(seq, 0)
		assert.Equal(t, idRange(0, 7), again)
		assert.Equal(t, []string{"", "3", "6", "", "3", "6"}, rec.offsets())
	})
}

func TestTransferByID(t *testing.T) {
	other1, other2, found := numberedID(1), numberedID(2), &Transfer{ID: officialTransferID}
	page := func(items ...string) http.HandlerFunc { return answer(http.StatusOK, pageAnswer(len(items), items...)) }
	down := answer(http.StatusServiceUnavailable, errorBody(StatusServerFailure, "", "down"))
	tests := []struct {
		name    string
		id      string
		handler http.HandlerFunc
		want    *Transfer // the transfer returned; nil for an error
		wantErr error
		text    string // the whole text of an error of the SDK's own, no APIError
		code    string // of the one problem, for ErrValidation
		hits    int32
	}{
		{name: "found", id: officialTransferID, handler: answer(http.StatusOK, transferListAnswer), want: &wantOfficialTransfer, hits: 1},
		{name: "found, the id in another case", id: strings.ToUpper(officialTransferID), handler: page(idItem(officialTransferID)), want: found, hits: 1},
		{name: "found among transfers the server should have filtered out", id: officialTransferID, handler: page(idItem(other1), idItem(officialTransferID), idItem(other2)), want: found, hits: 1},
		{name: "a server that ignores the filter: not found, naming the id", id: officialTransferID, handler: page(idItem(other1), idItem(other2)),
			wantErr: ErrNotFound, hits: 1, text: "mesh: not found: Mesh has no transfer with id " + officialTransferID},
		{name: "an item without an id", id: officialTransferID, handler: page(`{"status":"succeeded"}`), wantErr: ErrNotFound, hits: 1},
		{name: "empty list", id: officialTransferID, handler: page(), wantErr: ErrNotFound, hits: 1},
		{name: "notFound from Mesh", id: officialTransferID, handler: answer(http.StatusNotFound, errorBody(StatusNotFound, "", "no such transfer")), wantErr: ErrNotFound, hits: 1},
		{name: "503 retried as every call", id: officialTransferID, handler: down, wantErr: ErrServerFailure, hits: 3},
		{name: "503 then found", id: officialTransferID, handler: sequence(down, answer(http.StatusOK, transferListAnswer)), want: &wantOfficialTransfer, hits: 2},
		{name: "ok without items", id: officialTransferID, handler: answer(http.StatusOK, `{"status":"ok","content":{"total":0}}`), wantErr: ErrUnexpectedResponse, hits: 1},
		{name: "empty id", id: "", handler: answer(http.StatusOK, transferListAnswer), wantErr: ErrValidation, code: CodeRequired,
			text: "mesh: invalid request: Id: is required: must be a UUID (8-4-4-4-12 hexadecimal digits): Mesh's transfer id, Transfer.ID"},
		{name: "id not a UUID", id: "123456", handler: answer(http.StatusOK, transferListAnswer), wantErr: ErrValidation, code: CodeNotUUID},
		{name: "id with a query in it", id: officialTransferID + "&UserId=x", handler: answer(http.StatusOK, transferListAnswer), wantErr: ErrValidation, code: CodeNotUUID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, srv, rec := recordingClient(t, tc.handler)
			got, err := c.TransferByID(context.Background(), tc.id)
			assert.Equal(t, tc.hits, srv.hits.Load(), "requests")
			for _, q := range rec.queries() {
				assert.Equal(t, url.Values{"Id": {tc.id}}, q)
			}
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			assert.Nil(t, got)
			assertOnlySentinel(t, err, tc.wantErr)
			assertNoSecret(t, err.Error(), "the error")
			if errors.Is(tc.wantErr, ErrValidation) {
				assert.Equal(t, []string{"Id"}, refusal(t, err))
				var invalid *InvalidRequestError
				require.ErrorAs(t, err, &invalid)
				assert.Equal(t, tc.code, invalid.Problems[0].Code)
			}
			if tc.text != "" {
				assert.Equal(t, tc.text, err.Error())
				var apiErr *APIError
				assert.False(t, errors.As(err, &apiErr), "an error of the SDK's own is no APIError")
			}
		})
	}
}

// WalletVerifications sends the user id and the address as its query, and refuses a
// blank one, naming its parameter, with nothing sent. How its answer is read:
// TestCatalogAnswers and TestCatalogDecode.
func TestWalletVerifications(t *testing.T) {
	tests := []struct {
		name   string
		args   []string // the user id and the address
		fields []string // the problems of a refusal; nil: Mesh's official example is read
	}{
		{name: "Mesh's official example", args: []string{"user-1", "address-1"}},
		{name: "refused: no user id", args: []string{"", "address-1"}, fields: []string{"UserId"}},
		{name: "refused: blank address", args: []string{"user-1", " \t"}, fields: []string{"Address"}},
		{name: "refused: both blank", args: []string{" ", ""}, fields: []string{"UserId", "Address"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, srv, rec := recordingClient(t, answer(http.StatusOK, verificationsAnswer))
			got, err := c.WalletVerifications(context.Background(), tc.args[0], tc.args[1])
			if tc.fields != nil {
				assert.Nil(t, got)
				assertOnlySentinel(t, err, ErrValidation)
				assert.Equal(t, tc.fields, refusal(t, err))
				assert.Zero(t, srv.hits.Load(), "sent a refused call")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, []WalletVerification{wantOfficialVerification}, got)
			assert.Equal(t, []url.Values{{"UserId": {"user-1"}, "Address": {"address-1"}}}, rec.queries())
		})
	}
}

// FuzzTransferQuery: any query validates and encodes without panicking; a refused one
// names only query parameters; a valid one encodes to parameters that parse back
// (url.ParseQuery) to the same values, each one the field it came from.
func FuzzTransferQuery(f *testing.F) {
	f.Add(officialTransferID, "order-1", "user-1", coinbaseID+","+robinhoodID, "pending,failed", int64(1653211113), int64(0),
		int64(1707462614), 0.0, 1000.5, uint8(3), "0x77f3", polygonID, "createdTimestamp", true, 1000, 20, uint8(0))
	f.Add("", "", "", "", "", int64(0), int64(0), int64(0), 0.0, 0.0, uint8(0), "", "", "", false, 0, 0, uint8(0))
	f.Add("x", strings.Repeat("😀", 65), "ä&=?#+%;", ",", " ,", int64(-1), int64(999999999), int64(-2), math.NaN(), math.Inf(1),
		uint8(3), "\xff", "sub", " ", false, -1, -1, uint8(101))
	f.Add(strings.ToUpper(officialTransferID), "a", "b", "", "Succeeded", int64(5), int64(1), int64(5), 1e-7, 1e21, uint8(1),
		"h", "", "x", true, 1001, math.MaxInt32, uint8(100))

	f.Fuzz(func(t *testing.T, id, ctid, userID, integrationIDs, statuses string, fromSec, fromNsec, toSec int64,
		minAmount, maxAmount float64, amounts uint8, hash, subClientID, orderBy string, desc bool, count, offset int, extraIDs uint8) {
		q := &TransferQuery{ID: id, ClientTransactionID: ctid, UserID: userID, Hash: hash, SubClientID: subClientID,
			OrderBy: orderBy, Descending: desc, Count: count, Offset: offset}
		if integrationIDs != "" {
			q.IntegrationIDs = strings.Split(integrationIDs, ",")
		}
		for range extraIDs {
			q.IntegrationIDs = append(q.IntegrationIDs, coinbaseID)
		}
		if statuses != "" {
			for _, s := range strings.Split(statuses, ",") {
				q.Statuses = append(q.Statuses, TransferStatus(s))
			}
		}
		if fromSec != 0 || fromNsec != 0 {
			q.CreatedFrom = time.Unix(fromSec, fromNsec)
		}
		if toSec != 0 {
			q.CreatedTo = time.Unix(toSec, 0)
		}
		if amounts&1 != 0 {
			q.MinAmountInFiat = Float64(minAmount)
		}
		if amounts&2 != 0 {
			q.MaxAmountInFiat = Float64(maxAmount)
		}

		err := q.Validate()
		values := q.values()
		if err != nil {
			for _, field := range refusal(t, err) {
				name, _, _ := strings.Cut(field, "[")
				assert.Contains(t, []string{"Id", "ClientTransactionId", "UserId", "IntegrationIds", "Statuses", "FromTimestamp",
					"MinAmountInFiat", "MaxAmountInFiat", "SubClientId", "OrderBy", "Count", "Offset"}, name)
			}
			return
		}
		// What is valid is within every documented bound.
		assert.LessOrEqual(t, len(q.IntegrationIDs), 100)
		assert.LessOrEqual(t, len(q.Statuses), 5)
		assert.True(t, count >= 0 && count <= MaxTransferCount && offset >= 0 && offset <= math.MaxInt32)

		parsed, perr := url.ParseQuery(values.Encode())
		require.NoError(t, perr)
		assert.Equal(t, values, parsed, "the query does not parse back to what was encoded")

		// Each parameter is its field, and a zero field is absent.
		want := url.Values{}
		for _, id := range q.IntegrationIDs {
			want.Add("IntegrationIds", id)
		}
		for _, s := range q.Statuses {
			want.Add("Statuses", string(s))
		}
		unix := func(ts time.Time) string {
			return map[bool]string{true: strconv.FormatInt(ts.Unix(), 10)}[!ts.IsZero()]
		}
		for name, v := range map[string]string{
			"Id": id, "ClientTransactionId": ctid, "UserId": userID, "Hash": hash, "SubClientId": subClientID,
			"OrderBy": orderBy, "DescendingOrder": map[bool]string{true: "true"}[desc],
			"Count": map[bool]string{true: strconv.Itoa(count)}[count != 0], "FromTimestamp": unix(q.CreatedFrom),
			"Offset": map[bool]string{true: strconv.Itoa(offset)}[offset != 0], "ToTimestamp": unix(q.CreatedTo),
		} {
			if v != "" {
				want.Set(name, v)
			}
		}
		for name, amount := range map[string]*float64{"MinAmountInFiat": q.MinAmountInFiat, "MaxAmountInFiat": q.MaxAmountInFiat} {
			if amount != nil {
				s := parsed.Get(name)
				assert.NotContains(t, s, "e", "%s has an exponent", name)
				back, perr := strconv.ParseFloat(s, 64)
				require.NoError(t, perr)
				assert.True(t, back == *amount, "%s %s is not %v", name, s, *amount) // 0 and -0 alike
				want.Set(name, s)
			}
		}
		assert.Equal(t, want, parsed)
	})
}

// A transfer and a verification encode as Mesh's lists do and decode back to
// themselves; a zero time is null, never 1970.
func TestTransferTypesEncodeAsMeshDoes(t *testing.T) {
	for _, v := range []any{wantFullTransfer, wantOfficialVerification} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		back := reflect.New(reflect.TypeOf(v))
		require.NoError(t, json.Unmarshal(b, back.Interface()))
		assert.Equal(t, v, back.Elem().Interface())
	}

	b, err := json.Marshal(Transfer{Status: "Refunded", WebhookLogs: []TransferWebhookLog{{ResponseCode: 500}}})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"status":"Refunded"`, "a status is kept as it is")
	assert.Contains(t, string(b), `"createdTimestamp":null,"executedTimestamp":null`)
	assert.Contains(t, string(b), `"sentTimestamp":null`)
	b, err = json.Marshal(WalletVerification{})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"timestamp":null`)

	// null leaves a value as it is, as encoding/json does for a struct.
	v := wantOfficialVerification
	require.NoError(t, json.Unmarshal([]byte(`null`), &v))
	assert.Equal(t, wantOfficialVerification, v)
}
