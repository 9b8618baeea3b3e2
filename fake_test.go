package mesh_test

// The real SDK against meshtest's fake Mesh, which checks bodies by its own reading of
// the spec (meshtest/rules.go), never by Validate: two independent readings held against
// each other at every limit and, in FuzzValidate, for any request. A disagreement is a
// bug on one side; mesh-linktoken-api.md says which. (Package mesh_test: meshtest
// imports mesh.)

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// leafPaths lists the paths of the leaves of a decoded JSON value, array items
// written [i].
func leafPaths(v any) []string {
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if path != "" {
					k = path + "." + k
				}
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk(path+"[i]", e)
			}
		default:
			out = append(out, path)
		}
	}
	walk("", v)
	return out
}

// utf16Units counts s in UTF-16 code units, the test's own count (an invalid byte is
// U+FFFD, one unit).
func utf16Units(s string) int { return len(utf16.Encode([]rune(s))) }

// fakeAnswer is what the fake answered to a raw POST: its code and envelope.
type fakeAnswer struct {
	code      int
	Status    mesh.Status `json:"status"`
	ErrorType string      `json:"errorType"`
	Message   string      `json:"message"`
}

// postRaw posts body to srv's Link token endpoint as a caller without the SDK would:
// the fake's default credentials, Content-Type application/json, no retries.
func postRaw(t testing.TB, srv *meshtest.Server, body []byte) fakeAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+meshtest.LinkTokenPath, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Client-Id", meshtest.ClientID)
	req.Header.Set("X-Client-Secret", meshtest.ClientSecret)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body) // to the end, so that the connection is reused
	require.NoError(t, err)
	answer := fakeAnswer{code: resp.StatusCode}
	require.NoError(t, json.Unmarshal(raw, &answer), "the fake answers an envelope: %q", raw)
	return answer
}

// newFakeClient is srv.NewClient(opts...) for a test.
func newFakeClient(t testing.TB, srv *meshtest.Server, opts ...mesh.Option) *mesh.Client {
	t.Helper()
	c, err := srv.NewClient(opts...)
	require.NoError(t, err)
	return c
}

// Strings exactly at the limits, each mixing one-unit ASCII, a two-byte one-unit
// character and two-unit emoji.
var (
	userIDAtLimit        = "user-" + strings.Repeat("🦊", 22) + "é"               // 5 + 44 + 1 = 50
	transactionIDAtLimit = strings.Repeat("😀", 60) + "tx-ü2345"                  // 120 + 8 = 128
	descriptionAtLimit   = strings.Repeat("Pay 💸 ", 36) + "doné"                 // 252 + 4 = 256
	ethAddress           = "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"          // a destination
	solAddress           = "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV"         // another
	signMessage          = "I own this wallet: 🔑 nonce 81f3c2, valid 10 minutes" // what the user signs
)

