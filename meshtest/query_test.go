package meshtest_test

// The query rules of GET TransfersPath and GET WalletVerificationsPath, each accepted
// and refused at its boundary.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh/meshtest"
)

// repeated is name=value n times, joined with &.
func repeated(name, value string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = name + "=" + url.QueryEscape(value)
	}
	return strings.Join(parts, "&")
}

// TestTransferQueryRules: a query that breaks a rule gets a 400 badRequest envelope,
// errorType invalidField, whose message starts with the parameter's name.
func TestTransferQueryRules(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name       string
		query      string
		wantPath   string // "": accepted
		wantReason string
	}{
		// Names: exactly as documented; only arrays repeated.
		{"unknown name", "Foo=1", "Foo", "is not a known query parameter"},
		{"camelCase name", "count=1", "count", "it is spelt Count"},
		{"upper-case name", "ID=" + uuidLo, "ID", "it is spelt Id"},
		{"array in another case", "statuses=pending", "statuses", "it is spelt Statuses"},
		{"a name Mesh does not have", "Status=pending", "Status", "is not a known query parameter"},
		{"scalar repeated", "Count=1&Count=2", "Count", "must be given once, got 2 values"},
		{"scalar repeated empty", "UserId=&UserId=", "UserId", "must be given once"},
		{"malformed escape", "UserId=%zz", "query string", "is not valid"},
		{"semicolon separator", "Count=1;Offset=2", "query string", "is not valid"},
		{"empty query", "", "", ""},
		{"every documented name", "Count=5&Offset=0&Id=" + uuidLo + "&ClientTransactionId=o&UserId=u&IntegrationIds=" + uuidUp +
			"&Statuses=pending&FromTimestamp=1&ToTimestamp=2&MinAmountInFiat=0&MaxAmountInFiat=1&OrderBy=id&DescendingOrder=false" +
			"&Hash=0x1&SubClientId=" + uuidLo + "&IsSandBox=false&IncludeRefundInformation=true&IncludeWebhooksLogs=false", "", ""},

		// UUIDs.
		{"Id not a UUID", "Id=42", "Id", `must be a UUID, got "42"`},
		{"Id in braces", "Id=%7B" + uuidLo + "%7D", "Id", "must be a UUID"},
		{"Id without hyphens", "Id=34aeb688decb485f9d80b66466783394", "Id", "must be a UUID"},
		{"SubClientId not a UUID", "SubClientId=acme", "SubClientId", "must be a UUID"},
		{"IntegrationIds second not a UUID", "IntegrationIds=" + uuidLo + "&IntegrationIds=coinbase", "IntegrationIds", `value 2 must be a UUID, got "coinbase"`},
		{"IntegrationIds 100", repeated("IntegrationIds", uuidLo, 100), "", ""},
		{"IntegrationIds 101", repeated("IntegrationIds", uuidLo, 101), "IntegrationIds", "at most 100 values, got 101"},

		// Lengths in UTF-16 code units.
		{"ClientTransactionId 128", "ClientTransactionId=" + strings.Repeat("o", 128), "", ""},
		{"ClientTransactionId 64 emoji", "ClientTransactionId=" + url.QueryEscape(strings.Repeat("😀", 64)), "", ""},
		{"ClientTransactionId 129", "ClientTransactionId=" + strings.Repeat("o", 129), "ClientTransactionId", "has 129"},
		{"ClientTransactionId 65 emoji", "ClientTransactionId=" + url.QueryEscape(strings.Repeat("😀", 65)), "ClientTransactionId", "has 130"},
		{"UserId 50", "UserId=" + strings.Repeat("u", 50), "", ""},
		{"UserId 51", "UserId=" + strings.Repeat("u", 51), "UserId", "has 51"},
		{"UserId 26 emoji", "UserId=" + url.QueryEscape(strings.Repeat("😀", 26)), "UserId", "has 52"},

		// Statuses: at most 5, none blank; any value (an open set).
		{"Statuses 5", repeated("Statuses", "pending", 5), "", ""},
		{"Statuses 6", repeated("Statuses", "pending", 6), "Statuses", "at most 5 values, got 6"},
		{"Statuses unknown", "Statuses=refundPending", "", ""},
		{"Statuses blank", "Statuses=pending&Statuses=+", "Statuses", "value 2 must not be blank"},

		// Count and Offset: 32-bit integers; Count from 0 to 1000, Offset from 0.
		{"Count 0", "Count=0", "", ""},
		{"Count 1000", "Count=1000", "", ""},
		{"Count 1001", "Count=1001", "Count", "must be at most 1000, got 1001"},
		{"Count negative", "Count=-1", "Count", "must not be negative, got -1"},
		{"Count not a number", "Count=ten", "Count", `must be a 32-bit integer, got "ten"`},
		{"Count a fraction", "Count=1.5", "Count", "must be a 32-bit integer"},
		{"Count beyond 32 bits", "Count=4294967296", "Count", "must be a 32-bit integer"},
		{"Count with spaces", "Count=+5+", "Count", "must be a 32-bit integer"},
		{"Offset negative", "Offset=-5", "Offset", "must not be negative, got -5"},
		{"Offset not a number", "Offset=x", "Offset", "must be a 32-bit integer"},
		{"Offset 2147483647", "Offset=2147483647", "", ""},

		// Timestamps: 64-bit integers, From not after To.
		{"FromTimestamp not a number", "FromTimestamp=yesterday", "FromTimestamp", "must be a 64-bit integer"},
		{"ToTimestamp a fraction", "ToTimestamp=1.5", "ToTimestamp", "must be a 64-bit integer"},
		{"From after To", "FromTimestamp=1700000001&ToTimestamp=1700000000", "FromTimestamp", "must not be after ToTimestamp, got 1700000001 > 1700000000"},
		{"From equals To", "FromTimestamp=1700000000&ToTimestamp=1700000000", "", ""},
		{"negative timestamps", "FromTimestamp=-10&ToTimestamp=-1", "", ""},

		// Amounts: finite decimal numbers, min not above max.
		{"MinAmountInFiat not a number", "MinAmountInFiat=cheap", "MinAmountInFiat", "must be a finite decimal number"},
		{"MaxAmountInFiat NaN", "MaxAmountInFiat=NaN", "MaxAmountInFiat", "must be a finite decimal number"},
		{"MaxAmountInFiat Infinity", "MaxAmountInFiat=Inf", "MaxAmountInFiat", "must be a finite decimal number"},
		{"MinAmountInFiat overflows", "MinAmountInFiat=1e999", "MinAmountInFiat", "must be a finite decimal number"},
		{"MinAmountInFiat hexadecimal", "MinAmountInFiat=0x1p3", "MinAmountInFiat", "must be a finite decimal number"},
		{"MinAmountInFiat with underscores", "MinAmountInFiat=1_000", "MinAmountInFiat", "must be a finite decimal number"},
		{"amounts in every decimal spelling", "MinAmountInFiat=-.5&MaxAmountInFiat=1E3", "", ""},
		{"min above max", "MinAmountInFiat=10.5&MaxAmountInFiat=10", "MinAmountInFiat", "must not be above MaxAmountInFiat, got 10.5 > 10"},
		{"min equals max", "MinAmountInFiat=10&MaxAmountInFiat=10.0", "", ""},

		// OrderBy and the booleans.
		{"OrderBy unknown", "OrderBy=amount", "OrderBy", `must be one of amountInFiat, clientTransferId, createdTimestamp, fromType, id, networkName, status, symbol, userId; got "amount"`},
		{"OrderBy in another case", "OrderBy=NETWORKNAME", "", ""},
		{"DescendingOrder yes", "DescendingOrder=yes", "DescendingOrder", `must be true or false, got "yes"`},
		{"DescendingOrder 1", "DescendingOrder=1", "DescendingOrder", "must be true or false"},
		{"DescendingOrder TRUE", "DescendingOrder=TRUE", "", ""},
		{"IsSandBox maybe", "IsSandBox=maybe", "IsSandBox", "must be true or false"},
		{"IncludeWebhooksLogs 0", "IncludeWebhooksLogs=0", "IncludeWebhooksLogs", "must be true or false"},

		// The first problem is reported: names before values, values in the spec's order.
		{"unknown name before a bad value", "Count=-1&Zed=1", "Zed", ""},
		{"Count before Id", "Id=x&Count=x", "Count", ""},
		{"values before From and To", "FromTimestamp=2&ToTimestamp=1&OrderBy=x", "OrderBy", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, meshtest.TransfersPath+"?"+tc.query)
			if tc.wantPath == "" {
				okContent(t, r)
				return
			}
			require.Equal(t, http.StatusBadRequest, r.code, r.body)
			env := r.envelope(t)
			assert.Equal(t, "badRequest", env["status"])
			assert.Equal(t, invalid, env["errorType"])
			assert.Nil(t, env["content"])
			msg, _ := env["message"].(string)
			assert.True(t, strings.HasPrefix(msg, tc.wantPath+": "), "message %q should start with %q", msg, tc.wantPath+": ")
			assert.Contains(t, msg, tc.wantReason)
		})
	}
}

