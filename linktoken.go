package mesh

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Limits of the request's string fields, counted as Mesh's server (ASP.NET) counts
// them: in UTF-16 code units, so a character outside the Basic Multilingual Plane (most
// emoji) counts 2.
const (
	// MaxUserIDLength is the product spec's limit of UserID. Mesh's newer docs allow
	// 300; this SDK keeps 50, the limit its users were promised.
	MaxUserIDLength        = 50
	MaxTransactionIDLength = 128 // TransferOptions.TransactionID
	MaxDescriptionLength   = 256 // TransferOptions.Description
)

// linkTokenPath is the endpoint's path below the base URL.
const linkTokenPath = "/api/v1/linktoken" //nolint:gosec // G101: a URL path, not a credential

// CreateLinkTokenRequest is the body of POST /api/v1/linktoken. Only UserID is
// required; a field left at its zero value is not sent, and an explicit false or 0 is
// sent through the pointer fields (Bool, Float64). Call Validate to check it without
// sending; CreateLinkToken validates it anyway.
type CreateLinkTokenRequest struct {
	// UserID is a stable id of the end user in your system, 1–50 UTF-16 code units
	// (MaxUserIDLength). It must not be PII such as an e-mail address or a phone
	// number.
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
	// TransactionID is your own id for reconciliation, at most 128 UTF-16 code units.
	TransactionID string `json:"transactionId,omitempty"`
	// ClientFee is your fee as a ratio in [0, 1] (0.025 = 2.5%). It overrides the
	// dashboard's default, so an explicit Float64(0) means no fee.
	ClientFee *float64 `json:"clientFee,omitempty"`
	// TransferType is the kind of transfer (TransferTypePayment, ...). Any non-blank
	// value is sent, for Mesh to judge.
	TransferType TransferType `json:"transferType,omitempty"`
	// FundingOptions lets Link fund the transfer from the user's available buying
	// power (SmartFunding). When set it is sent as {"enabled": true|false}.
	FundingOptions *FundingOptions `json:"fundingOptions,omitempty"`
	// IsInclusiveFeeEnabled includes the fees in the amount.
	IsInclusiveFeeEnabled *bool `json:"isInclusiveFeeEnabled,omitempty"`
	// Description is shown by Binance Pay, at most 256 UTF-16 code units.
	Description string `json:"description,omitempty"`
	// GoodsDetails describe what is paid for (Binance Pay).
	GoodsDetails []GoodsDetails `json:"goodsDetails,omitempty"`
	// GeneratePayLink asks Mesh to also return a payment link (LinkToken.PaymentLink).
	GeneratePayLink *bool `json:"generatePayLink,omitempty"`
}

// TransferAddress is one destination of a transfer.
type TransferAddress struct {
	NetworkID           string   `json:"networkId"`                     // required: a UUID from Mesh's networks list
	Symbol              string   `json:"symbol"`                        // required, no surrounding white space: asset symbol, e.g. "USDC"
	Address             string   `json:"address"`                       // required, no surrounding white space: destination address
	AddressTag          string   `json:"addressTag,omitempty"`          // memo or tag on chains that use one (XRP, ...)
	Amount              *float64 `json:"amount,omitempty"`              // amount of tokens, finite and ≥ 0
	DisplayAmountInFiat *float64 `json:"displayAmountInFiat,omitempty"` // fiat amount to display, finite and ≥ 0
	MinAmount           *float64 `json:"minAmount,omitempty"`           // minimum token amount, finite and ≥ 0
	MinAmountInFiat     *float64 `json:"minAmountInFiat,omitempty"`     // minimum fiat amount, finite and ≥ 0
}

// FundingOptions is transferOptions.fundingOptions (SmartFunding).
type FundingOptions struct {
	Enabled bool `json:"enabled"` // always sent, false included
}

// GoodsDetails describes goods paid for with Binance Pay. All fields are optional;
// GoodsType is documented as GoodsTypeTangible ("01") or GoodsTypeVirtual ("02"), and
// any other non-blank value is sent as it is.
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
	// Addresses the user must verify; any other address fails. Each is checked as a
	// TransferAddress's Address: not blank, no leading or trailing white space.
	Addresses []string `json:"addresses,omitempty"`
	// NetworkID (a UUID) is the network to verify; Mesh checks it only with Addresses.
	NetworkID string `json:"networkId,omitempty"`
	// NetworkType is the family of the network (NetworkTypeEVM, ...). Any non-blank
	// value is sent, for Mesh to judge.
	NetworkType NetworkType `json:"networkType,omitempty"`
}

