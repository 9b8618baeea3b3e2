package mesh

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// Shared fixtures of the package's tests. Helpers that serve one test file only live
// in that file.

const (
	testClientID = "client-7c1e"
	// testSecret is distinctive so that a leak is found by a plain substring search.
	testSecret  = "sk_live_S3CR3T-5ea36d9-do-not-print"
	mockBaseURL = "https://mesh.test"
	// Valid UUIDs for request fixtures.
	testNetworkID     = "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12"
	testIntegrationID = "34aeb688-decb-485f-9d80-b66466783394"
)

// fastRetry keeps retry tests quick while still exercising the back-off.
var fastRetry = RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 20 * time.Millisecond}

// testLinkURL and testToken are a Link URL and the token that encodes it.
const testLinkURL = "https://web.meshconnect.com/link/abc123?lang=en"

var testToken = base64.StdEncoding.EncodeToString([]byte(testLinkURL))

// okBody is an ok envelope carrying testToken.
var okBody = `{"status":"ok","message":"","displayMessage":null,"errorType":"","errorHash":"8d443794","errorData":null,"content":{"linkToken":"` + testToken + `","paymentLink":null}}`

// validRequest is a typical payment request that passes Validate.
func validRequest() *CreateLinkTokenRequest {
	return &CreateLinkTokenRequest{
		UserID: "user-42",
		TransferOptions: &TransferOptions{
			ToAddresses: []TransferAddress{{
				NetworkID: testNetworkID,
				Symbol:    "USDC",
				Address:   "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
			}},
			AmountInFiat: Float64(25),
			TransferType: TransferTypePayment,
		},
	}
}

// newTestClient builds a Client on baseURL with testClientID/testSecret and fastRetry,
// and closes its idle connections when the test ends.
func newTestClient(t testing.TB, baseURL string, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithBaseURL(baseURL), WithRetry(fastRetry)}, opts...)
	c, err := NewClient(testClientID, testSecret, all...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// newMockClient builds a Client whose transport is a per-test httpmock transport.
func newMockClient(t testing.TB, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	c := newTestClient(t, mockBaseURL, append([]Option{WithHTTPClient(&http.Client{Transport: mt})}, opts...)...)
	return c, mt
}
