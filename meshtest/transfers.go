package meshtest

// The transfers and wallet verifications the fake holds, and the two GETs that serve
// them (mesh-transfers-api.md).

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Paths of the endpoints that confirm what a link token started (GET).
const (
	// TransfersPath lists the transfers Mesh initiated for you: content.items[] and
	// content.total, filtered and paged by the query (see the package doc).
	TransfersPath = "/api/v1/transfers/managed/mesh"
	// WalletVerificationsPath lists the verifications of a user's wallet address:
	// content.verifications[], for the query's UserId and Address.
	WalletVerificationsPath = "/api/v1/wallets/verify"
)

// transferWire is an item of the transfer list as the fake sends it, written from the
// wire facts rather than taken from package mesh, so that a JSON name package mesh
// got wrong fails its tests against the fake. Every documented field is present; the
// ones the fake never fills are null. Amounts keep the exact text of the token
// request's numbers.
type transferWire struct {
	ID                           string          `json:"id"`
	ClientTransactionID          *string         `json:"clientTransactionId"`
	InstitutionTransactionID     *string         `json:"institutionTransactionId"`
	UserID                       string          `json:"userId"`
	Status                       string          `json:"status"`
	AmountInFiat                 json.Number     `json:"amountInFiat"` // "" is sent as 0
	AmountToReceiveInFiat        json.Number     `json:"amountToReceiveInFiat"`
	AmountInFiatCurrencyCode     string          `json:"amountInFiatCurrencyCode"`
	Amount                       json.Number     `json:"amount"`
	AmountToReceive              json.Number     `json:"amountToReceive"`
	Symbol                       string          `json:"symbol"`
	TokenAddress                 *string         `json:"tokenAddress"`
	NetworkName                  *string         `json:"networkName"`
	NetworkID                    string          `json:"networkId"`
	NetworkLogoURL               *string         `json:"networkLogoUrl"`
	CreatedTimestamp             int64           `json:"createdTimestamp"`
	ExecutedTimestamp            *int64          `json:"executedTimestamp"`
	From                         *transferSource `json:"from"`
	Hash                         *string         `json:"hash"`
	InfoURL                      *string         `json:"infoUrl"`
	SubClientID                  *string         `json:"subClientId"`
	GasFee                       json.RawMessage `json:"gasFee"` // always null: the fake charges no fees
	WithdrawalFee                json.RawMessage `json:"withdrawalFee"`
	ProcessingFee                json.RawMessage `json:"processingFee"`
	TransferType                 *string         `json:"transferType"`
	IsFeeIncluded                bool            `json:"isFeeIncluded"`
	SourceAmount                 *json.Number    `json:"sourceAmount"`
	DestinationAmount            *json.Number    `json:"destinationAmount"`
	DestinationAmountInFiat      *json.Number    `json:"destinationAmountInFiat"`
	TotalFeesAmountInFiat        json.Number     `json:"totalFeesAmountInFiat"`
	TotalTransactionAmountInFiat json.Number     `json:"totalTransactionAmountInFiat"`
	FundingMethods               json.RawMessage `json:"fundingMethods"` // always null
	DestinationAddress           string          `json:"destinationAddress"`
	RefundAddress                *string         `json:"refundAddress"`
	BridgingDetails              json.RawMessage `json:"bridgingDetails"` // always null
}

// transferSource is a transfer's from: the integration it came from.
type transferSource struct {
	ID      string  `json:"id"`
	Type    *string `json:"type"`
	Name    *string `json:"name"`
	LogoURL *string `json:"logoUrl"`
}

// verificationWire is an item of the wallet verifications list as the fake sends it.
type verificationWire struct {
	UserID             string  `json:"userId"`
	Address            string  `json:"address"`
	XPubKey            *string `json:"xPubKey"` // always null: the fake's wallets are not Bitcoin xpubs
	NetworkType        string  `json:"networkType"`
	VerificationMethod string  `json:"verificationMethod"`
	Message            string  `json:"message"`
	SignedMessageHash  string  `json:"signedMessageHash"`
	Timestamp          int64   `json:"timestamp"`
}

// newTransfer builds the pending transfer of a payment with req's token (see
// PayWithLink), created at now.
func newTransfer(req *tokenRequest, now time.Time) *transferWire {
	opts := req.TransferOptions
	dest := opts.ToAddresses[0]
	amount := dest.Amount
	if amount == "" {
		amount = opts.AmountInFiat // 1 token = 1 USD: the fake has no prices
	}
	t := &transferWire{
		ID:                           newUUID(),
		ClientTransactionID:          nullable(opts.TransactionID),
		UserID:                       req.UserID,
		Status:                       statusPending,
		AmountInFiat:                 opts.AmountInFiat,
		AmountToReceiveInFiat:        opts.AmountInFiat,
		AmountInFiatCurrencyCode:     "USD",
		Amount:                       amount,
		AmountToReceive:              amount,
		Symbol:                       dest.Symbol,
		NetworkID:                    dest.NetworkID,
		CreatedTimestamp:             now.Unix(),
		From:                         sourceOf(req),
		SubClientID:                  nullable(req.SubClientID),
		TransferType:                 nullable(opts.TransferType),
		TotalFeesAmountInFiat:        "0",
		TotalTransactionAmountInFiat: opts.AmountInFiat,
		DestinationAddress:           dest.Address,
	}
	if amount != "" {
		source, destination := amount, amount
		t.SourceAmount, t.DestinationAmount = &source, &destination
	}
	if fiat := opts.AmountInFiat; fiat != "" {
		t.DestinationAmountInFiat = &fiat
	}
	if n := findNetwork(dest.NetworkID); n != nil {
		t.NetworkName, t.NetworkLogoURL = &n.Name, &n.LogoURL
	}
	return t
}