// everyField is a valid request with every field Mesh documents set, each at its
// limit: strings at their length limits (emoji included), amounts 0, every optional
// boolean explicitly false, open enums with values the SDK does not know, several
// destinations and goods, and a signed-message wallet check.
func everyField(clientFee float64) *mesh.CreateLinkTokenRequest {
	return &mesh.CreateLinkTokenRequest{
		UserID:                   userIDAtLimit,
		BrokerType:               mesh.BrokerTypeCoinbase,
		IntegrationID:            meshtest.CoinbaseIntegrationID,
		RestrictMultipleAccounts: mesh.Bool(false),
		DisableAPIKeyGeneration:  mesh.Bool(false),
		SubClientID:              "0B4C51A8-6D3E-4F27-9A15-C2E8D7F6B5A4", // upper case is a UUID too
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{
				{
					NetworkID: meshtest.EthereumNetworkID, Symbol: "USDC", Address: ethAddress, AddressTag: "memo-1",
					Amount: mesh.Float64(0), DisplayAmountInFiat: mesh.Float64(0), MinAmount: mesh.Float64(0), MinAmountInFiat: mesh.Float64(0),
				},
				{NetworkID: meshtest.PolygonNetworkID, Symbol: "USDT", Address: ethAddress},
				{NetworkID: meshtest.SolanaNetworkID, Symbol: "SOL", Address: solAddress, Amount: mesh.Float64(0.5)},
			},
			AmountInFiat:          mesh.Float64(0),
			TransactionID:         transactionIDAtLimit,
			ClientFee:             mesh.Float64(clientFee),
			TransferType:          "fiatOffRamp",
			FundingOptions:        &mesh.FundingOptions{Enabled: false},
			IsInclusiveFeeEnabled: mesh.Bool(false),
			Description:           descriptionAtLimit,
			GoodsDetails: []mesh.GoodsDetails{
				{GoodsType: "03", GoodsCategory: "Z000", ReferenceGoodsID: "sku-1", GoodsName: "Gift card 🎁", GoodsDetail: "€25"},
				{GoodsType: mesh.GoodsTypeTangible, GoodsName: "Sneakers"},
				{GoodsType: mesh.GoodsTypeVirtual},
			},
			GeneratePayLink: mesh.Bool(false),
		},
		VerifyWalletOptions: &mesh.VerifyWalletOptions{
			Message:             signMessage,
			VerificationMethods: []mesh.VerificationMethod{mesh.VerificationMethodSignedMessage, "passkey"},
			Addresses:           []string{ethAddress, "0x0000000000000000000000000000000000000001"},
			NetworkID:           meshtest.EthereumNetworkID,
			NetworkType:         "someFutureNetwork",
		},
	}
}

