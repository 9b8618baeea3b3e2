package mesh

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the request's fields, from the product spec.
const (
	MaxUserIDLength        = 50  // characters; Mesh's newer docs allow 300, the product spec 50
	MaxTransactionIDLength = 128 // characters
	MaxDescriptionLength   = 256 // characters
)

// CreateLinkTokenRequest is the body of POST /api/v1/linktoken. Only UserID is
// required; a field left at its zero value is not sent. Call Validate to check it
// without sending; CreateLinkToken validates it anyway.
type CreateLinkTokenRequest struct {
	// UserID is a stable id of the end user in your system, 1–50 characters. It must
	// not be PII such as an e-mail address or a phone number.
	UserID string `json:"userId"`
	// BrokerType opens Link on one integration instead of its catalog.
	//
	// Deprecated: Mesh prefers IntegrationID, an id from its integrations list.
	BrokerType BrokerType `json:"brokerType,omitempty"`
	// IntegrationID (a UUID from Mesh's integrations list) opens Link on one
	// integration instead of its catalog.
	IntegrationID string `json:"integrationId,omitempty"`
	// RestrictMultipleAccounts, when set, hides Link's "Link another account" button
	// (true) or shows it (false); Mesh's newer docs say it defaults to true.
	RestrictMultipleAccounts *bool `json:"restrictMultipleAccounts,omitempty"`
	// DisableAPIKeyGeneration disables Link's offer to generate an API key on direct
	// integrations.
	DisableAPIKeyGeneration *bool `json:"disableApiKeyGeneration,omitempty"`
	// SubClientID (a UUID) names the sub-client of a B2B2B client.
	SubClientID string `json:"subClientId,omitempty"`
	// TransferOptions configures a transfer or payment in Link.
	TransferOptions *TransferOptions `json:"transferOptions,omitempty"`
	// VerifyWalletOptions asks the user to prove they own a self-hosted wallet.
	VerifyWalletOptions *VerifyWalletOptions `json:"verifyWalletOptions,omitempty"`
}

// TransferOptions configures a transfer (deposit, payment or on-ramp) in Link.
type TransferOptions struct {
	// ToAddresses are the destinations the user may send to; with exactly one, Link
	// skips the choice of asset and network.
	ToAddresses []TransferAddress `json:"toAddresses,omitempty"`
	// AmountInFiat is the amount in USD (finite, ≥ 0); when nil the user picks it.
	AmountInFiat *float64 `json:"amountInFiat,omitempty"`
	// TransactionID is your own id for reconciliation, at most 128 characters.
	TransactionID string `json:"transactionId,omitempty"`
	// ClientFee is your fee as a ratio in [0, 1] (0.025 = 2.5%). It overrides the
	// dashboard's default, so an explicit Float64(0) means no fee.
	ClientFee *float64 `json:"clientFee,omitempty"`
	// TransferType is deposit, payment or onramp.
	TransferType TransferType `json:"transferType,omitempty"`
	// IsInclusiveFeeEnabled includes the fees in the amount.
	IsInclusiveFeeEnabled *bool `json:"isInclusiveFeeEnabled,omitempty"`
	// Description is shown by Binance Pay, at most 256 characters.
	Description string `json:"description,omitempty"`
	// GoodsDetails describe what is paid for (Binance Pay).
	GoodsDetails []GoodsDetails `json:"goodsDetails,omitempty"`
	// GeneratePayLink asks Mesh to also return a payment link (LinkToken.PaymentLink).
	GeneratePayLink *bool `json:"generatePayLink,omitempty"`
}

// TransferAddress is one destination of a transfer.
type TransferAddress struct {
	NetworkID           string   `json:"networkId"`                     // required: a UUID from Mesh's networks list
	Symbol              string   `json:"symbol"`                        // required: asset symbol, e.g. "USDC"
	Address             string   `json:"address"`                       // required: destination address
	AddressTag          string   `json:"addressTag,omitempty"`          // memo or tag on chains that use one (XRP, ...)
	Amount              *float64 `json:"amount,omitempty"`              // amount of tokens, finite and ≥ 0
	DisplayAmountInFiat *float64 `json:"displayAmountInFiat,omitempty"` // fiat amount to display, finite and ≥ 0
	MinAmount           *float64 `json:"minAmount,omitempty"`           // minimum token amount, finite and ≥ 0
	MinAmountInFiat     *float64 `json:"minAmountInFiat,omitempty"`     // minimum fiat amount, finite and ≥ 0
}

