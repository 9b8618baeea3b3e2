package meshtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

func TestCreateLinkTokenThroughClient(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv)
	tests := []struct {
		name        string
		req         *mesh.CreateLinkTokenRequest
		wantPayLink bool
	}{
		{"user id only", &mesh.CreateLinkTokenRequest{UserID: "u1"}, false},
		{"payment without pay link", paymentRequest(nil), false},
		{"generatePayLink false", paymentRequest(mesh.Bool(false)), false},
		{"generatePayLink true", paymentRequest(mesh.Bool(true)), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for range 5 {
				lt, err := client.CreateLinkToken(context.Background(), tc.req)
				require.NoError(t, err)
				assert.False(t, seen[lt.Token], "token %q minted twice", lt.Token)
				seen[lt.Token] = true

				u, err := lt.URL()
				require.NoError(t, err)
				assert.Equal(t, "https", u.Scheme)
				assert.Equal(t, "web.meshconnect.com", u.Host)
				assert.True(t, strings.HasPrefix(u.Path, "/link/") && len(u.Path) > len("/link/"), "path %q", u.Path)

				if tc.wantPayLink {
					assert.True(t, strings.HasPrefix(lt.PaymentLink, "https://pay.meshconnect.com/"), "payment link %q", lt.PaymentLink)
					assert.Equal(t, strings.TrimPrefix(u.Path, "/link/"), strings.TrimPrefix(lt.PaymentLink, "https://pay.meshconnect.com/"))
				} else {
					assert.Empty(t, lt.PaymentLink)
				}
			}
		})
	}
}