// TestFakeAndValidateAgreeAtEveryLimit: at each documented limit Validate accepts, one
// step over it refuses that one field, and the fake agrees (checkAgainstFake). Lengths
// count UTF-16 code units, as Mesh's ASP.NET server does: an emoji 2, a BMP character 1
// whatever its UTF-8 size, an invalid UTF-8 byte 1 (sent as U+FFFD). Every request
// at a limit has every documented field at once, sent (an explicit false or 0 included).
func TestFakeAndValidateAgreeAtEveryLimit(t *testing.T) {
	require.Equal(t, mesh.MaxUserIDLength, utf16Units(userIDAtLimit))
	require.Equal(t, mesh.MaxTransactionIDLength, utf16Units(transactionIDAtLimit))
	require.Equal(t, mesh.MaxDescriptionLength, utf16Units(descriptionAtLimit))
	type request = mesh.CreateLinkTokenRequest
	type boundary struct {
		name, field string
		at, over    func(*request)
	}
	// number is the boundary between two values of the number *p(r).
	number := func(name, field string, at, over float64, p func(*request) **float64) boundary {
		return boundary{name, field, func(r *request) { *p(r) = mesh.Float64(at) }, func(r *request) { *p(r) = mesh.Float64(over) }}
	}
	fee := func(r *request) **float64 { return &r.TransferOptions.ClientFee }
	to := func(r *request, i int) *mesh.TransferAddress { return &r.TransferOptions.ToAddresses[i] }
	below0 := math.Nextafter(0, -1) // -5e-324, the first float below 0
	above1 := math.Nextafter(1, 2)  // 1.0000000000000002
	tests := []boundary{
		number("clientFee above 1", "transferOptions.clientFee", 1, above1, fee),
		number("clientFee below 0", "transferOptions.clientFee", 0, below0, fee),
		number("amountInFiat", "transferOptions.amountInFiat", 0, below0, func(r *request) **float64 { return &r.TransferOptions.AmountInFiat }),
		number("amount", "transferOptions.toAddresses[0].amount", 0, below0, func(r *request) **float64 { return &to(r, 0).Amount }),
		number("displayAmountInFiat", "transferOptions.toAddresses[0].displayAmountInFiat", 0, below0,
			func(r *request) **float64 { return &to(r, 0).DisplayAmountInFiat }),
		number("minAmount", "transferOptions.toAddresses[0].minAmount", 0, below0, func(r *request) **float64 { return &to(r, 0).MinAmount }),
		number("minAmountInFiat of the last destination", "transferOptions.toAddresses[2].minAmountInFiat", 0, below0,
			func(r *request) **float64 { return &to(r, 2).MinAmountInFiat }),
	}
	rep := strings.Repeat
	for _, f := range []struct {
		field, emoji string
		limit        int
		set          func(*request, string)
	}{
		{"userId", "🦊", 50, func(r *request, s string) { r.UserID = s }},
		{"transferOptions.transactionId", "😀", 128, func(r *request, s string) { r.TransferOptions.TransactionID = s }},
		{"transferOptions.description", "💸", 256, func(r *request, s string) { r.TransferOptions.Description = s }},
	} {
		n := f.limit
		for _, c := range []struct{ name, at, over string }{
			{"ASCII", rep("a", n), rep("a", n+1)},
			{"emoji", rep(f.emoji, n/2), rep(f.emoji, n/2+1)},
			{"emoji straddling the limit", rep("a", n-2) + f.emoji, rep("a", n-1) + f.emoji},
			{"two-byte runes", rep("é", n), rep("é", n+1)},
			{"three-byte runes", rep("中", n), rep("中", n+1)},
			{"invalid UTF-8 bytes", rep("\xff", n), rep("\xff", n+1)},
		} {
			at, over := c.at, c.over
			tests = append(tests, boundary{f.field + " " + c.name, f.field,
				func(r *request) { f.set(r, at) }, func(r *request) { f.set(r, over) }})
		}
	}
	srv := meshtest.Start(t)
	client := newFakeClient(t, srv, mesh.WithRetry(mesh.RetryPolicy{}))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at, over := everyField(0.025), everyField(0.025)
			tc.at(at)
			tc.over(over)
			require.NoError(t, at.Validate(), "Validate accepts the last valid value")
			checkAgainstFake(t, srv, client, at)
			var body map[string]any
			require.NoError(t, json.Unmarshal(srv.Requests()[1].Body, &body))
			assert.Equal(t, requestPaths, withPrefixes(leafPaths(body)), "the documented fields, all sent: %s", srv.Requests()[1].Body)

			require.Equal(t, []string{tc.field}, mesh.RefusalFields(t, over.Validate()), "Validate refuses one step over")
			got := checkAgainstFake(t, srv, client, over)
			assert.Equal(t, http.StatusBadRequest, got.code, "the fake refuses one step over")
			assert.Equal(t, mesh.StatusBadRequest, got.Status)
			assert.Equal(t, meshtest.ErrorTypeInvalidField, got.ErrorType)
		})
	}
}

// TestFakeCatalogThroughClient: the fake's catalogs decode through a real client, and
// the ids read there make a request the fake accepts. (The lookups: TestCatalogLookups;
// the fake's JSON: meshtest's catalog tests; Ethereum and Coinbase: the examples.)
func TestFakeCatalogThroughClient(t *testing.T) {
	srv := meshtest.Start(t)
	client := newFakeClient(t, srv, mesh.WithRetry(mesh.RetryPolicy{}))
	ctx := context.Background()
	networks, err := client.Networks(ctx)
	require.NoError(t, err)
	polygon, ok := mesh.NetworkByName(networks, "polygon")
	require.True(t, ok, "%+v", networks)
	assert.Equal(t, meshtest.PolygonNetworkID, polygon.ID)
	integrations, err := client.Integrations(ctx)
	require.NoError(t, err)
	kraken, ok := mesh.IntegrationByType(integrations, mesh.BrokerTypeKraken)
	require.True(t, ok)
	assert.Equal(t, meshtest.KrakenIntegrationID, kraken.ID)
	transfers, err := client.TransferIntegrations(ctx)
	require.NoError(t, err)
	coinbase, ok := mesh.TransferIntegrationByType(transfers, mesh.BrokerTypeCoinbase)
	require.True(t, ok)
	assert.Equal(t, meshtest.CoinbaseIntegrationID, coinbase.ID)
	assert.True(t, coinbase.Supports(meshtest.EthereumNetworkID, "USDC"))
	assert.False(t, coinbase.Supports(meshtest.BitcoinNetworkID, "USDC"), "Bitcoin carries only BTC")

	_, err = client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{
		UserID:        "u1",
		IntegrationID: kraken.ID,
		TransferOptions: &mesh.TransferOptions{ToAddresses: []mesh.TransferAddress{
			{NetworkID: polygon.ID, Symbol: polygon.NativeSymbol, Address: ethAddress},
		}},
		VerifyWalletOptions: &mesh.VerifyWalletOptions{
			NetworkID: polygon.ID, NetworkType: polygon.NetworkType, Addresses: []string{ethAddress},
		},
	})
	require.NoError(t, err)
}