func TestVerificationQueryRules(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name     string
		query    string
		wantType string // ok: accepted
		wantPath string
	}{
		{"both", "UserId=u1&Address=0x1", ok, ""},
		{"UserId 50", "UserId=" + strings.Repeat("u", 50) + "&Address=0x1", ok, ""},
		{"no query", "", missing, "UserId"},
		{"no UserId", "Address=0x1", missing, "UserId"},
		{"UserId empty", "UserId=&Address=0x1", missing, "UserId"},
		{"UserId blank", "UserId=+&Address=0x1", missing, "UserId"},
		{"no Address", "UserId=u1", missing, "Address"},
		{"Address blank", "UserId=u1&Address=%09", missing, "Address"},
		{"UserId 51", "UserId=" + strings.Repeat("u", 51) + "&Address=0x1", invalid, "UserId"},
		{"userId in camelCase", "userId=u1&Address=0x1", invalid, "userId"},
		{"unknown name", "UserId=u1&Address=0x1&Network=evm", invalid, "Network"},
		{"Address repeated", "UserId=u1&Address=0x1&Address=0x2", invalid, "Address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, srv, meshtest.WalletVerificationsPath+"?"+tc.query)
			if tc.wantType == ok {
				assert.Equal(t, []any{}, okContent(t, r)["verifications"])
				return
			}
			require.Equal(t, http.StatusBadRequest, r.code, r.body)
			env := r.envelope(t)
			assert.Equal(t, "badRequest", env["status"])
			assert.Equal(t, tc.wantType, env["errorType"])
			msg, _ := env["message"].(string)
			assert.True(t, strings.HasPrefix(msg, tc.wantPath+": "), "message %q", msg)
		})
	}
}