func TestOKEnvelopeOnTheWire(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name        string
		body        string
		wantPayLink bool
	}{
		{"no pay link", `{"userId":"u1"}`, false},
		{"pay link", `{"userId":"u1","transferOptions":{"generatePayLink":true}}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, srv, tc.body)
			require.Equal(t, http.StatusOK, r.code, r.body)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			env := r.envelope(t)
			assert.Equal(t, "ok", env["status"])
			assert.NotEmpty(t, env["errorHash"])
			assert.Contains(t, env, "displayMessage")
			assert.Nil(t, env["errorData"])
			content, ok := env["content"].(map[string]any)
			require.True(t, ok, "content %v", env["content"])
			assert.NotEmpty(t, content["linkToken"])
			assert.Contains(t, content, "paymentLink")
			if tc.wantPayLink {
				assert.NotNil(t, content["paymentLink"])
			} else {
				assert.Nil(t, content["paymentLink"])
			}
		})
	}
}

// TestEveryFieldAccepted sends a request with every field of mesh.CreateLinkTokenRequest
// set: a field the SDK sends but the fake does not know would be refused.
func TestEveryFieldAccepted(t *testing.T) {
	req := &mesh.CreateLinkTokenRequest{
		UserID:                   "user-42",
		BrokerType:               mesh.BrokerTypeCoinbase, //nolint:staticcheck // SA1019: the fake must still accept the deprecated field
		IntegrationID:            "34aeb688-decb-485f-9d80-b66466783394",
		RestrictMultipleAccounts: mesh.Bool(false),
		DisableAPIKeyGeneration:  mesh.Bool(true),
		SubClientID:              "0b5e1c4a-7d0e-4b7e-9d36-5a2f0f6f9a11",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID:           networkID,
				Symbol:              "XRP",
				Address:             "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh",
				AddressTag:          "12345",
				Amount:              mesh.Float64(1.5),
				DisplayAmountInFiat: mesh.Float64(3),
				MinAmount:           mesh.Float64(0),
				MinAmountInFiat:     mesh.Float64(0),
			}},
			AmountInFiat:          mesh.Float64(10),
			TransactionID:         "tx-1",
			ClientFee:             mesh.Float64(0),
			TransferType:          mesh.TransferTypeDeposit,
			IsInclusiveFeeEnabled: mesh.Bool(false),
			Description:           "a mug",
			GoodsDetails: []mesh.GoodsDetails{{
				GoodsType: mesh.GoodsTypeTangible, GoodsCategory: "kitchen", ReferenceGoodsID: "sku-1",
				GoodsName: "mug", GoodsDetail: "blue",
			}},
			GeneratePayLink: mesh.Bool(true),
		},
		VerifyWalletOptions: &mesh.VerifyWalletOptions{
			Message:             "prove it",
			VerificationMethods: []mesh.VerificationMethod{mesh.VerificationMethodSignedMessage},
			Addresses:           []string{"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"},
			NetworkID:           networkID,
			NetworkType:         mesh.NetworkTypeEVM,
		},
	}
	srv := meshtest.Start(t)
	body, err := json.Marshal(req)
	require.NoError(t, err)
	r := post(t, srv, string(body))
	assert.Equal(t, http.StatusOK, r.code, r.body)

	lt, err := newClient(t, srv, noRetry).CreateLinkToken(context.Background(), req)
	require.NoError(t, err)
	assert.NotEmpty(t, lt.PaymentLink)
}

func TestContentType(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name        string
		contentType string // "" removes the header
		wantOK      bool
	}{
		{"application/json", "application/json", true},
		{"with charset", "application/json; charset=utf-8", true},
		{"upper case", "Application/JSON", true},
		{"missing", "", false},
		{"text/plain", "text/plain", false},
		{"form", "application/x-www-form-urlencoded", false},
		{"json suffix type", "application/problem+json", false},
		{"malformed", "application/json; =", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, http.MethodPost, meshtest.LinkTokenPath, `{"userId":"u1"}`, map[string]string{"Content-Type": tc.contentType})
			env := r.envelope(t)
			if tc.wantOK {
				assert.Equal(t, http.StatusOK, r.code, r.body)
				return
			}
			assert.Equal(t, http.StatusBadRequest, r.code)
			assert.Equal(t, "badRequest", env["status"])
			assert.Equal(t, meshtest.ErrorTypeInvalidContentType, env["errorType"])
		})
	}
}

func TestBodyChecks(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name          string
		body          string
		wantErrorType string // ok: accepted
		wantInMessage string
	}{
		// Accepted, nullable fields included.
		{"minimal", `{"userId":"u1"}`, ok, ""},
		{"integrationId null", `{"userId":"u1","integrationId":null}`, ok, ""},
		{"subClientId null", `{"userId":"u1","subClientId":null}`, ok, ""},
		{"transferOptions null", `{"userId":"u1","transferOptions":null}`, ok, ""},
		{"verifyWalletOptions null", `{"userId":"u1","verifyWalletOptions":null}`, ok, ""},
		{"explicit false and 0", `{"userId":"u1","restrictMultipleAccounts":false,"transferOptions":{"clientFee":0}}`, ok, ""},
		{"whitespace around", " \n{\"userId\":\"u1\"}\n ", ok, ""},

		// Not a JSON object.
		{"empty body", ``, invalid, "not valid JSON"},
		{"not JSON", `userId=u1`, invalid, "not valid JSON"},
		{"truncated", `{"userId":"u1"`, invalid, "not valid JSON"},
		{"trailing data", `{"userId":"u1"} {}`, invalid, "not valid JSON"},
		{"array", `[{"userId":"u1"}]`, invalid, "must be a JSON object, got an array"},
		{"string", `"u1"`, invalid, "must be a JSON object, got a string"},
		{"null", `null`, invalid, "must be a JSON object, got null"},
		{"too large", `{"userId":"u1","transferOptions":{"description":"` + strings.Repeat("x", meshtest.MaxBodyBytes) + `"}}`, invalid, "larger than"},

		// Unknown properties, at any depth; names are case-sensitive.
		{"unknown top-level", `{"userId":"u1","foo":1}`, invalid, "foo: is not a known property"},
		{"UserID", `{"UserID":"u1"}`, invalid, "UserID: is not a known property"},
		{"userid", `{"userId":"u1","userid":"u2"}`, invalid, "userid: is not a known property"},
		{"nested in transferOptions", `{"userId":"u1","transferOptions":{"ToAddresses":[]}}`, invalid, "transferOptions.ToAddresses: is not a known property"},
		{"nested in an address", `{"userId":"u1","transferOptions":{"toAddresses":[{"networkId":"` + networkID + `","symbol":"USDC","address":"0x1","foo":true}]}}`, invalid, "transferOptions.toAddresses[0].foo: is not a known property"},
		{"second address", `{"userId":"u1","transferOptions":{"toAddresses":[{"networkId":"` + networkID + `","symbol":"USDC","address":"0x1"},{"networkID":"x"}]}}`, invalid, "transferOptions.toAddresses[1].networkID: is not a known property"},
		{"nested in goodsDetails", `{"userId":"u1","transferOptions":{"goodsDetails":[{"goodsName":"mug","price":3}]}}`, invalid, "transferOptions.goodsDetails[0].price: is not a known property"},
		{"nested in verifyWalletOptions", `{"userId":"u1","verifyWalletOptions":{"signature":"0x"}}`, invalid, "verifyWalletOptions.signature: is not a known property"},

		// Wrong JSON types.
		{"userId number", `{"userId":42}`, invalid, "userId: must be a string, got a number"},
		{"bool as string", `{"userId":"u1","restrictMultipleAccounts":"true"}`, invalid, "restrictMultipleAccounts: must be a boolean, got a string"},
		{"amount as string", `{"userId":"u1","transferOptions":{"amountInFiat":"25"}}`, invalid, "transferOptions.amountInFiat: must be a number, got a string"},
		{"transferOptions array", `{"userId":"u1","transferOptions":[]}`, invalid, "transferOptions: must be an object, got an array"},
		{"toAddresses object", `{"userId":"u1","transferOptions":{"toAddresses":{}}}`, invalid, "transferOptions.toAddresses: must be an array, got an object"},
		{"address null", `{"userId":"u1","transferOptions":{"toAddresses":[null]}}`, invalid, "transferOptions.toAddresses[0]: must be an object, got null"},
		{"addresses of numbers", `{"userId":"u1","verifyWalletOptions":{"addresses":["0x1",2]}}`, invalid, "verifyWalletOptions.addresses[1]: must be a string, got a number"},
		{"generatePayLink null", `{"userId":"u1","transferOptions":{"generatePayLink":null}}`, invalid, "transferOptions.generatePayLink: must be a boolean, got null"},
		{"number out of range", `{"userId":"u1","transferOptions":{"amountInFiat":1e400}}`, invalid, "transferOptions.amountInFiat: must be a finite number"},

		// The documented rules are TestRules' subject; one case shows they come after
		// the structure.
		{"blank userId and an unknown property", `{"userId":"","foo":1}`, invalid, "foo: is not a known property"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, srv, tc.body)
			env := r.envelope(t)
			if tc.wantErrorType == ok {
				assert.Equal(t, http.StatusOK, r.code, r.body)
				assert.Equal(t, "ok", env["status"])
				return
			}
			assert.Equal(t, http.StatusBadRequest, r.code)
			assert.Equal(t, "badRequest", env["status"])
			assert.Equal(t, tc.wantErrorType, env["errorType"], "message %v", env["message"])
			assert.Contains(t, env["message"], tc.wantInMessage)
			assert.NotEmpty(t, env["errorHash"])
			assert.Nil(t, env["content"])
		})
	}
}

func TestErrorReplyThroughClient(t *testing.T) {
	tests := []struct {
		status   mesh.Status
		wantCode int
		want     error
	}{
		{mesh.StatusBadRequest, http.StatusBadRequest, mesh.ErrBadRequest},
		{mesh.StatusPermissionDenied, http.StatusForbidden, mesh.ErrPermissionDenied},
		{mesh.StatusNotFound, http.StatusNotFound, mesh.ErrNotFound},
		{mesh.StatusConflict, http.StatusConflict, mesh.ErrConflict},
		{mesh.StatusLocked, http.StatusLocked, mesh.ErrLocked},
		{mesh.StatusTooManyRequest, http.StatusTooManyRequests, mesh.ErrTooManyRequests},
		{mesh.StatusUnavailableForLegalReasons, http.StatusUnavailableForLegalReasons, mesh.ErrUnavailableForLegalReasons},
		{mesh.StatusServerFailure, http.StatusInternalServerError, mesh.ErrServerFailure},
	}
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	for _, tc := range tests {
		t.Run(string(tc.status), func(t *testing.T) {
			srv.Reset()
			srv.Enqueue(meshtest.ErrorReply(tc.status, "someErrorType", "something about "+string(tc.status)))
			_, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantCode, apiErr.HTTPStatusCode)
			assert.Equal(t, tc.status, apiErr.Status)
			assert.Equal(t, "someErrorType", apiErr.ErrorType)
			assert.Equal(t, "something about "+string(tc.status), apiErr.Message)
			assert.NotEmpty(t, apiErr.ErrorHash)
			assert.Len(t, srv.Requests(), 1)
			assert.Zero(t, srv.Pending())
		})
	}
}

func TestReplyFields(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	tests := []struct {
		name  string
		reply meshtest.Reply
		check func(t *testing.T, lt *mesh.LinkToken, err error)
	}{
		{"zero reply is a fresh ok", meshtest.Reply{}, func(t *testing.T, lt *mesh.LinkToken, err error) {
			require.NoError(t, err)
			u, err := lt.URL()
			require.NoError(t, err)
			assert.Equal(t, "web.meshconnect.com", u.Host)
			assert.Empty(t, lt.PaymentLink)
		}},
		{"scripted token and payment link", meshtest.Reply{LinkToken: "dG9rZW4=", PaymentLink: "https://pay.example/1"}, func(t *testing.T, lt *mesh.LinkToken, err error) {
			require.NoError(t, err)
			assert.Equal(t, "dG9rZW4=", lt.Token)
			assert.Equal(t, "https://pay.example/1", lt.PaymentLink)
		}},
		{"every envelope field", meshtest.Reply{
			HTTPStatus: http.StatusConflict, Status: mesh.StatusConflict, ErrorType: "duplicate",
			Message: "dev text", DisplayMessage: "user text", ErrorHash: "cafe0001",
			ErrorData: json.RawMessage(`{"field":"userId"}`),
		}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusConflict, apiErr.HTTPStatusCode)
			assert.Equal(t, "duplicate", apiErr.ErrorType)
			assert.Equal(t, "dev text", apiErr.Message)
			assert.Equal(t, "user text", apiErr.DisplayMessage)
			assert.Equal(t, "cafe0001", apiErr.ErrorHash)
			assert.JSONEq(t, `{"field":"userId"}`, string(apiErr.ErrorData))
		}},
		{"HTTPStatus overrides the status's code", meshtest.Reply{HTTPStatus: http.StatusOK, Status: mesh.StatusLocked}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusOK, apiErr.HTTPStatusCode)
			assert.ErrorIs(t, err, mesh.ErrLocked)
		}},
		{"unknown status gets 500", meshtest.Reply{Status: "weird"}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusInternalServerError, apiErr.HTTPStatusCode)
			assert.ErrorIs(t, err, mesh.ErrServerFailure)
		}},
		{"raw body not JSON", meshtest.Reply{Body: "hello"}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			assert.ErrorIs(t, err, mesh.ErrUnexpectedResponse)
		}},
		{"raw body ok envelope", meshtest.Reply{Body: `{"status":"ok","content":{"linkToken":"cmF3"}}`}, func(t *testing.T, lt *mesh.LinkToken, err error) {
			require.NoError(t, err)
			assert.Equal(t, "cmF3", lt.Token)
		}},
		{"raw body ok without token", meshtest.Reply{Body: `{"status":"ok","content":{}}`}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			assert.ErrorIs(t, err, mesh.ErrUnexpectedResponse)
		}},
		{"raw body with a status code", meshtest.Reply{HTTPStatus: http.StatusForbidden, Body: "denied"}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			assert.ErrorIs(t, err, mesh.ErrPermissionDenied)
		}},
		{"ErrorData not JSON", meshtest.Reply{Status: mesh.StatusBadRequest, ErrorData: json.RawMessage(`{oops`)}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			assert.ErrorIs(t, err, mesh.ErrServerFailure) // the fake reports the broken script as a 500
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Enqueue(tc.reply)
			lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
			tc.check(t, lt, err)
			assert.Zero(t, srv.Pending())
		})
	}
}

func TestReplyOnTheWire(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name            string
		reply           meshtest.Reply
		wantCode        int
		wantContentType string
		wantHeader      http.Header
		wantBody        string // substring
	}{
		{"raw body has no content type", meshtest.Reply{Body: "plain"}, http.StatusOK, "", nil, "plain"},
		{"raw body with content type", meshtest.Reply{Body: "<p>", ContentType: "text/html"}, http.StatusOK, "text/html", nil, "<p>"},
		{"envelope defaults to JSON", meshtest.Reply{Status: mesh.StatusLocked}, http.StatusLocked, "application/json", nil, `"status":"locked"`},
		{"envelope content type", meshtest.Reply{ContentType: "text/json"}, http.StatusOK, "text/json", nil, `"status":"ok"`},
		{"extra headers", meshtest.Reply{Header: http.Header{"X-Request-Id": {"r-1"}, "Content-Type": {"application/vnd.mesh+json"}}}, http.StatusOK, "application/vnd.mesh+json", http.Header{"X-Request-Id": {"r-1"}}, `"linkToken"`},
		{"Unauthorized", meshtest.Unauthorized(), http.StatusUnauthorized, "text/plain; charset=utf-8", nil, "Unauthorized"},
		{"ServerError 502", meshtest.ServerError(http.StatusBadGateway), http.StatusBadGateway, "text/html", nil, "<h1>502 Bad Gateway</h1>"},
		{"ServerError 0", meshtest.ServerError(0), http.StatusInternalServerError, "text/html", nil, "500 Internal Server Error"},
		{"TooManyRequests whole seconds", meshtest.TooManyRequests(2 * time.Second), http.StatusTooManyRequests, "application/json", http.Header{"Retry-After": {"2"}}, `"status":"tooManyRequest"`},
		{"TooManyRequests rounds up", meshtest.TooManyRequests(1500 * time.Millisecond), http.StatusTooManyRequests, "application/json", http.Header{"Retry-After": {"2"}}, `"tooManyRequest"`},
		{"TooManyRequests under a second", meshtest.TooManyRequests(time.Millisecond), http.StatusTooManyRequests, "application/json", http.Header{"Retry-After": {"1"}}, `"tooManyRequest"`},
		{"ErrorReply", meshtest.ErrorReply(mesh.StatusPermissionDenied, "forbidden", "no"), http.StatusForbidden, "application/json", nil, `"errorType":"forbidden"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Enqueue(tc.reply)
			r := post(t, srv, `{"userId":"u1"}`)
			assert.Equal(t, tc.wantCode, r.code)
			assert.Equal(t, tc.wantContentType, r.header.Get("Content-Type"))
			for k := range tc.wantHeader {
				assert.Equal(t, tc.wantHeader.Get(k), r.header.Get(k), k)
			}
			assert.Contains(t, r.body, tc.wantBody)
		})
	}

	t.Run("TooManyRequests(0) has no Retry-After", func(t *testing.T) {
		srv.Enqueue(meshtest.TooManyRequests(0))
		r := post(t, srv, `{"userId":"u1"}`)
		assert.Equal(t, http.StatusTooManyRequests, r.code)
		assert.Empty(t, r.header.Values("Retry-After"))
	})
}

