package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mesh-go/mesh"
)

// TransferEvent is one delivery of Mesh's transfer-status webhook: a hint that a
// transfer changed status. Before releasing anything, read the transfer back from
// Mesh and compare it with the order (see the package documentation). Every string
// may be empty: Mesh sends null for what it does not know yet.
type TransferEvent struct {
	ID                    string              // Id: this delivery, different on each retry
	EventID               string              // EventId: the same on every retry; deduplicate on it
	SentAt                time.Time           // SentTimestamp (Unix seconds), UTC; zero when null
	TransferID            string              // TransferId: Mesh's transfer id, for Client.TransferByID
	TransactionID         string              // TransactionId: the TransactionID of your token request
	UserID                string              // UserId: your user id
	TransferStatus        mesh.TransferStatus // a known status in any case ("Pending") reads as its constant
	ChangedAt             time.Time           // Timestamp (Unix milliseconds), UTC; zero when null
	TxHash                string              // on-chain hash, once known
	Chain                 string              // e.g. "Ethereum"
	Token                 string              // e.g. "ETH"
	SourceAmount          json.Number         // exact as sent; "" when null or absent
	DestinationAmount     json.Number         // exact as sent; "" when null or absent
	SourceAccountProvider string              // e.g. "Binance"
	DestinationAddress    string              // where the funds go
	RefundAddress         string              // where a refund goes, when given
}

// eventJSON is a TransferEvent as Mesh sends it.
type eventJSON struct {
	ID                    string      `json:"Id"`
	EventID               string      `json:"EventId"`
	SentTimestamp         *int64      `json:"SentTimestamp"`
	TransferID            string      `json:"TransferId"`
	TransactionID         string      `json:"TransactionId"`
	UserID                string      `json:"UserId"`
	TransferStatus        string      `json:"TransferStatus"`
	Timestamp             *int64      `json:"Timestamp"`
	TxHash                string      `json:"TxHash"`
	Chain                 string      `json:"Chain"`
	Token                 string      `json:"Token"`
	SourceAmount          json.Number `json:"SourceAmount"`
	DestinationAmount     json.Number `json:"DestinationAmount"`
	SourceAccountProvider string      `json:"SourceAccountProvider"`
	DestinationAddress    string      `json:"DestinationAddress"`
	RefundAddress         string      `json:"RefundAddress"`
}

var errNoIDs = errors.New("webhook: not a transfer event: no EventId or no TransferId")

// ParseTransferEvent verifies payload's signature with Verify, then, and only if it
// holds, decodes it. Its errors are Verify's, or, for a signed payload that is not a
// transfer event, an error matching neither ErrNoSignature nor ErrInvalidSignature.
//
// A transfer event is a JSON object with a non-empty EventId (what deduplication keys
// on) and TransferId (what reading the transfer back needs). Fields this package does
// not know are ignored, and a status it does not know is kept as it is; a known field
// of the wrong JSON type makes the payload not an event.
func ParseTransferEvent(payload []byte, signature string, secrets ...string) (*TransferEvent, error) {
	if err := Verify(payload, signature, secrets...); err != nil {
		return nil, err
	}
	var w eventJSON
	if err := json.Unmarshal(payload, &w); err != nil {
		return nil, fmt.Errorf("webhook: not a transfer event: %w", err)
	}
	if w.EventID == "" || w.TransferID == "" {
		return nil, errNoIDs
	}
	ev := &TransferEvent{
		ID:                    w.ID,
		EventID:               w.EventID,
		TransferID:            w.TransferID,
		TransactionID:         w.TransactionID,
		UserID:                w.UserID,
		TransferStatus:        mesh.ParseTransferStatus(w.TransferStatus),
		TxHash:                w.TxHash,
		Chain:                 w.Chain,
		Token:                 w.Token,
		SourceAmount:          w.SourceAmount,
		DestinationAmount:     w.DestinationAmount,
		SourceAccountProvider: w.SourceAccountProvider,
		DestinationAddress:    w.DestinationAddress,
		RefundAddress:         w.RefundAddress,
	}
	if w.SentTimestamp != nil {
		ev.SentAt = time.Unix(*w.SentTimestamp, 0).UTC()
	}
	if w.Timestamp != nil {
		ev.ChangedAt = time.UnixMilli(*w.Timestamp).UTC()
	}
	return ev, nil
}