// Validate checks r against every rule Mesh documents and reports every problem at
// once, as an *InvalidRequestError (matching ErrValidation) whose Problems name each
// field's JSON path and the kind of problem (Code, and Limit where there is one); nil
// when r is valid. It refuses only what Mesh documents as invalid: an unknown
// TransferType, NetworkType, VerificationMethod or GoodsType is sent for Mesh to judge,
// since Mesh adds values; only BrokerType is a closed list.
func (r *CreateLinkTokenRequest) Validate() error {
	if r == nil {
		return &InvalidRequestError{Problems: []*ValidationError{{Code: CodeRequired, Reason: "request is nil: pass a *CreateLinkTokenRequest with at least UserID"}}}
	}
	var v InvalidRequestError
	switch n := utf16Len(r.UserID); {
	case strings.TrimSpace(r.UserID) == "":
		v.addCode("userId", CodeRequired, "is required: a stable id of the user in your system")
	case n > MaxUserIDLength:
		v.addLimit("userId", CodeTooLong, MaxUserIDLength, "must be at most "+strconv.Itoa(MaxUserIDLength)+" UTF-16 code units, has "+strconv.Itoa(n)+
			": use a shorter stable id, e.g. a hash of yours")
	}
	if r.BrokerType != "" {
		switch {
		case !r.BrokerType.IsKnown():
			v.addCode("brokerType", CodeUnknownValue, "is not a known broker type (see mesh.BrokerTypes; prefer IntegrationID)")
		case !r.BrokerType.IsSupported():
			v.addCode("brokerType", CodeUnsupported, "is not supported by the API (prefer IntegrationID)")
		}
	}
	v.uuid("integrationId", r.IntegrationID)
	v.uuid("subClientId", r.SubClientID)
	if t := r.TransferOptions; t != nil {
		t.validate(&v)
	}
	if w := r.VerifyWalletOptions; w != nil {
		w.validate(&v)
	}
	if len(v.Problems) == 0 {
		return nil
	}
	return &InvalidRequestError{Problems: v.Problems}
}

func (t *TransferOptions) validate(v *InvalidRequestError) {
	for i := range t.ToAddresses {
		t.ToAddresses[i].validate(v, i)
	}
	v.amount("transferOptions.amountInFiat", t.AmountInFiat)
	v.maxLength("transferOptions.transactionId", t.TransactionID, MaxTransactionIDLength)
	if f := t.ClientFee; f != nil && !(*f >= 0 && *f <= 1) { // also refuses NaN
		v.addCode("transferOptions.clientFee", CodeOutOfRange, "must be a ratio from 0 to 1 (0.025 is 2.5%), got "+formatFloat(*f))
	}
	v.notBlank("transferOptions.transferType", string(t.TransferType))
	v.maxLength("transferOptions.description", t.Description, MaxDescriptionLength)
	for i := range t.GoodsDetails {
		if g := t.GoodsDetails[i].GoodsType; isBlank(g) { // the path is built only for a problem
			v.addCode("transferOptions.goodsDetails["+strconv.Itoa(i)+"].goodsType", CodeBlank, blankReason)
		}
	}
}

// validate reports the problems of the i-th address of transferOptions.toAddresses.
func (a *TransferAddress) validate(v *InvalidRequestError, i int) {
	// The path is built only for a problem, so a valid address costs no allocation.
	path := func(field string) string {
		return "transferOptions.toAddresses[" + strconv.Itoa(i) + "]." + field
	}
	switch {
	case a.NetworkID == "":
		v.addCode(path("networkId"), CodeRequired, "is required: a network id from Mesh's networks list (Client.Networks)")
	case !isUUID(a.NetworkID):
		v.addCode(path("networkId"), CodeNotUUID, "must be a UUID from Mesh's networks list (Client.Networks)")
	}
	for _, f := range [...]struct{ name, value, reason string }{{"symbol", a.Symbol, "is required, e.g. USDC"}, {"address", a.Address, "is required"}} {
		switch {
		case strings.TrimSpace(f.value) == "":
			v.addCode(path(f.name), CodeRequired, f.reason)
		case untrimmed(f.value):
			v.addCode(path(f.name), CodeUntrimmed, untrimmedReason)
		}
	}
	for _, f := range [...]struct {
		name  string
		value *float64
	}{{"amount", a.Amount}, {"displayAmountInFiat", a.DisplayAmountInFiat}, {"minAmount", a.MinAmount}, {"minAmountInFiat", a.MinAmountInFiat}} {
		if !validAmount(f.value) {
			v.addCode(path(f.name), CodeOutOfRange, amountReason(*f.value))
		}
	}
}