// requestPaths are the JSON paths of every field of a Link token request, as the
// wire spec (mesh-linktoken-api.md) names them, array items written [i]. It is written
// from the spec, not from the SDK's struct tags, so a renamed tag shows.
var requestPaths = func() map[string]bool {
	paths := []string{"userId", "brokerType", "integrationId", "restrictMultipleAccounts", "disableApiKeyGeneration", "subClientId"}
	for _, f := range []string{"amountInFiat", "transactionId", "clientFee", "transferType", "fundingOptions.enabled",
		"isInclusiveFeeEnabled", "description", "generatePayLink"} {
		paths = append(paths, "transferOptions."+f)
	}
	for _, f := range []string{"networkId", "symbol", "address", "addressTag", "amount", "displayAmountInFiat", "minAmount", "minAmountInFiat"} {
		paths = append(paths, "transferOptions.toAddresses[i]."+f)
	}
	for _, f := range []string{"goodsType", "goodsCategory", "referenceGoodsId", "goodsName", "goodsDetail"} {
		paths = append(paths, "transferOptions.goodsDetails[i]."+f)
	}
	for _, f := range []string{"message", "verificationMethods[i]", "addresses[i]", "networkId", "networkType"} {
		paths = append(paths, "verifyWalletOptions."+f)
	}
	return withPrefixes(paths)
}()

// withPrefixes is the set of paths and of every object and array on the way to one.
func withPrefixes(paths []string) map[string]bool {
	m := map[string]bool{}
	for _, p := range paths {
		m[p] = true
		for i := range p {
			if p[i] == '.' || p[i] == '[' {
				m[p[:i]] = true
			}
		}
	}
	return m
}

// Presence flags of FuzzValidate: which optional parts of the request are set.
const (
	fzRestrict uint32 = 1 << iota
	fzDisableKeyGen
	fzTransfer
	fzAmount
	fzDisplayAmount
	fzMinAmount
	fzMinAmountInFiat
	fzAmountInFiat
	fzClientFee
	fzInclusiveFee
	fzPayLink
	fzFunding
	fzVerify
	fzEmptySlices // empty, non-nil slices where no item is asked for
)

// Bits of FuzzValidate's bools: the values of the optional booleans that are set.
const (
	fzRestrictValue uint8 = 1 << iota
	fzDisableKeyGenValue
	fzInclusiveFeeValue
	fzPayLinkValue
	fzFundingEnabled
)

// fuzzBrokerType picks the brokerType: unset, one of mesh.BrokerTypes() (supported or
// not) by index, or the fuzzed string itself (unknown, misspelt, blank, ...).
func fuzzBrokerType(sel uint8, raw string) mesh.BrokerType {
	known := mesh.BrokerTypes()
	switch i := int(sel) % (len(known) + 2); {
	case i == 0:
		return ""
	case i <= len(known):
		return known[i-1]
	default:
		return mesh.BrokerType(raw)
	}
}