func TestScriptedHelpersThroughClient(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	tests := []struct {
		name           string
		reply          meshtest.Reply
		want           error
		wantRetryAfter time.Duration
	}{
		{"TooManyRequests", meshtest.TooManyRequests(3 * time.Second), mesh.ErrTooManyRequests, 3 * time.Second},
		{"TooManyRequests without Retry-After", meshtest.TooManyRequests(0), mesh.ErrTooManyRequests, 0},
		{"Unauthorized", meshtest.Unauthorized(), mesh.ErrUnauthorized, 0},
		{"ServerError 502", meshtest.ServerError(http.StatusBadGateway), mesh.ErrServerFailure, 0},
		{"ServerError 503", meshtest.ServerError(http.StatusServiceUnavailable), mesh.ErrServerFailure, 0},
		{"ServerError 504", meshtest.ServerError(http.StatusGatewayTimeout), mesh.ErrServerFailure, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Enqueue(tc.reply)
			_, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
			assert.ErrorIs(t, err, tc.want)
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantRetryAfter, apiErr.RetryAfter)
			assert.NotContains(t, err.Error(), "<html>", "the error should not echo the HTML page")
		})
	}
}

// TestScriptBeforeChecks shows that scripted replies come before any check, and that
// a retrying client spends one reply per attempt.
func TestScriptBeforeChecks(t *testing.T) {
	t.Run("wrong credentials still get the scripted ok", func(t *testing.T) {
		srv := meshtest.Start(t)
		srv.Enqueue(meshtest.Reply{LinkToken: "c2NyaXB0ZWQ="})
		c, err := mesh.NewClient("nobody", "nothing", mesh.WithBaseURL(srv.URL), noRetry)
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		lt, err := c.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
		require.NoError(t, err)
		assert.Equal(t, "c2NyaXB0ZWQ=", lt.Token)
	})
	t.Run("any path and method", func(t *testing.T) {
		srv := meshtest.Start(t)
		srv.Enqueue(meshtest.ErrorReply(mesh.StatusLocked, "locked", "x"))
		r := do(t, srv, http.MethodGet, "/elsewhere", "", map[string]string{"Content-Type": ""})
		assert.Equal(t, http.StatusLocked, r.code)
	})
	t.Run("replies are served in order, then strict again", func(t *testing.T) {
		srv := meshtest.Start(t)
		srv.Enqueue(meshtest.ServerError(503), meshtest.TooManyRequests(0))
		assert.Equal(t, 2, srv.Pending())
		assert.Equal(t, http.StatusServiceUnavailable, post(t, srv, `{}`).code)
		assert.Equal(t, http.StatusTooManyRequests, post(t, srv, `{}`).code)
		assert.Equal(t, http.StatusBadRequest, post(t, srv, `{}`).code)
	})
	t.Run("a retrying client spends the script", func(t *testing.T) {
		srv := meshtest.Start(t)
		client := newClient(t, srv) // the fake's default: 2 fast retries
		srv.Enqueue(meshtest.ServerError(502), meshtest.TooManyRequests(0))
		lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
		require.NoError(t, err)
		assert.NotEmpty(t, lt.Token)
		assert.Len(t, srv.Requests(), 3)
		assert.Zero(t, srv.Pending())
	})
}

