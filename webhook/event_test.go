package webhook_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/webhook"
)

func TestParseTransferEventMeshExample(t *testing.T) {
	payload := meshExample(t)
	ev, err := webhook.ParseTransferEvent(payload, webhook.Sign(payload, testSecret), testSecret)
	require.NoError(t, err)
	assert.Equal(t, &webhook.TransferEvent{
		ID:                    "358c6ab7-4518-416b-9266-c680fda3a8dd",
		EventID:               "56713e70-be74-4a37-0036-08da97f5941a",
		SentAt:                time.Unix(1720532648, 0).UTC(),
		TransferID:            "dd4063e5-f317-441c-3f07-08dc7353b6f8",
		TransactionID:         "transaction_id_provided_by_client",
		UserID:                "user_id_provided_by_client",
		TransferStatus:        mesh.TransferStatusPending,
		ChangedAt:             time.UnixMilli(1715175519038).UTC(),
		TxHash:                "0x7d4ec1ce50952a377452c95fdf5a787ff551f08c0343093f866c84f57c473495",
		Chain:                 "Ethereum",
		Token:                 "ETH",
		SourceAmount:          json.Number("0.004786046226555188"),
		DestinationAmount:     json.Number("0.004786046226555188"),
		SourceAccountProvider: "Binance",
		DestinationAddress:    "0x0Ff0000f0A0f0000F0F000000000ffFf00f0F0f0",
		RefundAddress:         "0x0Ff0000f0A0f0000F0F000000000ffFf00f0F0f0",
	}, ev)
	assert.Equal(t, "2024-07-09T13:44:08Z", ev.SentAt.Format(time.RFC3339))
	assert.Equal(t, "2024-05-08T13:38:39.038Z", ev.ChangedAt.Format(time.RFC3339Nano))
	assert.Same(t, time.UTC, ev.SentAt.Location())
	assert.Same(t, time.UTC, ev.ChangedAt.Location())
}

// event is a minimal transfer event with the fields given as raw JSON after the ids.
func event(fields string) []byte {
	if fields != "" {
		fields = "," + fields
	}
	return []byte(`{"EventId":"e-1","TransferId":"t-1"` + fields + `}`)
}

func parse(t *testing.T, payload []byte) (*webhook.TransferEvent, error) {
	t.Helper()
	return webhook.ParseTransferEvent(payload, webhook.Sign(payload, testSecret), testSecret)
}

func TestParseTransferEventFields(t *testing.T) {
	tests := []struct {
		name   string
		fields string
		check  func(t *testing.T, ev *webhook.TransferEvent)
	}{
		{"Pending", `"TransferStatus":"Pending"`, wantStatus(mesh.TransferStatusPending)},
		{"SUCCEEDED", `"TransferStatus":"SUCCEEDED"`, wantStatus(mesh.TransferStatusSucceeded)},
		{"failed", `"TransferStatus":"failed"`, wantStatus(mesh.TransferStatusFailed)},
		{"unknown status kept as sent", `"TransferStatus":"RefundPending"`, wantStatus("RefundPending")},
		{"null status", `"TransferStatus":null`, wantStatus("")},
		{"absent status", ``, wantStatus("")},

		{"amounts exact as sent", `"SourceAmount":0.004786046226555188,"DestinationAmount":123456789012345678901234567890.123456789012345678901`,
			wantAmounts("0.004786046226555188", "123456789012345678901234567890.123456789012345678901")},
		{"amounts in exponent form kept so", `"SourceAmount":1E-3,"DestinationAmount":-0`, wantAmounts("1E-3", "-0")},
		{"null amounts", `"SourceAmount":null,"DestinationAmount":null`, wantAmounts("", "")},
		{"absent amounts", ``, wantAmounts("", "")},

		{"null times", `"SentTimestamp":null,"Timestamp":null`, wantTimes(time.Time{}, time.Time{})},
		{"absent times", ``, wantTimes(time.Time{}, time.Time{})},
		{"seconds and milliseconds", `"SentTimestamp":1,"Timestamp":1`, wantTimes(time.Unix(1, 0).UTC(), time.UnixMilli(1).UTC())},
		{"zero is the epoch", `"SentTimestamp":0,"Timestamp":0`, wantTimes(time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC())},

		{"null strings", `"Id":null,"TransactionId":null,"UserId":null,"TxHash":null,"Chain":null,"Token":null,
			"SourceAccountProvider":null,"DestinationAddress":null,"RefundAddress":null`,
			func(t *testing.T, ev *webhook.TransferEvent) {
				assert.Equal(t, &webhook.TransferEvent{EventID: "e-1", TransferID: "t-1"}, ev)
			}},
		{"unknown fields ignored", `"SourceAddress":"0xabc","RefundType":null,"TransferSteps":[{"Step":1}],"Nested":{"a":[1,2]},"Token":"ETH"`,
			func(t *testing.T, ev *webhook.TransferEvent) {
				assert.Equal(t, &webhook.TransferEvent{EventID: "e-1", TransferID: "t-1", Token: "ETH"}, ev)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := parse(t, event(tc.fields))
			require.NoError(t, err)
			tc.check(t, ev)
		})
	}
}