// uuidish turns raw into a UUID-like string by mode (two bits): raw as it is; a UUID
// made of raw's bytes in hex, lower or upper case; or that UUID with raw's own bytes
// written over its start, a near miss whenever raw is not hexadecimal.
func uuidish(raw string, mode uint8) string {
	if mode&3 == 0 {
		return raw
	}
	digits := hex.EncodeToString([]byte(raw))
	digits = (digits + strings.Repeat("0", 32))[:32]
	u := digits[:8] + "-" + digits[8:12] + "-" + digits[12:16] + "-" + digits[16:20] + "-" + digits[20:]
	switch mode & 3 {
	case 2:
		u = strings.ToUpper(u)
	case 3:
		if len(raw) < len(u) {
			u = raw + u[len(raw):]
		}
	}
	return u
}

// FuzzValidate builds a request of every field from fuzzed strings (open enums
// included), a broker type, UUID-like ids, floats (NaN, ±Inf, negatives), presence flags,
// booleans and item counts, and checks it as checkAgainstFake does.
func FuzzValidate(f *testing.F) {
	srv := meshtest.NewServer() // one fake per run of the target, shared by its inputs
	f.Cleanup(srv.Close)
	client := newFakeClient(f, srv, mesh.WithRetry(mesh.RetryPolicy{}))

	f.Fuzz(func(t *testing.T,
		userID string, brokerSel uint8, brokerRaw string, integrationID, subClientID string, idModes uint8,
		networkID, symbol, address, addressTag string,
		amount, displayAmount, minAmount, minAmountInFiat, amountInFiat, clientFee float64,
		transactionID, transferType, description string,
		goodsType, goodsCategory, referenceGoodsID, goodsName, goodsDetail string,
		message, method, verifyAddress, verifyNetworkID, networkType string,
		flags uint32, bools uint8, counts uint16,
	) {
		has := func(flag uint32) bool { return flags&flag != 0 }
		// optBool and optFloat are the value when flag is set, else nil (unset).
		optBool := func(flag uint32, bit uint8) *bool {
			if !has(flag) {
				return nil
			}
			return mesh.Bool(bools&bit != 0)
		}
		optFloat := func(flag uint32, f float64) *float64 {
			if !has(flag) {
				return nil
			}
			return mesh.Float64(f)
		}
		count := func(shift uint) int { return int(counts>>shift) & 3 }

		req := &mesh.CreateLinkTokenRequest{
			UserID:                   userID,
			BrokerType:               fuzzBrokerType(brokerSel, brokerRaw),
			IntegrationID:            uuidish(integrationID, idModes),
			SubClientID:              uuidish(subClientID, idModes>>2),
			RestrictMultipleAccounts: optBool(fzRestrict, fzRestrictValue),
			DisableAPIKeyGeneration:  optBool(fzDisableKeyGen, fzDisableKeyGenValue),
		}
		if has(fzTransfer) {
			first := mesh.TransferAddress{
				NetworkID: uuidish(networkID, idModes>>4), Symbol: symbol, Address: address, AddressTag: addressTag,
				Amount: optFloat(fzAmount, amount), DisplayAmountInFiat: optFloat(fzDisplayAmount, displayAmount),
				MinAmount: optFloat(fzMinAmount, minAmount), MinAmountInFiat: optFloat(fzMinAmountInFiat, minAmountInFiat),
			}
			// Later destinations vary the first: their own address (maybe blank), then
			// the verified network's id and the fee as an amount.
			items := []mesh.TransferAddress{first, first, first}
			items[1].Address, items[1].AddressTag = addressTag, address
			items[2].NetworkID, items[2].Amount = uuidish(verifyNetworkID, idModes>>6), mesh.Float64(clientFee)
			goods := []mesh.GoodsDetails{
				{GoodsType: goodsType, GoodsCategory: goodsCategory, ReferenceGoodsID: referenceGoodsID, GoodsName: goodsName, GoodsDetail: goodsDetail},
				{GoodsType: goodsCategory, GoodsName: goodsType},
				{GoodsDetail: description},
			}
			req.TransferOptions = &mesh.TransferOptions{
				ToAddresses:           firstN(items, count(0), has(fzEmptySlices)),
				AmountInFiat:          optFloat(fzAmountInFiat, amountInFiat),
				TransactionID:         transactionID,
				ClientFee:             optFloat(fzClientFee, clientFee),
				TransferType:          mesh.TransferType(transferType),
				IsInclusiveFeeEnabled: optBool(fzInclusiveFee, fzInclusiveFeeValue),
				Description:           description,
				GoodsDetails:          firstN(goods, count(2), has(fzEmptySlices)),
				GeneratePayLink:       optBool(fzPayLink, fzPayLinkValue),
			}
			if has(fzFunding) {
				req.TransferOptions.FundingOptions = &mesh.FundingOptions{Enabled: bools&fzFundingEnabled != 0}
			}
		}
		if has(fzVerify) {
			methods := []mesh.VerificationMethod{
				mesh.VerificationMethod(method), mesh.VerificationMethodSignedMessage, mesh.VerificationMethod(networkType),
			}
			req.VerifyWalletOptions = &mesh.VerifyWalletOptions{
				Message:             message,
				VerificationMethods: firstN(methods, count(4), has(fzEmptySlices)),
				Addresses:           firstN([]string{verifyAddress, address, ""}, count(6), has(fzEmptySlices)),
				NetworkID:           uuidish(verifyNetworkID, idModes>>6),
				NetworkType:         mesh.NetworkType(networkType),
			}
		}

		checkAgainstFake(t, srv, client, req)
	})
}