func TestDelays(t *testing.T) {
	const long = 5 * time.Second
	tests := []struct {
		name  string
		setup func(srv *meshtest.Server)
	}{
		{"Reply.Delay", func(srv *meshtest.Server) { srv.Enqueue(meshtest.Reply{Delay: long}) }},
		{"SetLatency", func(srv *meshtest.Server) { srv.SetLatency(long) }},
		{"SetLatency on a scripted reply", func(srv *meshtest.Server) {
			srv.SetLatency(long)
			srv.Enqueue(meshtest.Reply{})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := meshtest.Start(t)
			client := newClient(t, srv, noRetry)
			tc.setup(srv)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "u1"})
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), long/2)
		})
	}

	t.Run("short latency delays the answer", func(t *testing.T) {
		srv := meshtest.Start(t)
		client := newClient(t, srv, noRetry)
		srv.SetLatency(40 * time.Millisecond)
		start := time.Now()
		_, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)

		srv.SetLatency(0)
		srv.Enqueue(meshtest.Reply{Delay: 40 * time.Millisecond})
		start = time.Now()
		_, err = client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)
	})

	t.Run("Close ends a pending delay", func(t *testing.T) {
		srv := meshtest.NewServer()
		client, err := srv.NewClient(noRetry)
		require.NoError(t, err)
		defer client.CloseIdleConnections()
		srv.SetLatency(time.Minute)
		errc := make(chan error, 1)
		go func() {
			_, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
			errc <- err
		}()
		require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 2*time.Second, time.Millisecond)
		closed := make(chan struct{})
		go func() {
			srv.Close()
			srv.Close() // a second Close does nothing
			close(closed)
		}()
		select {
		case <-closed:
		case <-time.After(2 * time.Second):
			t.Fatal("Close waited for the pending delay")
		}
		select {
		case err := <-errc:
			assert.Error(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("the call did not end after Close")
		}
	})
}