func wantStatus(s mesh.TransferStatus) func(*testing.T, *webhook.TransferEvent) {
	return func(t *testing.T, ev *webhook.TransferEvent) { assert.Equal(t, s, ev.TransferStatus) }
}

func wantAmounts(source, destination string) func(*testing.T, *webhook.TransferEvent) {
	return func(t *testing.T, ev *webhook.TransferEvent) {
		assert.Equal(t, json.Number(source), ev.SourceAmount)
		assert.Equal(t, json.Number(destination), ev.DestinationAmount)
	}
}

func wantTimes(sent, changed time.Time) func(*testing.T, *webhook.TransferEvent) {
	return func(t *testing.T, ev *webhook.TransferEvent) {
		assert.Equal(t, sent, ev.SentAt)
		assert.Equal(t, changed, ev.ChangedAt)
	}
}

func TestParseTransferEventNotAnEvent(t *testing.T) {
	for _, tc := range []struct{ name, payload string }{
		{"empty", ``},
		{"not JSON", `EventId=e-1`},
		{"truncated", `{"EventId":"e-1","TransferId":"t-1"`},
		{"array", `[{"EventId":"e-1","TransferId":"t-1"}]`},
		{"string", `"e-1"`},
		{"number", `42`},
		{"null", `null`},
		{"empty object", `{}`},
		{"no EventId", `{"TransferId":"t-1"}`},
		{"empty EventId", `{"EventId":"","TransferId":"t-1"}`},
		{"no TransferId", `{"EventId":"e-1"}`},
		{"null TransferId", `{"EventId":"e-1","TransferId":null}`},
		{"two objects", `{"EventId":"e-1","TransferId":"t-1"}{}`},
		{"an id that is not a string", `{"EventId":1,"TransferId":"t-1"}`},
		{"seconds with a fraction", string(event(`"SentTimestamp":1720532648.5`))},
		{"milliseconds as a string", string(event(`"Timestamp":"1715175519038"`))},
		{"an amount that is not a number", string(event(`"SourceAmount":true`))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := parse(t, []byte(tc.payload))
			require.Error(t, err)
			assert.Nil(t, ev)
			assert.NotErrorIs(t, err, webhook.ErrNoSignature)
			assert.NotErrorIs(t, err, webhook.ErrInvalidSignature)
			assert.True(t, strings.HasPrefix(err.Error(), "webhook: not a transfer event"), err.Error())
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

// TestParseTransferEventVerifiesFirst: nothing looks inside a body whose signature
// does not hold, so that a forged body fails the same way whatever it holds.
func TestParseTransferEventVerifiesFirst(t *testing.T) {
	for _, tc := range []struct {
		name, payload, signature string
		want                     error
	}{
		{"invalid JSON, wrong signature", `{"EventId":`, webhook.Sign([]byte(`{"EventId":`), "guess"), webhook.ErrInvalidSignature},
		{"invalid JSON, no signature", `{"EventId":`, "", webhook.ErrNoSignature},
		{"not an event, wrong signature", `[]`, webhook.Sign([]byte(`[]`), "guess"), webhook.ErrInvalidSignature},
		{"an event, wrong signature", string(event("")), webhook.Sign(event(""), "guess"), webhook.ErrInvalidSignature},
		{"an event, signature of another body", string(event("")), webhook.Sign(event(`"Token":"ETH"`), testSecret), webhook.ErrInvalidSignature},
		{"an event, no signature", string(event("")), "", webhook.ErrNoSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := webhook.ParseTransferEvent([]byte(tc.payload), tc.signature, testSecret)
			assert.Equal(t, tc.want, err)
			assert.Nil(t, ev)
		})
	}
	t.Run("no secret", func(t *testing.T) {
		p := event("")
		ev, err := webhook.ParseTransferEvent(p, webhook.Sign(p, ""))
		require.Error(t, err)
		assert.Nil(t, ev)
	})
}
