package mesh

import (
	"encoding/json"
	"time"
)

// TransferStatus is the status of a transfer Mesh initiated: pending, then succeeded or
// failed. It is an open set: the constants name the values known today, and an answer
// (or a webhook) may carry one Mesh adds later, kept as it is.
type TransferStatus string

// Known values of TransferStatus.
const (
	// TransferStatusPending: requested, not final; no hash yet.
	TransferStatusPending TransferStatus = "pending"
	// TransferStatusSucceeded: final; delivered, its hash known.
	TransferStatusSucceeded TransferStatus = "succeeded"
	// TransferStatusFailed: final; nothing was delivered.
	TransferStatusFailed TransferStatus = "failed"
)

// ParseTransferStatus reads a status as Mesh spells it anywhere: a known status in any
// case ("Pending", as Mesh's webhook example says) reads as its constant; anything else
// is kept as it is.
func ParseTransferStatus(s string) TransferStatus {
	for _, known := range [...]TransferStatus{TransferStatusPending, TransferStatusSucceeded, TransferStatusFailed} {
		if equalFoldASCII(s, string(known)) {
			return known
		}
	}
	return TransferStatus(s)
}

// UnmarshalJSON reads a status with ParseTransferStatus, so that "Succeeded" compares
// equal to TransferStatusSucceeded.
func (s *TransferStatus) UnmarshalJSON(b []byte) error {
	var v *string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v == nil {
		*s = ""
		return nil
	}
	*s = ParseTransferStatus(*v)
	return nil
}

// Final reports whether s is an end state (succeeded or failed): a pending transfer, or
// one in a status this SDK does not know, may still change.
func (s TransferStatus) Final() bool {
	return s == TransferStatusSucceeded || s == TransferStatusFailed
}

// equalFoldASCII compares a and b folding ASCII letters only: "ſ" (U+017F) and the
// Kelvin sign do not match "s" and "k", as strings.EqualFold would have them.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// unixSeconds is a time on the wire as Unix seconds (an int64, or null for the zero
// time).
type unixSeconds time.Time

// UnmarshalJSON reads Unix seconds; null leaves the zero time.
func (t *unixSeconds) UnmarshalJSON(b []byte) error {
	var v *int64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v == nil || *v == 0 {
		*t = unixSeconds{}
		return nil
	}
	*t = unixSeconds(time.Unix(*v, 0).UTC())
	return nil
}

// Transfer is one transfer that Mesh initiated for you (an item of the transfer list,
// GET /api/v1/transfers/managed/mesh). Read it back with Client.TransferByID, or find
// your order's with TransferQuery.ClientTransactionID, before releasing goods: a
// webhook or Link's onTransferFinished is a hint, this is the record. Every string may
// be empty (Mesh sends null), and a status or type Mesh adds later is kept as it is.
type Transfer struct {
	ID                           string           // Mesh's transfer id
	ClientTransactionID          string           // the TransactionID of your Link token request
	InstitutionTransactionID     string           // the source institution's id of it
	UserID                       string           // your user id
	Status                       TransferStatus   // pending, succeeded or failed
	AmountInFiat                 float64          // amount in fiat (AmountInFiatCurrencyCode)
	AmountToReceiveInFiat        float64          // the same without fees
	AmountInFiatCurrencyCode     string           // e.g. "USD"
	Amount                       float64          // amount in the token (Symbol)
	AmountToReceive              float64          // the same without fees
	Symbol                       string           // e.g. "USDC"
	TokenAddress                 string           // the token's contract address
	NetworkID                    string           // the network, as in Network.ID
	NetworkName                  string           // e.g. "Polygon"
	NetworkLogoURL               string           // the network's logo
	Hash                         string           // on-chain transaction hash, once known
	InfoURL                      string           // block explorer page
	DestinationAddress           string           // where the funds went
	RefundAddress                string           // where a refund goes
	CreatedAt                    time.Time        // createdTimestamp (Unix seconds), UTC
	ExecutedAt                   time.Time        // executedTimestamp; zero when null
	From                         *TransferSource  // the source integration; nil when null
	SubClientID                  string           // the sub-client of a B2B2B client
	TransferType                 TransferType     // deposit, payment, ...; "" when null
	IsFeeIncluded                bool             // whether the fees are in the amount
	SourceAmount                 *float64         // what left the source; nil when null
	DestinationAmount            *float64         // what the destination received; nil when null
	DestinationAmountInFiat      *float64         // the same in fiat; nil when null
	TotalFeesAmountInFiat        float64          // every fee, in fiat
	TotalTransactionAmountInFiat float64          // amount and fees, in fiat
	GasFee                       *TransferFee     // nil when null
	WithdrawalFee                *TransferFee     // nil when null
	ProcessingFee                *TransferFee     // nil when null
	FundingMethods               []FundingMethod  // how the user funded it (SmartFunding)
	BridgingDetails              *BridgingDetails // cross-chain bridging; nil when null

	// Fields of Mesh's newer API reference, absent from its OpenAPI document.
	IsSmartFundingTransfer  bool                 // funded through SmartFunding
	IsBridgingTransfer      bool                 // crossed chains
	UnitPrice               *float64             // the token's price in fiat; nil when absent
	RequestedTransferAmount *float64             // the amount asked for; nil when absent
	WebhookLogs             []TransferWebhookLog // Mesh's webhook deliveries for it, when asked for
}

