package meshtest

// Mesh's transfer-status webhooks, as the fake delivers them (mesh-webhooks.md). The
// signature is computed here, not taken from package webhook: a receiver built on the
// SDK is checked against a second reading of the spec.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// signatureHeader is the header of a delivery that carries its signature.
const signatureHeader = "X-Mesh-Signature-256"

// webhookTries is how many times one event is delivered at most: once, and again at
// once (no back-off, so that tests stay fast and deterministic) until the receiver
// answers 200.
const webhookTries = 3

// Delivery is one webhook delivery the fake made: one POST of one event to the
// WithWebhook url. Each try of an event is a Delivery of its own, with the event's
// EventID and a new ID.
type Delivery struct {
	EventID    string // the event's EventId: the same on every try of one status change
	ID         string // the delivery's Id: new on each try
	Body       []byte // exactly the bytes sent and signed
	StatusCode int    // the receiver's answer; 0 when none came within the deadline
}

// Deliveries returns copies of every webhook delivery made so far, retries included,
// oldest first: in the order they were sent. A delivery still waiting for its answer
// (the receiver calls Deliveries while it handles it) has StatusCode 0. Reset forgets
// them.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, len(s.deliveries))
	for i, d := range s.deliveries {
		out[i] = *d
		out[i].Body = bytes.Clone(d.Body)
	}
	return out
}

// transferEvent is the body of a delivery: Mesh's event with its PascalCase keys, in
// the order of Mesh's example.
type transferEvent struct {
	ID                    string       `json:"Id"`
	EventID               string       `json:"EventId"`
	SentTimestamp         int64        `json:"SentTimestamp"` // Unix seconds
	UserID                string       `json:"UserId"`
	TransactionID         *string      `json:"TransactionId"`
	TransferID            string       `json:"TransferId"`
	TransferStatus        string       `json:"TransferStatus"` // capitalised, as in Mesh's example
	TxHash                *string      `json:"TxHash"`
	Chain                 *string      `json:"Chain"`
	Token                 string       `json:"Token"`
	DestinationAddress    string       `json:"DestinationAddress"`
	SourceAccountProvider *string      `json:"SourceAccountProvider"`
	SourceAmount          *json.Number `json:"SourceAmount"` // the exact text of the token request's number
	DestinationAmount     *json.Number `json:"DestinationAmount"`
	RefundAddress         *string      `json:"RefundAddress"`
	Timestamp             int64        `json:"Timestamp"` // Unix milliseconds of the change
}

// newWebhookClient is the client that delivers events: no proxy (a zero
// http.Transport's Proxy is nil), no keep-alive, so that a delivery leaves no
// connection behind, and no redirect followed: a 3xx is an answer other than 200.
func newWebhookClient() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// deliver delivers the event of t's change to its status, made at changed, when
// WithWebhook was given. The caller must not hold s.mu: the receiver may call back
// into the fake while it is delivered.
func (s *Server) deliver(t transferWire, changed time.Time) {
	if !s.cfg.webhook {
		return
	}
	ev := transferEvent{
		EventID:            newUUID(),
		UserID:             t.UserID,
		TransactionID:      t.ClientTransactionID,
		TransferID:         t.ID,
		TransferStatus:     capitalise(t.Status),
		TxHash:             t.Hash,
		Chain:              t.NetworkName,
		Token:              t.Symbol,
		DestinationAddress: t.DestinationAddress,
		SourceAmount:       t.SourceAmount,
		DestinationAmount:  t.DestinationAmount,
		RefundAddress:      t.RefundAddress,
		Timestamp:          changed.UnixMilli(),
	}
	if t.From != nil {
		ev.SourceAccountProvider = t.From.Name
	}
	for range webhookTries {
		ev.ID, ev.SentTimestamp = newUUID(), s.cfg.now().Unix()
		d := &Delivery{EventID: ev.EventID, ID: ev.ID, Body: mustJSON(ev)}
		s.mu.Lock()
		s.deliveries = append(s.deliveries, d) // in the order sent, answered or not
		s.mu.Unlock()
		code := s.post(d.Body)
		s.mu.Lock()
		d.StatusCode = code
		s.mu.Unlock()
		if code == http.StatusOK {
			return
		}
	}
}

// post makes one delivery of body and returns the receiver's status code, or 0 when
// no answer came within the deadline.
func (s *Server) post(body []byte) int {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.webhookURL, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signatureHeader, sign(body, s.cfg.webhookSecret))
	resp, err := s.webhook.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode
}

// sign is the signature Mesh sends with body: standard, padded Base64 of HMAC-SHA256
// keyed with the secret's bytes.
func sign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// capitalise spells a status as Mesh's webhook example does ("Pending"): its first
// letter in upper case.
func capitalise(status string) string {
	if status == "" || status[0] < 'a' || status[0] > 'z' {
		return status
	}
	return string(status[0]-'a'+'A') + status[1:]
}