func TestRequests(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry, mesh.WithUserAgent("meshtest-test/1"))
	before := time.Now()

	_, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "first"})
	require.NoError(t, err)
	srv.Enqueue(meshtest.TooManyRequests(0))
	_, err = client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "second"})
	require.Error(t, err)
	do(t, srv, http.MethodGet, "/nowhere", "", nil)

	reqs := srv.Requests()
	require.Len(t, reqs, 3)
	tests := []struct {
		method, path, userID string
	}{
		{http.MethodPost, meshtest.LinkTokenPath, "first"},
		{http.MethodPost, meshtest.LinkTokenPath, "second"},
		{http.MethodGet, "/nowhere", ""},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := reqs[i]
			assert.Equal(t, tc.method, r.Method)
			assert.Equal(t, tc.path, r.Path)
			assert.Equal(t, meshtest.ClientID, r.Header.Get("X-Client-Id"))
			assert.False(t, r.Received.Before(before))
			if i > 0 {
				assert.False(t, r.Received.Before(reqs[i-1].Received))
			}
			if tc.userID != "" {
				assert.JSONEq(t, `{"userId":"`+tc.userID+`"}`, string(r.Body))
				assert.Contains(t, r.Header.Get("User-Agent"), "meshtest-test/1")
			} else {
				assert.Empty(t, r.Body)
			}
		})
	}

	t.Run("copies", func(t *testing.T) {
		reqs[0].Body[0] = 'X'
		reqs[0].Header.Set("X-Client-Id", "changed")
		again := srv.Requests()
		assert.Equal(t, byte('{'), again[0].Body[0])
		assert.Equal(t, meshtest.ClientID, again[0].Header.Get("X-Client-Id"))
	})
}

func TestReset(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	lt1, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
	require.NoError(t, err)
	srv.Enqueue(meshtest.ServerError(500), meshtest.ServerError(500))
	srv.SetLatency(time.Minute)

	srv.Reset()
	assert.Empty(t, srv.Requests())
	assert.Zero(t, srv.Pending())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lt2, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "u1"})
	require.NoError(t, err, "latency and script should be gone")
	assert.NotEqual(t, lt1.Token, lt2.Token, "tokens stay unique across Reset")
	assert.Len(t, srv.Requests(), 1)
}

func TestConcurrentUse(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	const workers, calls = 8, 25
	var (
		mu     sync.Mutex
		tokens = map[string]bool{}
		wg     sync.WaitGroup
	)
	errs := make(chan error, workers*calls)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				if i%5 == 0 {
					srv.Enqueue(meshtest.Reply{}) // scripted oks mixed in
				}
				_ = srv.Requests()
				_ = srv.Pending()
				srv.SetLatency(0)
				lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: fmt.Sprintf("w%d-%d", w, i)})
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				if tokens[lt.Token] {
					errs <- fmt.Errorf("token %q minted twice", lt.Token)
				}
				tokens[lt.Token] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Len(t, tokens, workers*calls)
	assert.Len(t, srv.Requests(), workers*calls)
	assert.Zero(t, srv.Pending())
}