// TransferWebhookLog is one webhook delivery Mesh made for a transfer, as its newer
// API reference lists them.
type TransferWebhookLog struct {
	ResponseCode    int       // the receiver's HTTP answer
	WebhookURI      string    // where it was delivered
	SentAt          time.Time // sentTimestamp (Unix seconds), UTC; zero when null
	ResponseMessage string    // the receiver's answer, as Mesh kept it
}

type webhookLogJSON struct {
	ResponseCode    int         `json:"responseCode"`
	WebhookURI      string      `json:"webhookUri"`
	SentTimestamp   unixSeconds `json:"sentTimestamp"`
	ResponseMessage string      `json:"responseMessage"`
}

// UnmarshalJSON decodes a log, its time from Unix seconds.
func (l *TransferWebhookLog) UnmarshalJSON(b []byte) error {
	var w webhookLogJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = TransferWebhookLog{ResponseCode: w.ResponseCode, WebhookURI: w.WebhookURI, SentAt: time.Time(w.SentTimestamp), ResponseMessage: w.ResponseMessage}
	return nil
}

// MarshalJSON encodes a log as Mesh does, its time in Unix seconds.
func (l TransferWebhookLog) MarshalJSON() ([]byte, error) {
	type wire webhookLogJSON
	return json.Marshal(struct {
		wire
		SentTimestamp *int64 `json:"sentTimestamp"`
	}{wire: wire{ResponseCode: l.ResponseCode, WebhookURI: l.WebhookURI, ResponseMessage: l.ResponseMessage}, SentTimestamp: unixOrNil(l.SentAt)})
}

// TransferSource is the integration a transfer came from.
type TransferSource struct {
	ID      string     `json:"id"`      // the integration's id, as in Integration.ID
	Type    BrokerType `json:"type"`    // its broker type, kept as Mesh sends it
	Name    string     `json:"name"`    // e.g. "Robinhood"
	LogoURL string     `json:"logoUrl"` // its logo
}

// TransferFee is one fee of a transfer.
type TransferFee struct {
	Fee                   float64  `json:"fee"`                   // in FeeCurrency
	FeeCurrency           string   `json:"feeCurrency"`           // e.g. "MATIC"
	FeeInFiat             float64  `json:"feeInFiat"`             // in fiat
	FeeInTransferCurrency *float64 `json:"feeInTransferCurrency"` // in the transfer's token, when Mesh sends it
}

// FundingMethod is one way the user funded a transfer (SmartFunding): a conversion
// from another asset, for instance.
type FundingMethod struct {
	Type              string       `json:"type"` // e.g. "cryptocurrencyConversion"
	Amount            float64      `json:"amount"`
	AmountInFiat      float64      `json:"amountInFiat"`
	ToSymbol          string       `json:"toSymbol"`
	FromAmount        float64      `json:"fromAmount"`
	FromSymbol        string       `json:"fromSymbol"`
	PaymentMethodType string       `json:"paymentMethodType"`
	Fee               *TransferFee `json:"fee"`
}