func (w *VerifyWalletOptions) validate(v *InvalidRequestError) {
	signed := false
	for i, m := range w.VerificationMethods {
		if m == "" || isBlank(string(m)) { // an item is sent even when empty
			v.addCode("verifyWalletOptions.verificationMethods["+strconv.Itoa(i)+"]", CodeBlank, "must not be blank (e.g. signedMessage)")
		}
		signed = signed || m == VerificationMethodSignedMessage
	}
	if signed && strings.TrimSpace(w.Message) == "" {
		v.addCode("verifyWalletOptions.message", CodeRequired, "is required with the signedMessage verification method: the text the user signs")
	}
	for i, a := range w.Addresses { // checked as a destination's address is
		switch {
		case strings.TrimSpace(a) == "":
			v.addCode("verifyWalletOptions.addresses["+strconv.Itoa(i)+"]", CodeBlank, "must not be blank: drop the empty entry")
		case untrimmed(a):
			v.addCode("verifyWalletOptions.addresses["+strconv.Itoa(i)+"]", CodeUntrimmed, untrimmedReason)
		}
	}
	v.uuid("verifyWalletOptions.networkId", w.NetworkID)
	v.notBlank("verifyWalletOptions.networkType", string(w.NetworkType))
}

// uuid refuses a set field that is not a UUID.
func (v *InvalidRequestError) uuid(field, s string) {
	if s != "" && !isUUID(s) {
		v.addCode(field, CodeNotUUID, "must be a UUID (8-4-4-4-12 hexadecimal digits)")
	}
}

// notBlank refuses a set field of an open enum that holds only white space; "" is
// unset and not sent.
func (v *InvalidRequestError) notBlank(field, s string) {
	if isBlank(s) {
		v.addCode(field, CodeBlank, blankReason)
	}
}

const blankReason = "must not be blank: leave it empty to not send it"

// isBlank reports whether s is set but holds only white space.
func isBlank(s string) bool { return s != "" && strings.TrimSpace(s) == "" }

const untrimmedReason = "has leading or trailing white space: trim it (strings.TrimSpace)"

// untrimmed reports whether s starts or ends with white space.
func untrimmed(s string) bool { return strings.TrimSpace(s) != s }

// maxLength refuses s longer than limit UTF-16 code units.
func (v *InvalidRequestError) maxLength(field, s string, limit int) {
	if n := utf16Len(s); n > limit {
		v.addLimit(field, CodeTooLong, limit, "must be at most "+strconv.Itoa(limit)+" UTF-16 code units, has "+strconv.Itoa(n))
	}
}

// amount refuses a set amount that is negative, NaN or infinite.
func (v *InvalidRequestError) amount(field string, f *float64) {
	if !validAmount(f) {
		v.addCode(field, CodeOutOfRange, amountReason(*f))
	}
}

func amountReason(f float64) string { return "must be a finite number ≥ 0, got " + formatFloat(f) }

func validAmount(f *float64) bool {
	return f == nil || (*f >= 0 && !math.IsInf(*f, 1)) // NaN fails >= 0
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// utf16Len counts s in UTF-16 code units, as Mesh's server does. An invalid UTF-8 byte
// counts 1: encoding/json sends it as U+FFFD.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

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

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// linkTokenContent is the content of an ok answer to POST /api/v1/linktoken: a
// LinkToken with the wire's names, so that the one decoded is the one returned.
type linkTokenContent struct {
	Token       string `json:"linkToken"`
	PaymentLink string `json:"paymentLink"`
}

func (l *linkTokenContent) missing() string {
	if l.Token == "" {
		return "a link token"
	}
	return ""
}

// CreateLinkToken mints a link token for req. It validates req first and sends
// nothing when it is invalid (an *InvalidRequestError, matching ErrValidation). It
// retries transport failures, 429 and 5xx answers according to the client's
// RetryPolicy, and stops as soon as ctx is done. Any other failure from Mesh is an
// *APIError matching exactly one sentinel; transport failures keep their cause
// (errors.Is(err, context.DeadlineExceeded) holds when a deadline ended the call).
// Answers are read up to 1 MiB. opts change this call only (WithCallRetry,
// WithCallTimeout, WithResponse).
func (c *Client) CreateLinkToken(ctx context.Context, req *CreateLinkTokenRequest, opts ...CallOption) (*LinkToken, error) {
	out := new(linkTokenContent)
	r := request{method: http.MethodPost, path: linkTokenPath, body: req, limit: maxLinkTokenBytes, out: out, invalid: req.Validate()}
	if err := c.call(ctx, r, opts); err != nil {
		return nil, err
	}
	return (*LinkToken)(out), nil // the same fields: a conversion, not a copy
}
