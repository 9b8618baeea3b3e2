package mesh

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
)

// Version is the version of this SDK, sent in the User-Agent header.
const Version = "0.3.0"

// Environment selects which Mesh deployment a Client talks to. The zero value is not
// an environment; use Production or Sandbox.
type Environment string

const (
	// Production is Mesh's live integration API (the default).
	Production Environment = "production"
	// Sandbox is Mesh's test deployment, with test credentials and fake brokers.
	Sandbox Environment = "sandbox"
)

// Base URLs of Mesh's integration API.
const (
	ProductionBaseURL = "https://integration-api.meshconnect.com"
	SandboxBaseURL    = "https://sandbox-integration-api.meshconnect.com"
)

// BaseURL returns the base URL of the environment, or "" for an unknown one.
func (e Environment) BaseURL() string {
	switch e {
	case Production:
		return ProductionBaseURL
	case Sandbox:
		return SandboxBaseURL
	}
	return ""
}

// TransferType is the kind of transfer a Link session performs
// (transferOptions.transferType). It is an open set: the constants name the values
// known today, and any other non-blank value is sent as it is, for Mesh to judge, so
// that a value Mesh adds later works before this SDK knows it.
type TransferType string

// Known values of TransferType.
const (
	TransferTypeDeposit     TransferType = "deposit"
	TransferTypePayment     TransferType = "payment"
	TransferTypeOnramp      TransferType = "onramp"
	TransferTypeFiatOnRamp  TransferType = "fiatOnRamp"  // added by Mesh in 2026
	TransferTypeFiatOffRamp TransferType = "fiatOffRamp" // added by Mesh in 2026
)

// VerificationMethod is a way for the user to prove they own a wallet
// (verifyWalletOptions.verificationMethods). It is an open set, like TransferType.
type VerificationMethod string

// VerificationMethodSignedMessage asks the user to sign VerifyWalletOptions.Message;
// it is Mesh's default method.
const VerificationMethodSignedMessage VerificationMethod = "signedMessage"

// NetworkType is the family of a blockchain network: verifyWalletOptions.networkType
// in a request, and Network.NetworkType in Mesh's networks list. It is an open set,
// like TransferType: an answer may carry a value this SDK does not name yet.
type NetworkType string

// Known values of NetworkType.
const (
	NetworkTypeUnknown    NetworkType = "unknown"
	NetworkTypeEVM        NetworkType = "evm"
	NetworkTypeSolana     NetworkType = "solana"
	NetworkTypeBitcoin    NetworkType = "bitcoin"
	NetworkTypeCardano    NetworkType = "cardano"
	NetworkTypeTron       NetworkType = "tron"
	NetworkTypeAvalancheX NetworkType = "avalancheX"
	NetworkTypeTezos      NetworkType = "tezos"
	NetworkTypeDogecoin   NetworkType = "dogecoin"
	NetworkTypeRipple     NetworkType = "ripple"
	NetworkTypeStellar    NetworkType = "stellar"
	NetworkTypeLitecoin   NetworkType = "litecoin"
	NetworkTypeSui        NetworkType = "sui"
	NetworkTypeAptos      NetworkType = "aptos"
	NetworkTypeTVM        NetworkType = "tvm"
	NetworkTypeInjective  NetworkType = "injective"
)

// Documented values of GoodsDetails.GoodsType (Binance Pay). Mesh's schema allows any
// string, and so does Validate.
const (
	GoodsTypeTangible = "01"
	GoodsTypeVirtual  = "02"
)

// Status is the status field of Mesh's response envelope.
type Status string

// Values of Status, spelled as the API spells them.
const (
	StatusOK                         Status = "ok"
	StatusServerFailure              Status = "serverFailure"
	StatusPermissionDenied           Status = "permissionDenied"
	StatusBadRequest                 Status = "badRequest"
	StatusNotFound                   Status = "notFound"
	StatusConflict                   Status = "conflict"
	StatusTooManyRequest             Status = "tooManyRequest"
	StatusLocked                     Status = "locked"
	StatusUnavailableForLegalReasons Status = "unavailableForLegalReasons"
)

// Bool returns a pointer to v, for the optional boolean fields of a request whose
// explicit false differs from leaving them out.
func Bool(v bool) *bool { return &v }

// Float64 returns a pointer to v, for the optional numeric fields of a request whose
// explicit 0 differs from leaving them out.
func Float64(v float64) *float64 { return &v }

// LinkToken is a freshly minted, short-lived (about 10 minutes), single-use token that
// opens Mesh's Link UI.
type LinkToken struct {
	Token       string // content.linkToken: hand it to the Link front end
	PaymentLink string // content.paymentLink, when GeneratePayLink was asked
}

// URL decodes the token into the Link URL it encodes (Mesh's tokens are base64 of an
// https URL), for back ends that redirect a browser straight to Link. It reads the
// token as Mesh's web Link SDK does (atob: the standard base64 alphabet, padding
// optional, ASCII white space ignored), and fails on a token that is not base64 of an
// absolute https URL.
func (t *LinkToken) URL() (*url.URL, error) {
	if t == nil {
		return nil, errors.New("mesh: link token is nil")
	}
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune("\t\n\f\r ", r) { // atob's ASCII white space
			return -1
		}
		return r
	}, t.Token)
	if s == "" {
		return nil, errors.New("mesh: link token is empty")
	}
	if len(s)%4 == 0 { // atob drops the padding of a whole last group only
		s = strings.TrimSuffix(strings.TrimSuffix(s, "="), "=")
	}
	raw, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("mesh: link token is not base64 (standard alphabet)")
	}
	u, err := url.Parse(string(raw))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, errors.New("mesh: link token does not encode an absolute https URL")
	}
	return u, nil
}