// BridgingDetails describe a cross-chain transfer. Status is one of 18 values Mesh
// documents, kept as it is; SourceSide, TargetSide and Timeline are kept as the raw
// JSON Mesh sent, since their shape is not documented.
type BridgingDetails struct {
	Status            string          `json:"status"`
	StatusDescription string          `json:"statusDescription"`
	TargetSide        json.RawMessage `json:"targetSide"`
	SourceSide        json.RawMessage `json:"sourceSide"`
	Timeline          json.RawMessage `json:"timeline"`
}

// transferJSON is a Transfer as it goes on the wire.
type transferJSON struct {
	ID                           string               `json:"id"`
	ClientTransactionID          string               `json:"clientTransactionId"`
	InstitutionTransactionID     string               `json:"institutionTransactionId"`
	UserID                       string               `json:"userId"`
	Status                       TransferStatus       `json:"status"`
	AmountInFiat                 float64              `json:"amountInFiat"`
	AmountToReceiveInFiat        float64              `json:"amountToReceiveInFiat"`
	AmountInFiatCurrencyCode     string               `json:"amountInFiatCurrencyCode"`
	Amount                       float64              `json:"amount"`
	AmountToReceive              float64              `json:"amountToReceive"`
	Symbol                       string               `json:"symbol"`
	TokenAddress                 string               `json:"tokenAddress"`
	NetworkID                    string               `json:"networkId"`
	NetworkName                  string               `json:"networkName"`
	NetworkLogoURL               string               `json:"networkLogoUrl"`
	Hash                         string               `json:"hash"`
	InfoURL                      string               `json:"infoUrl"`
	DestinationAddress           string               `json:"destinationAddress"`
	RefundAddress                string               `json:"refundAddress"`
	CreatedTimestamp             unixSeconds          `json:"createdTimestamp"`
	ExecutedTimestamp            unixSeconds          `json:"executedTimestamp"`
	From                         *TransferSource      `json:"from"`
	SubClientID                  string               `json:"subClientId"`
	TransferType                 TransferType         `json:"transferType"`
	IsFeeIncluded                bool                 `json:"isFeeIncluded"`
	SourceAmount                 *float64             `json:"sourceAmount"`
	DestinationAmount            *float64             `json:"destinationAmount"`
	DestinationAmountInFiat      *float64             `json:"destinationAmountInFiat"`
	TotalFeesAmountInFiat        float64              `json:"totalFeesAmountInFiat"`
	TotalTransactionAmountInFiat float64              `json:"totalTransactionAmountInFiat"`
	GasFee                       *TransferFee         `json:"gasFee"`
	WithdrawalFee                *TransferFee         `json:"withdrawalFee"`
	ProcessingFee                *TransferFee         `json:"processingFee"`
	FundingMethods               []FundingMethod      `json:"fundingMethods"`
	BridgingDetails              *BridgingDetails     `json:"bridgingDetails"`
	IsSmartFundingTransfer       bool                 `json:"isSmartFundingTransfer"`
	IsBridgingTransfer           bool                 `json:"isBridgingTransfer"`
	UnitPrice                    *float64             `json:"unitPrice,omitempty"`
	RequestedTransferAmount      *float64             `json:"requestedTransferAmount,omitempty"`
	WebhookLogs                  []TransferWebhookLog `json:"webhookLogs,omitempty"`
}