// GoodsDetails describes goods paid for with Binance Pay. All fields are optional;
// GoodsType is GoodsTypeTangible ("01") or GoodsTypeVirtual ("02").
type GoodsDetails struct {
	GoodsType        string `json:"goodsType,omitempty"`
	GoodsCategory    string `json:"goodsCategory,omitempty"`
	ReferenceGoodsID string `json:"referenceGoodsId,omitempty"`
	GoodsName        string `json:"goodsName,omitempty"`
	GoodsDetail      string `json:"goodsDetail,omitempty"`
}

// VerifyWalletOptions asks the user to prove ownership of a self-hosted wallet.
type VerifyWalletOptions struct {
	// Message is the text to sign; required when VerificationMethods holds
	// VerificationMethodSignedMessage. With no VerificationMethods, Mesh applies its
	// default (a signed message) and Validate does not require Message: the API
	// documents the rule only for an explicit signedMessage, so Mesh decides.
	Message string `json:"message,omitempty"`
	// VerificationMethods are the accepted proofs (Mesh's default: signed message).
	VerificationMethods []VerificationMethod `json:"verificationMethods,omitempty"`
	// Addresses the user must verify; any other address fails.
	Addresses []string `json:"addresses,omitempty"`
	// NetworkID (a UUID) is the network to verify; Mesh checks it only with Addresses.
	NetworkID string `json:"networkId,omitempty"`
	// NetworkType is the family of the network.
	NetworkType NetworkType `json:"networkType,omitempty"`
}

// Validate checks r against every documented rule of the API and reports every
// problem at once. The error matches ErrValidation, and its tree (Unwrap() []error)
// holds one *ValidationError per problem, each naming the field's JSON path. A valid
// request costs no allocation.
func (r *CreateLinkTokenRequest) Validate() error {
	if r == nil {
		return &invalidRequest{validationErrors{&ValidationError{Reason: "request is nil"}}}
	}
	var errs validationErrors
	switch n := utf8.RuneCountInString(r.UserID); {
	case strings.TrimSpace(r.UserID) == "":
		errs = errs.add("userId", "is required")
	case n > MaxUserIDLength:
		errs = errs.add("userId", "must be at most "+strconv.Itoa(MaxUserIDLength)+" characters, has "+strconv.Itoa(n))
	}
	if r.BrokerType != "" {
		switch {
		case !r.BrokerType.IsKnown():
			errs = errs.add("brokerType", "is not a known broker type")
		case !r.BrokerType.IsSupported():
			errs = errs.add("brokerType", "is not supported by the API")
		}
	}
	errs = errs.uuid("integrationId", r.IntegrationID)
	errs = errs.uuid("subClientId", r.SubClientID)
	if t := r.TransferOptions; t != nil {
		errs = t.validate(errs)
	}
	if v := r.VerifyWalletOptions; v != nil {
		errs = v.validate(errs)
	}
	if len(errs) == 0 {
		return nil
	}
	return &invalidRequest{errs}
}

func (t *TransferOptions) validate(errs validationErrors) validationErrors {
	for i := range t.ToAddresses {
		errs = t.ToAddresses[i].validate(errs, i)
	}
	errs = errs.amount("transferOptions.amountInFiat", t.AmountInFiat)
	if n := utf8.RuneCountInString(t.TransactionID); n > MaxTransactionIDLength {
		errs = errs.add("transferOptions.transactionId", "must be at most "+strconv.Itoa(MaxTransactionIDLength)+" characters, has "+strconv.Itoa(n))
	}
	if f := t.ClientFee; f != nil && !(*f >= 0 && *f <= 1) { // also refuses NaN
		errs = errs.add("transferOptions.clientFee", "must be a ratio from 0 to 1, got "+formatFloat(*f))
	}
	if t.TransferType != "" && !t.TransferType.valid() {
		errs = errs.add("transferOptions.transferType", "must be deposit, payment or onramp")
	}
	if n := utf8.RuneCountInString(t.Description); n > MaxDescriptionLength {
		errs = errs.add("transferOptions.description", "must be at most "+strconv.Itoa(MaxDescriptionLength)+" characters, has "+strconv.Itoa(n))
	}
	for i := range t.GoodsDetails {
		if g := t.GoodsDetails[i].GoodsType; g != "" && g != GoodsTypeTangible && g != GoodsTypeVirtual {
			errs = errs.add("transferOptions.goodsDetails["+strconv.Itoa(i)+"].goodsType", `must be "01" (tangible) or "02" (virtual)`)
		}
	}
	return errs
}