// firstN is the first n of all, nil rather than empty unless keepEmpty: both are left
// out of the JSON.
func firstN[E any](all []E, n int, keepEmpty bool) []E {
	if n == 0 && !keepEmpty {
		return nil
	}
	return all[:n]
}

// checkAgainstFake checks that Validate is deterministic and that the fake, posted
// json.Marshal's JSON of req raw, accepts (200) it iff Validate does. A request JSON
// cannot carry (NaN, ±Inf) is refused by Validate. A refused request names real JSON
// paths, the fake's among them, and a client sends nothing; an accepted one a client
// sends as json.Marshal made it. It returns the fake's answer, zero if none was posted.
func checkAgainstFake(t *testing.T, srv *meshtest.Server, client *mesh.Client,
	req *mesh.CreateLinkTokenRequest) fakeAnswer {
	t.Helper()
	srv.Reset()
	verdict := req.Validate()
	assert.Equal(t, verdict, req.Validate(), "Validate is deterministic")
	var fields []string
	if verdict != nil {
		fields = checkProblems(t, req, verdict)
	}

	body, merr := json.Marshal(req)
	if merr != nil {
		nonFinite := nonFinitePaths(req)
		require.NotEmpty(t, nonFinite, "json.Marshal fails only on NaN or ±Inf: %v", merr)
		require.Error(t, verdict, "Validate refuses NaN and ±Inf, which JSON cannot carry")
		for _, p := range nonFinite {
			assert.Contains(t, fields, p, "Validate names %s, which is not finite", p)
		}
		assertNotSent(t, srv, client, req, 0)
		return fakeAnswer{}
	}
	if len(body) > meshtest.MaxBodyBytes {
		// The fake's own bound, which the spec does not document: nothing to compare.
		t.Skipf("body of %d bytes is above the fake's bound", len(body))
	}

	fake := postRaw(t, srv, body)
	require.Contains(t, []int{http.StatusOK, http.StatusBadRequest}, fake.code, "the fake answers 200 or 400: %+v", fake)
	require.Equal(t, verdict == nil, fake.code == http.StatusOK,
		"Validate and the fake disagree\nValidate: %v\nfake: %d %s %s\nbody: %s", verdict, fake.code, fake.ErrorType, fake.Message, body)

	if verdict != nil {
		path, _, ok := strings.Cut(fake.Message, ": ")
		require.True(t, ok, "the fake's message starts with a path: %q", fake.Message)
		assert.Contains(t, fields, path, "the fake's problem is one of Validate's")
		assertNotSent(t, srv, client, req, 1)
		return fake
	}

	lt, err := client.CreateLinkToken(context.Background(), req)
	require.NoError(t, err, "body: %s", body)
	_, err = lt.URL()
	assert.NoError(t, err)
	payLink := req.TransferOptions != nil && req.TransferOptions.GeneratePayLink != nil && *req.TransferOptions.GeneratePayLink
	assert.Equal(t, payLink, lt.PaymentLink != "", "a payment link iff generatePayLink is true")
	got := srv.Requests()
	require.Len(t, got, 2, "the raw post and one attempt of the client")
	assert.JSONEq(t, string(body), string(got[1].Body), "the client sends what json.Marshal makes of the request")
	return fake
}