// UnmarshalJSON decodes an item of Mesh's transfer list: timestamps from Unix seconds,
// null as the zero value, unknown fields ignored.
func (t *Transfer) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // as encoding/json leaves a value on null
	}
	var w transferJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = Transfer{
		ID:                           w.ID,
		ClientTransactionID:          w.ClientTransactionID,
		InstitutionTransactionID:     w.InstitutionTransactionID,
		UserID:                       w.UserID,
		Status:                       w.Status,
		AmountInFiat:                 w.AmountInFiat,
		AmountToReceiveInFiat:        w.AmountToReceiveInFiat,
		AmountInFiatCurrencyCode:     w.AmountInFiatCurrencyCode,
		Amount:                       w.Amount,
		AmountToReceive:              w.AmountToReceive,
		Symbol:                       w.Symbol,
		TokenAddress:                 w.TokenAddress,
		NetworkID:                    w.NetworkID,
		NetworkName:                  w.NetworkName,
		NetworkLogoURL:               w.NetworkLogoURL,
		Hash:                         w.Hash,
		InfoURL:                      w.InfoURL,
		DestinationAddress:           w.DestinationAddress,
		RefundAddress:                w.RefundAddress,
		CreatedAt:                    time.Time(w.CreatedTimestamp),
		ExecutedAt:                   time.Time(w.ExecutedTimestamp),
		From:                         w.From,
		SubClientID:                  w.SubClientID,
		TransferType:                 w.TransferType,
		IsFeeIncluded:                w.IsFeeIncluded,
		SourceAmount:                 w.SourceAmount,
		DestinationAmount:            w.DestinationAmount,
		DestinationAmountInFiat:      w.DestinationAmountInFiat,
		TotalFeesAmountInFiat:        w.TotalFeesAmountInFiat,
		TotalTransactionAmountInFiat: w.TotalTransactionAmountInFiat,
		GasFee:                       w.GasFee,
		WithdrawalFee:                w.WithdrawalFee,
		ProcessingFee:                w.ProcessingFee,
		FundingMethods:               w.FundingMethods,
		BridgingDetails:              w.BridgingDetails,
		IsSmartFundingTransfer:       w.IsSmartFundingTransfer,
		IsBridgingTransfer:           w.IsBridgingTransfer,
		UnitPrice:                    w.UnitPrice,
		RequestedTransferAmount:      w.RequestedTransferAmount,
		WebhookLogs:                  w.WebhookLogs,
	}
	return nil
}

// MarshalJSON encodes the transfer as Mesh's transfer list does (a fake's answer, a
// cache), timestamps in Unix seconds and a zero ExecutedAt as null.
func (t Transfer) MarshalJSON() ([]byte, error) {
	w := transferJSON{
		ID: t.ID, ClientTransactionID: t.ClientTransactionID, InstitutionTransactionID: t.InstitutionTransactionID,
		UserID: t.UserID, Status: t.Status, AmountInFiat: t.AmountInFiat, AmountToReceiveInFiat: t.AmountToReceiveInFiat,
		AmountInFiatCurrencyCode: t.AmountInFiatCurrencyCode, Amount: t.Amount, AmountToReceive: t.AmountToReceive,
		Symbol: t.Symbol, TokenAddress: t.TokenAddress, NetworkID: t.NetworkID, NetworkName: t.NetworkName,
		NetworkLogoURL: t.NetworkLogoURL, Hash: t.Hash, InfoURL: t.InfoURL, DestinationAddress: t.DestinationAddress,
		RefundAddress: t.RefundAddress, From: t.From, SubClientID: t.SubClientID, TransferType: t.TransferType,
		IsFeeIncluded: t.IsFeeIncluded, SourceAmount: t.SourceAmount, DestinationAmount: t.DestinationAmount,
		DestinationAmountInFiat: t.DestinationAmountInFiat, TotalFeesAmountInFiat: t.TotalFeesAmountInFiat,
		TotalTransactionAmountInFiat: t.TotalTransactionAmountInFiat, GasFee: t.GasFee, WithdrawalFee: t.WithdrawalFee,
		ProcessingFee: t.ProcessingFee, FundingMethods: t.FundingMethods, BridgingDetails: t.BridgingDetails,
		IsSmartFundingTransfer: t.IsSmartFundingTransfer, IsBridgingTransfer: t.IsBridgingTransfer, UnitPrice: t.UnitPrice,
		RequestedTransferAmount: t.RequestedTransferAmount, WebhookLogs: t.WebhookLogs,
	}
	type wire transferJSON // without the methods
	return json.Marshal(struct {
		wire
		CreatedTimestamp  *int64 `json:"createdTimestamp"`
		ExecutedTimestamp *int64 `json:"executedTimestamp"`
	}{wire: wire(w), CreatedTimestamp: unixOrNil(t.CreatedAt), ExecutedTimestamp: unixOrNil(t.ExecutedAt)})
}

// MarshalJSON keeps a status as it is.
func (s TransferStatus) MarshalJSON() ([]byte, error) { return json.Marshal(string(s)) }

func unixOrNil(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	v := t.Unix()
	return &v
}
