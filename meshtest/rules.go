package meshtest

// The documented rules of the request body, written from the wire spec
// (mesh-linktoken-api.md) on the decoded JSON, independently of package mesh's
// Validate: a test that posts what Validate accepts to the fake checks Validate
// against a second reading of the spec, not against itself. From package mesh only
// the list of broker names is taken, as data.

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mesh-go/mesh"
)

// Length limits of the wire spec, in Unicode code points.
const (
	maxUserIDChars        = 50
	maxTransactionIDChars = 128
	maxDescriptionChars   = 256
)

// uuidPattern is a UUID in its canonical 8-4-4-4-12 hexadecimal form, in either case.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Enumerations of the wire spec.
var (
	// unsupportedBrokerTypes are listed by the spec but refused by the API.
	unsupportedBrokerTypes = setOf("deFiWallet", "cryptocurrencyAddress", "cryptocurrencyWallet")
	knownBrokerTypes       = func() map[string]bool {
		m := map[string]bool{}
		for _, b := range mesh.BrokerTypes() {
			m[string(b)] = true
		}
		return m
	}()
	transferTypes       = setOf("deposit", "payment", "onramp")
	goodsTypes          = setOf("01", "02")
	verificationMethods = setOf("signedMessage")
	networkTypes        = setOf("unknown", "evm", "solana", "bitcoin", "cardano", "tron", "avalancheX",
		"tezos", "dogecoin", "ripple", "stellar", "litecoin", "sui", "aptos", "tvm", "injective")
)

func setOf(values ...string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}

// ruleError is the first documented rule a body breaks.
type ruleError struct {
	path    string
	reason  string
	missing bool // userId is absent, null, empty or whitespace-only: errorType missingField
}

func (e *ruleError) message() string { return e.path + ": " + e.reason }

// rules records the first problem it is told about; later ones are ignored.
type rules struct{ first *ruleError }

func (r *rules) fail(path, reason string) {
	if r.first == nil {
		r.first = &ruleError{path: path, reason: reason}
	}
}

// checkRules checks a body that already matches requestSchema against the documented
// rules and returns the first problem, or nil. The order is deterministic: fields in
// the order of the spec's tables, array items by index. Whitespace means
// unicode.IsSpace (strings.TrimSpace); lengths count code points of the decoded string.
//
// Optional UUID fields (integrationId, subClientId, verifyWalletOptions.networkId)
// that are absent, null or "" are not checked: the SDK omits an empty one and never
// sends "", so "" is read as absent. An enum field (brokerType, transferType,
// goodsType, networkType, a verificationMethods entry) that is present must hold one
// of its values; "" is none of them.
func checkRules(body map[string]any) *ruleError {
	userID, _ := body["userId"].(string) // "" when absent or null
	if strings.TrimSpace(userID) == "" {
		return &ruleError{path: "userId", reason: "is required", missing: true}
	}
	var r rules
	if n := utf8.RuneCountInString(userID); n > maxUserIDChars {
		r.fail("userId", "must be 1 to "+strconv.Itoa(maxUserIDChars)+" characters, has "+strconv.Itoa(n))
	}
	if b, ok := body["brokerType"].(string); ok {
		switch {
		case unsupportedBrokerTypes[b]:
			r.fail("brokerType", "is not supported by the API: "+strconv.Quote(b))
		case !knownBrokerTypes[b]:
			r.fail("brokerType", "is not a known broker type: "+strconv.Quote(b))
		}
	}
	r.optionalUUID("integrationId", body["integrationId"])
	r.optionalUUID("subClientId", body["subClientId"])
	if t, ok := body["transferOptions"].(map[string]any); ok {
		r.transferOptions(t)
	}
	if v, ok := body["verifyWalletOptions"].(map[string]any); ok {
		r.verifyWalletOptions(v)
	}
	return r.first
}

func (r *rules) transferOptions(t map[string]any) {
	const p = "transferOptions."
	addrs, _ := t["toAddresses"].([]any)
	for i, a := range addrs {
		r.address(p+"toAddresses["+strconv.Itoa(i)+"].", a.(map[string]any))
	}
	r.amount(p+"amountInFiat", t["amountInFiat"])
	r.maxChars(p+"transactionId", t["transactionId"], maxTransactionIDChars)
	if n, ok := t["clientFee"].(json.Number); ok {
		if d := parseDecimal(n); d.negative() || d.cmpOne() > 0 {
			r.fail(p+"clientFee", "must be a ratio from 0 to 1, got "+string(n))
		}
	}
	r.enum(p+"transferType", t["transferType"], transferTypes, "must be deposit, payment or onramp")
	r.maxChars(p+"description", t["description"], maxDescriptionChars)
	goods, _ := t["goodsDetails"].([]any)
	for i, g := range goods {
		r.enum(p+"goodsDetails["+strconv.Itoa(i)+"].goodsType", g.(map[string]any)["goodsType"], goodsTypes,
			`must be "01" (tangible) or "02" (virtual)`)
	}
}

// address checks one item of transferOptions.toAddresses; p is its path and a dot.
func (r *rules) address(p string, a map[string]any) {
	switch id, _ := a["networkId"].(string); {
	case strings.TrimSpace(id) == "":
		r.fail(p+"networkId", "is required")
	case !uuidPattern.MatchString(id):
		r.fail(p+"networkId", "must be a UUID")
	}
	for _, f := range [...]string{"symbol", "address"} {
		if s, _ := a[f].(string); strings.TrimSpace(s) == "" {
			r.fail(p+f, "is required")
		}
	}
	for _, f := range [...]string{"amount", "displayAmountInFiat", "minAmount", "minAmountInFiat"} {
		r.amount(p+f, a[f])
	}
}

func (r *rules) verifyWalletOptions(v map[string]any) {
	const p = "verifyWalletOptions."
	methods, _ := v["verificationMethods"].([]any)
	signed := false
	for _, m := range methods {
		signed = signed || m == "signedMessage"
	}
	if msg, _ := v["message"].(string); signed && strings.TrimSpace(msg) == "" {
		r.fail(p+"message", "is required with the signedMessage verification method")
	}
	for i, m := range methods {
		r.enum(p+"verificationMethods["+strconv.Itoa(i)+"]", m, verificationMethods, "must be signedMessage")
	}
	r.optionalUUID(p+"networkId", v["networkId"])
	r.enum(p+"networkType", v["networkType"], networkTypes, "is not a known network type")
}

// optionalUUID refuses a value that is set (not absent, null or "") and not a UUID.
func (r *rules) optionalUUID(path string, v any) {
	if s, _ := v.(string); s != "" && !uuidPattern.MatchString(s) {
		r.fail(path, "must be a UUID")
	}
}

// enum refuses a present value that is not one of values.
func (r *rules) enum(path string, v any, values map[string]bool, reason string) {
	if s, ok := v.(string); ok && !values[s] {
		r.fail(path, reason+", got "+strconv.Quote(s))
	}
}

// maxChars refuses a string longer than limit code points.
func (r *rules) maxChars(path string, v any, limit int) {
	s, _ := v.(string)
	if n := utf8.RuneCountInString(s); n > limit {
		r.fail(path, "must be at most "+strconv.Itoa(limit)+" characters, has "+strconv.Itoa(n))
	}
}

// amount refuses a present number below 0.
func (r *rules) amount(path string, v any) {
	if n, ok := v.(json.Number); ok && parseDecimal(n).negative() {
		r.fail(path, "must be a number ≥ 0, got "+string(n))
	}
}