// assertNotSent checks that a client refuses req with ErrValidation and sends nothing:
// the fake still has only the before requests it had.
func assertNotSent(t *testing.T, srv *meshtest.Server, client *mesh.Client, req *mesh.CreateLinkTokenRequest, before int) {
	t.Helper()
	lt, err := client.CreateLinkToken(context.Background(), req)
	assert.Nil(t, lt)
	assert.ErrorIs(t, err, mesh.ErrValidation)
	assert.Len(t, srv.Requests(), before, "a refused request is not sent")
}

var arrayIndex = regexp.MustCompile(`\[(\d+)\]`)

// checkProblems checks a Validate error, a refusal as mesh.RefusalFields checks it with
// at least one problem, each Field a real JSON path of req (a documented path once
// indices are written [i], each index within its array), and returns the Fields.
func checkProblems(t *testing.T, req *mesh.CreateLinkTokenRequest, err error) []string {
	t.Helper()
	fields := mesh.RefusalFields(t, err)
	require.NotEmpty(t, fields, "an *InvalidRequestError with its problems: %#v", err)
	for _, field := range fields {
		generic := arrayIndex.ReplaceAllString(field, "[i]")
		if !assert.True(t, requestPaths[generic], "%q is not a JSON path of the request", field) {
			continue
		}
		for _, m := range arrayIndex.FindAllStringSubmatchIndex(field, -1) {
			array := field[:m[0]]
			i, _ := strconv.Atoi(field[m[2]:m[3]])
			n := arrayLen(req, array)
			assert.True(t, i < n, "%q: index %d, but %s has %d items", field, i, array, n)
		}
	}
	return fields
}

// arrayLen is the length of the array of req at path, -1 for a path that is no array.
func arrayLen(req *mesh.CreateLinkTokenRequest, path string) int {
	to, w := req.TransferOptions, req.VerifyWalletOptions
	switch {
	case path == "transferOptions.toAddresses" && to != nil:
		return len(to.ToAddresses)
	case path == "transferOptions.goodsDetails" && to != nil:
		return len(to.GoodsDetails)
	case path == "verifyWalletOptions.verificationMethods" && w != nil:
		return len(w.VerificationMethods)
	case path == "verifyWalletOptions.addresses" && w != nil:
		return len(w.Addresses)
	}
	return -1
}

// nonFinitePaths lists the JSON paths of req's numbers that are NaN or ±Inf.
func nonFinitePaths(req *mesh.CreateLinkTokenRequest) []string {
	var out []string
	check := func(path string, f *float64) {
		if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
			out = append(out, path)
		}
	}
	if to := req.TransferOptions; to != nil {
		for i, a := range to.ToAddresses {
			p := "transferOptions.toAddresses[" + strconv.Itoa(i) + "]."
			check(p+"amount", a.Amount)
			check(p+"displayAmountInFiat", a.DisplayAmountInFiat)
			check(p+"minAmount", a.MinAmount)
			check(p+"minAmountInFiat", a.MinAmountInFiat)
		}
		check("transferOptions.amountInFiat", to.AmountInFiat)
		check("transferOptions.clientFee", to.ClientFee)
	}
	return out
}