// TestRules checks each documented rule of the wire spec on its own, with raw bodies,
// many of which the SDK would never send (its Validate refuses them first): the fake
// must refuse them by its own rules. A refused body gets a 400 badRequest envelope
// whose message starts with the JSON path of the field.
func TestRules(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name       string
		body       string
		wantType   string // ok: accepted
		wantPath   string // the message starts with wantPath + ": "
		wantReason string // and contains wantReason
	}{
		// userId: required, 1–50 code points, whitespace-only is missing.
		{"userId absent", `{}`, missing, "userId", "is required"},
		{"userId absent with options", `{"transferOptions":{"amountInFiat":5}}`, missing, "userId", "is required"},
		{"userId null", `{"userId":null}`, missing, "userId", "is required"},
		{"userId empty", `{"userId":""}`, missing, "userId", "is required"},
		{"userId spaces", `{"userId":" \t\n\r "}`, missing, "userId", "is required"},
		{"userId ideographic space", `{"userId":"\u3000"}`, missing, "userId", "is required"},
		{"userId 1 character", `{"userId":"u"}`, ok, "", ""},
		{"userId with spaces around", `{"userId":" u "}`, ok, "", ""},
		{"userId 50 ASCII", `{"userId":"` + strings.Repeat("u", 50) + `"}`, ok, "", ""},
		{"userId 50 code points, 100 bytes", `{"userId":"` + strings.Repeat("é", 50) + `"}`, ok, "", ""},
		{"userId 50 code points, 200 bytes", `{"userId":"` + strings.Repeat("😀", 50) + `"}`, ok, "", ""},
		{"userId 50 escaped code points", `{"userId":"` + strings.Repeat(`\u00e9`, 50) + `"}`, ok, "", ""},
		{"userId 51 ASCII", `{"userId":"` + strings.Repeat("u", 51) + `"}`, invalid, "userId", "has 51"},
		{"userId 51 code points", `{"userId":"` + strings.Repeat("é", 51) + `"}`, invalid, "userId", "has 51"},
		{"userId 300", `{"userId":"` + strings.Repeat("u", 300) + `"}`, invalid, "userId", "has 300"},

		// brokerType: known and supported; names are case-sensitive.
		{"brokerType coinbase", withUser(`"brokerType":"coinbase"`), ok, "", ""},
		{"brokerType of the later list", withUser(`"brokerType":"bybitEuDirect"`), ok, "", ""},
		{"brokerType deFiWallet", withUser(`"brokerType":"deFiWallet"`), invalid, "brokerType", "not supported"},
		{"brokerType cryptocurrencyAddress", withUser(`"brokerType":"cryptocurrencyAddress"`), invalid, "brokerType", "not supported"},
		{"brokerType cryptocurrencyWallet", withUser(`"brokerType":"cryptocurrencyWallet"`), invalid, "brokerType", "not supported"},
		{"brokerType unknown", withUser(`"brokerType":"mtGox"`), invalid, "brokerType", "not a known broker type"},
		{"brokerType wrong case", withUser(`"brokerType":"Coinbase"`), invalid, "brokerType", "not a known broker type"},
		{"brokerType empty", withUser(`"brokerType":""`), invalid, "brokerType", "not a known broker type"},

		// integrationId and subClientId: a canonical UUID, null, or "" (read as absent).
		{"integrationId lower case", withUser(`"integrationId":"` + uuidLo + `"`), ok, "", ""},
		{"integrationId upper case", withUser(`"integrationId":"` + uuidUp + `"`), ok, "", ""},
		{"integrationId null", withUser(`"integrationId":null`), ok, "", ""},
		{"integrationId empty", withUser(`"integrationId":""`), ok, "", ""},
		{"integrationId a name", withUser(`"integrationId":"coinbase"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId without hyphens", withUser(`"integrationId":"34aeb688decb485f9d80b66466783394"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId in braces", withUser(`"integrationId":"{` + uuidLo + `}"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId not hex", withUser(`"integrationId":"34aeb688-decb-485f-9d80-b66466783g94"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId hyphen moved", withUser(`"integrationId":"34aeb68-8decb-485f-9d80-b66466783394"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId with a space", withUser(`"integrationId":" ` + uuidLo + `"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId blank", withUser(`"integrationId":" "`), invalid, "integrationId", "must be a UUID"},
		{"subClientId UUID", withUser(`"subClientId":"` + uuidUp + `"`), ok, "", ""},
		{"subClientId empty", withUser(`"subClientId":""`), ok, "", ""},
		{"subClientId not a UUID", withUser(`"subClientId":"acme"`), invalid, "subClientId", "must be a UUID"},
		{"subClientId too long", withUser(`"subClientId":"` + uuidLo + `0"`), invalid, "subClientId", "must be a UUID"},

		// transferOptions.toAddresses[i]: networkId a UUID, symbol and address non-blank.
		{"address complete", withAddress(addrOK), ok, "", ""},
		{"address networkId upper case", withAddress(`"networkId":"` + uuidUp + `","symbol":"USDC","address":"0x1"`), ok, "", ""},
		{"address with anything as tag", withAddress(addrOK + `,"addressTag":" "`), ok, "", ""},
		{"address networkId absent", withAddress(`"symbol":"USDC","address":"0x1"`), invalid, "transferOptions.toAddresses[0].networkId", "is required"},
		{"address networkId empty", withAddress(`"networkId":"","symbol":"USDC","address":"0x1"`), invalid, "transferOptions.toAddresses[0].networkId", "is required"},
		{"address networkId blank", withAddress(`"networkId":"  ","symbol":"USDC","address":"0x1"`), invalid, "transferOptions.toAddresses[0].networkId", "is required"},
		{"address networkId not a UUID", withAddress(`"networkId":"ethereum","symbol":"USDC","address":"0x1"`), invalid, "transferOptions.toAddresses[0].networkId", "must be a UUID"},
		{"address symbol absent", withAddress(`"networkId":"` + networkID + `","address":"0x1"`), invalid, "transferOptions.toAddresses[0].symbol", "is required"},
		{"address symbol blank", withAddress(`"networkId":"` + networkID + `","symbol":"\t","address":"0x1"`), invalid, "transferOptions.toAddresses[0].symbol", "is required"},
		{"address address absent", withAddress(`"networkId":"` + networkID + `","symbol":"USDC"`), invalid, "transferOptions.toAddresses[0].address", "is required"},
		{"address address empty", withAddress(`"networkId":"` + networkID + `","symbol":"USDC","address":""`), invalid, "transferOptions.toAddresses[0].address", "is required"},
		{"second address broken", withTransfer(`"toAddresses":[{` + addrOK + `},{"networkId":"x","symbol":"USDC","address":"0x2"}]`), invalid, "transferOptions.toAddresses[1].networkId", "must be a UUID"},
		{"empty toAddresses", withTransfer(`"toAddresses":[]`), ok, "", ""},

		// Every amount is ≥ 0, compared exactly on the JSON number.
		{"amounts zero and large", withAddress(addrOK + `,"amount":0,"displayAmountInFiat":0.0,"minAmount":1e308,"minAmountInFiat":12.5`), ok, "", ""},
		{"amount minus zero", withAddress(addrOK + `,"amount":-0,"displayAmountInFiat":-0.0e5`), ok, "", ""},
		{"amount negative", withAddress(addrOK + `,"amount":-1`), invalid, "transferOptions.toAddresses[0].amount", "≥ 0"},
		{"displayAmountInFiat negative", withAddress(addrOK + `,"displayAmountInFiat":-0.01`), invalid, "transferOptions.toAddresses[0].displayAmountInFiat", "≥ 0"},
		{"minAmount negative", withAddress(addrOK + `,"minAmount":-5E2`), invalid, "transferOptions.toAddresses[0].minAmount", "≥ 0"},
		{"minAmountInFiat negative below float precision", withAddress(addrOK + `,"minAmountInFiat":-1e-400`), invalid, "transferOptions.toAddresses[0].minAmountInFiat", "≥ 0"},
		{"amountInFiat positive", withTransfer(`"amountInFiat":25.5`), ok, "", ""},
		{"amountInFiat zero", withTransfer(`"amountInFiat":0`), ok, "", ""},
		{"amountInFiat negative", withTransfer(`"amountInFiat":-1`), invalid, "transferOptions.amountInFiat", "≥ 0, got -1"},
		{"amountInFiat tiny negative", withTransfer(`"amountInFiat":-0.000000000000000000001`), invalid, "transferOptions.amountInFiat", "≥ 0"},

		// clientFee in [0, 1], exactly.
		{"clientFee 0", withTransfer(`"clientFee":0`), ok, "", ""},
		{"clientFee -0", withTransfer(`"clientFee":-0`), ok, "", ""},
		{"clientFee 0.025", withTransfer(`"clientFee":0.025`), ok, "", ""},
		{"clientFee 1", withTransfer(`"clientFee":1`), ok, "", ""},
		{"clientFee 1.000", withTransfer(`"clientFee":1.000`), ok, "", ""},
		{"clientFee 100e-2", withTransfer(`"clientFee":100e-2`), ok, "", ""},
		{"clientFee 0.1E1", withTransfer(`"clientFee":0.1E1`), ok, "", ""},
		{"clientFee 2", withTransfer(`"clientFee":2`), invalid, "transferOptions.clientFee", "from 0 to 1, got 2"},
		{"clientFee 1e1", withTransfer(`"clientFee":1e1`), invalid, "transferOptions.clientFee", "from 0 to 1"},
		{"clientFee just above 1", withTransfer(`"clientFee":1.0000000000000000001`), invalid, "transferOptions.clientFee", "from 0 to 1"},
		{"clientFee 1.5", withTransfer(`"clientFee":1.5`), invalid, "transferOptions.clientFee", "from 0 to 1"},
		{"clientFee negative", withTransfer(`"clientFee":-0.1`), invalid, "transferOptions.clientFee", "from 0 to 1"},
		{"clientFee tiny negative", withTransfer(`"clientFee":-1e-400`), invalid, "transferOptions.clientFee", "from 0 to 1"},

		// transactionId ≤ 128 and description ≤ 256 code points.
		{"transactionId 128 code points", withTransfer(`"transactionId":"` + strings.Repeat("é", 128) + `"`), ok, "", ""},
		{"transactionId 129", withTransfer(`"transactionId":"` + strings.Repeat("é", 129) + `"`), invalid, "transferOptions.transactionId", "at most 128 characters, has 129"},
		{"transactionId empty", withTransfer(`"transactionId":""`), ok, "", ""},
		{"description 256 code points", withTransfer(`"description":"` + strings.Repeat("😀", 256) + `"`), ok, "", ""},
		{"description 257", withTransfer(`"description":"` + strings.Repeat("d", 257) + `"`), invalid, "transferOptions.description", "at most 256 characters, has 257"},

		// transferType and goodsType enums.
		{"transferType deposit", withTransfer(`"transferType":"deposit"`), ok, "", ""},
		{"transferType payment", withTransfer(`"transferType":"payment"`), ok, "", ""},
		{"transferType onramp", withTransfer(`"transferType":"onramp"`), ok, "", ""},
		{"transferType gift", withTransfer(`"transferType":"gift"`), invalid, "transferOptions.transferType", "deposit, payment or onramp"},
		{"transferType wrong case", withTransfer(`"transferType":"Deposit"`), invalid, "transferOptions.transferType", "deposit, payment or onramp"},
		{"transferType empty", withTransfer(`"transferType":""`), invalid, "transferOptions.transferType", "deposit, payment or onramp"},
		{"goodsType 01 and 02", withTransfer(`"goodsDetails":[{"goodsType":"01"},{"goodsType":"02"}]`), ok, "", ""},
		{"goods without goodsType", withTransfer(`"goodsDetails":[{"goodsName":"mug"}]`), ok, "", ""},
		{"goodsType 1", withTransfer(`"goodsDetails":[{"goodsType":"1"}]`), invalid, "transferOptions.goodsDetails[0].goodsType", `"01"`},
		{"goodsType 03 second", withTransfer(`"goodsDetails":[{"goodsType":"01"},{"goodsType":"03"}]`), invalid, "transferOptions.goodsDetails[1].goodsType", `"02"`},

		// verifyWalletOptions.
		{"signedMessage with message", withVerify(`"verificationMethods":["signedMessage"],"message":"prove it"`), ok, "", ""},
		{"no method, no message", withVerify(`"addresses":["0x1"]`), ok, "", ""},
		{"empty methods, no message", withVerify(`"verificationMethods":[]`), ok, "", ""},
		{"signedMessage without message", withVerify(`"verificationMethods":["signedMessage"]`), invalid, "verifyWalletOptions.message", "signedMessage"},
		{"signedMessage with blank message", withVerify(`"verificationMethods":["signedMessage"],"message":" \n"`), invalid, "verifyWalletOptions.message", "is required"},
		{"unknown method", withVerify(`"verificationMethods":["selfie"],"message":"m"`), invalid, "verifyWalletOptions.verificationMethods[0]", "must be signedMessage"},
		{"second method wrong case", withVerify(`"verificationMethods":["signedMessage","SignedMessage"],"message":"m"`), invalid, "verifyWalletOptions.verificationMethods[1]", "must be signedMessage"},
		{"empty method", withVerify(`"verificationMethods":[""]`), invalid, "verifyWalletOptions.verificationMethods[0]", "must be signedMessage"},
		{"verify networkId UUID", withVerify(`"networkId":"` + uuidUp + `"`), ok, "", ""},
		{"verify networkId empty", withVerify(`"networkId":""`), ok, "", ""},
		{"verify networkId not a UUID", withVerify(`"networkId":"evm"`), invalid, "verifyWalletOptions.networkId", "must be a UUID"},
		{"networkType evm", withVerify(`"networkType":"evm"`), ok, "", ""},
		{"networkType avalancheX", withVerify(`"networkType":"avalancheX"`), ok, "", ""},
		{"networkType injective", withVerify(`"networkType":"injective"`), ok, "", ""},
		{"networkType wrong case", withVerify(`"networkType":"EVM"`), invalid, "verifyWalletOptions.networkType", "not a known network type"},
		{"networkType ethereum", withVerify(`"networkType":"ethereum"`), invalid, "verifyWalletOptions.networkType", "not a known network type"},

		// Several problems: the first in the spec's order is reported.
		{"missing userId before anything", `{"userId":" ","brokerType":"x","transferOptions":{"clientFee":2}}`, missing, "userId", "is required"},
		{"long userId before brokerType", `{"userId":"` + strings.Repeat("u", 51) + `","brokerType":"x"}`, invalid, "userId", "has 51"},
		{"brokerType before integrationId", withUser(`"integrationId":"x","brokerType":"x"`), invalid, "brokerType", ""},
		{"integrationId before subClientId", withUser(`"subClientId":"x","integrationId":"x"`), invalid, "integrationId", ""},
		{"subClientId before transferOptions", withUser(`"transferOptions":{"clientFee":2},"subClientId":"x"`), invalid, "subClientId", ""},
		{"addresses before amountInFiat", withTransfer(`"amountInFiat":-1,"toAddresses":[{"networkId":"x"}]`), invalid, "transferOptions.toAddresses[0].networkId", ""},
		{"first address first", withTransfer(`"toAddresses":[{"networkId":"` + networkID + `","address":"0x1"},{"networkId":"x"}]`), invalid, "transferOptions.toAddresses[0].symbol", ""},
		{"networkId before symbol", withAddress(`"networkId":"x","symbol":"","address":""`), invalid, "transferOptions.toAddresses[0].networkId", ""},
		{"amount before minAmount", withAddress(addrOK + `,"minAmount":-1,"amount":-1`), invalid, "transferOptions.toAddresses[0].amount", ""},
		{"clientFee before transferType", withTransfer(`"transferType":"x","clientFee":2`), invalid, "transferOptions.clientFee", ""},
		{"transferOptions before verifyWalletOptions", withUser(`"verifyWalletOptions":{"networkType":"x"},"transferOptions":{"transferType":"x"}`), invalid, "transferOptions.transferType", ""},
		{"message before methods", withVerify(`"verificationMethods":["signedMessage","x"]`), invalid, "verifyWalletOptions.message", ""},
		{"networkId before networkType", withVerify(`"networkType":"x","networkId":"x"`), invalid, "verifyWalletOptions.networkId", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tc.body)), "the test's body must be JSON: %s", tc.body)
			r := post(t, srv, tc.body)
			env := r.envelope(t)
			if tc.wantType == ok {
				assert.Equal(t, http.StatusOK, r.code, r.body)
				assert.Equal(t, "ok", env["status"], r.body)
				return
			}
			assert.Equal(t, http.StatusBadRequest, r.code)
			assert.Equal(t, "badRequest", env["status"])
			assert.Equal(t, tc.wantType, env["errorType"], "message %v", env["message"])
			msg, _ := env["message"].(string)
			assert.True(t, strings.HasPrefix(msg, tc.wantPath+": "), "message %q should start with %q", msg, tc.wantPath+": ")
			assert.Contains(t, msg, tc.wantReason)
			assert.Nil(t, env["content"])
			again := post(t, srv, tc.body).envelope(t)
			assert.Equal(t, msg, again["message"], "the same body gets the same message")
		})
	}
}

// TestRulesAreTheFakesOwn reads the fake's source and checks that it uses nothing of
// package mesh but the client's options, the Status values and the broker list: no
// Validate, no mesh request type to decode into, no BrokerType.IsKnown/IsSupported. So
// FuzzValidate, which posts what Validate accepts to the fake, compares Validate with
// an independent reading of the spec, not with itself.
func TestRulesAreTheFakesOwn(t *testing.T) {
	allowed := map[string]bool{
		"Option": true, "NewClient": true, "Client": true, "WithBaseURL": true, "WithRetry": true,
		"WithHTTPClient": true, "RetryPolicy": true, "Status": true, "BrokerTypes": true,
	}
	forbidden := map[string]bool{"Validate": true, "IsKnown": true, "IsSupported": true}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	parsed := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		parsed++
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pos := fset.Position(sel.Pos())
			assert.False(t, forbidden[sel.Sel.Name], "%s: uses %s", pos, sel.Sel.Name)
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "mesh" {
				name := sel.Sel.Name
				assert.True(t, allowed[name] || strings.HasPrefix(name, "Status"), "%s: uses mesh.%s", pos, name)
			}
			return true
		})
	}
	assert.GreaterOrEqual(t, parsed, 2, "the fake's source files were read")
}