// validate reports the problems of the i-th address of transferOptions.toAddresses.
func (a *TransferAddress) validate(errs validationErrors, i int) validationErrors {
	// The path is built only for a problem, so a valid address costs no allocation.
	path := func(field string) string {
		return "transferOptions.toAddresses[" + strconv.Itoa(i) + "]." + field
	}
	switch {
	case a.NetworkID == "":
		errs = errs.add(path("networkId"), "is required")
	case !isUUID(a.NetworkID):
		errs = errs.add(path("networkId"), "must be a UUID")
	}
	if strings.TrimSpace(a.Symbol) == "" {
		errs = errs.add(path("symbol"), "is required")
	}
	if strings.TrimSpace(a.Address) == "" {
		errs = errs.add(path("address"), "is required")
	}
	for _, f := range [...]struct {
		name  string
		value *float64
	}{{"amount", a.Amount}, {"displayAmountInFiat", a.DisplayAmountInFiat}, {"minAmount", a.MinAmount}, {"minAmountInFiat", a.MinAmountInFiat}} {
		if !validAmount(f.value) {
			errs = errs.add(path(f.name), amountReason(*f.value))
		}
	}
	return errs
}

func (v *VerifyWalletOptions) validate(errs validationErrors) validationErrors {
	signed := false
	for i, m := range v.VerificationMethods {
		if !m.valid() {
			errs = errs.add("verifyWalletOptions.verificationMethods["+strconv.Itoa(i)+"]", "must be signedMessage")
		}
		signed = signed || m == VerificationMethodSignedMessage
	}
	if signed && strings.TrimSpace(v.Message) == "" {
		errs = errs.add("verifyWalletOptions.message", "is required with the signedMessage verification method")
	}
	errs = errs.uuid("verifyWalletOptions.networkId", v.NetworkID)
	if v.NetworkType != "" && !v.NetworkType.valid() {
		errs = errs.add("verifyWalletOptions.networkType", "is not a known network type")
	}
	return errs
}

func (v validationErrors) add(field, reason string) validationErrors {
	return append(v, &ValidationError{Field: field, Reason: reason})
}

// uuid refuses a set field that is not a UUID.
func (v validationErrors) uuid(field, s string) validationErrors {
	if s != "" && !isUUID(s) {
		return v.add(field, "must be a UUID")
	}
	return v
}

// amount refuses a set amount that is negative, NaN or infinite.
func (v validationErrors) amount(field string, f *float64) validationErrors {
	if !validAmount(f) {
		return v.add(field, amountReason(*f))
	}
	return v
}

func amountReason(f float64) string { return "must be a finite number ≥ 0, got " + formatFloat(f) }

func validAmount(f *float64) bool {
	return f == nil || (*f >= 0 && !math.IsInf(*f, 1)) // NaN fails >= 0
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// isUUID reports whether s is a UUID in its canonical 8-4-4-4-12 hexadecimal form,
// in either case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !isHex(c) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// CreateLinkToken mints a link token for req. It validates req first and sends
// nothing when it is invalid (the error matches ErrValidation). It retries transport
// failures, 429 and 5xx answers according to the client's RetryPolicy, and stops as
// soon as ctx is done. Any other failure from Mesh is an *APIError matching exactly one
// sentinel; failures of the network keep their cause (errors.Is(err,
// context.DeadlineExceeded) holds when a deadline ended the call).
func (c *Client) CreateLinkToken(ctx context.Context, req *CreateLinkTokenRequest) (*LinkToken, error) {
	if !c.usable() {
		return nil, errNilClient
	}
	if ctx == nil {
		return nil, errNilContext
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	// The body is the call's own: every attempt reads it, and a Transport may go on
	// reading it after the call returned, so it is never shared or pooled.
	body, err := json.Marshal(req)
	if err != nil {
		return nil, &ValidationError{Reason: "cannot be encoded as JSON: " + err.Error()}
	}
	return c.send(ctx, body)
}