// sourceOf is the from of a payment with req's token: see PayWithLink.
func sourceOf(req *tokenRequest) *transferSource {
	pick := func(match func(in *integration) bool) *transferSource {
		for _, in := range integrationList() {
			if match(&in) {
				return &transferSource{ID: in.ID, Type: &in.Type, Name: &in.Name, LogoURL: &in.Logo.LogoColorURL}
			}
		}
		return nil
	}
	if id := req.IntegrationID; id != "" {
		if src := pick(func(in *integration) bool { return strings.EqualFold(in.ID, id) }); src != nil {
			return src
		}
		return &transferSource{ID: id}
	}
	if b := req.BrokerType; b != "" {
		if src := pick(func(in *integration) bool { return in.Type == b }); src != nil {
			return src
		}
	}
	return pick(func(in *integration) bool { return in.ID == CoinbaseIntegrationID })
}

// findNetwork returns the network of the fake's catalog with id (in any case), or nil.
func findNetwork(id string) *network {
	for i := range networks {
		if strings.EqualFold(networks[i].ID, id) {
			return &networks[i]
		}
	}
	return nil
}

// nullable is s, or nil (null on the wire) when s is empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// serveTransfers answers GET TransfersPath.
func (s *Server) serveTransfers(w http.ResponseWriter, r *http.Request, _ []byte) {
	q, err := parseTransferQuery(r.URL.RawQuery)
	if err != nil {
		s.badRequest(w, err.errorType(), err.message())
		return
	}
	s.writeOK(w, s.transferPage(q))
}

// transferPage is the content of the answer to q: the page of the matching
// transfers, in q's order, and how many match in all.
func (s *Server) transferPage(q *transferQuery) json.RawMessage {
	var matches []transferWire
	s.mu.Lock()
	for _, t := range s.transfers {
		if q.match(t) {
			matches = append(matches, *t)
		}
	}
	s.mu.Unlock()

	if by := transferOrders[q.orderBy]; by != nil {
		slices.SortStableFunc(matches, by) // ties keep the order of creation
	}
	if q.descending {
		slices.Reverse(matches)
	}
	page := matches[min(q.offset, len(matches)):min(q.offset+q.count, len(matches))]
	return mustJSON(struct {
		Items []transferWire `json:"items"`
		Total int            `json:"total"`
	}{append([]transferWire{}, page...), len(matches)})
}

// transferOrders compares two transfers by each OrderBy value Mesh documents.
var transferOrders = map[string]func(a, b transferWire) int{
	"id":               func(a, b transferWire) int { return strings.Compare(a.ID, b.ID) },
	"clientTransferId": func(a, b transferWire) int { return cmpNullable(a.ClientTransactionID, b.ClientTransactionID) },
	"userId":           func(a, b transferWire) int { return strings.Compare(a.UserID, b.UserID) },
	"fromType":         func(a, b transferWire) int { return cmpNullable(fromType(a), fromType(b)) },
	"amountInFiat":     func(a, b transferWire) int { return cmp.Compare(fiat(a), fiat(b)) },
	"status":           func(a, b transferWire) int { return strings.Compare(a.Status, b.Status) },
	"createdTimestamp": func(a, b transferWire) int { return cmp.Compare(a.CreatedTimestamp, b.CreatedTimestamp) },
	"symbol":           func(a, b transferWire) int { return strings.Compare(a.Symbol, b.Symbol) },
	"networkName":      func(a, b transferWire) int { return cmpNullable(a.NetworkName, b.NetworkName) },
}

// cmpNullable compares two strings of which either may be null, null first.
func cmpNullable(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return strings.Compare(*a, *b)
}

// fromType is the broker type of t's source, or nil.
func fromType(t transferWire) *string {
	if t.From == nil {
		return nil
	}
	return t.From.Type
}

// fiat is t's amountInFiat as a number (0 when absent).
func fiat(t transferWire) float64 {
	f, _ := t.AmountInFiat.Float64() // the schema admitted only finite numbers
	return f
}

// serveVerifications answers GET WalletVerificationsPath.
func (s *Server) serveVerifications(w http.ResponseWriter, r *http.Request, _ []byte) {
	q, err := parseVerificationQuery(r.URL.RawQuery)
	if err != nil {
		s.badRequest(w, err.errorType(), err.message())
		return
	}
	s.writeOK(w, s.verificationList(q))
}

// verificationList is the content of the answer to q: the verifications of its user
// and address (both matched exactly), oldest first.
func (s *Server) verificationList(q verificationQuery) json.RawMessage {
	list := []verificationWire{}
	s.mu.Lock()
	for _, v := range s.verifications {
		if v.UserID == q.userID && v.Address == q.address {
			list = append(list, v)
		}
	}
	s.mu.Unlock()
	return mustJSON(struct {
		Verifications []verificationWire `json:"verifications"`
	}{list})
}

// mustJSON encodes one of the fake's own values, which cannot fail.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("meshtest: " + err.Error())
	}
	return b
}
