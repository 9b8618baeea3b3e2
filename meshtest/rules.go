package meshtest

// The documented rules of the request body, written from the wire spec
// (mesh-linktoken-api.md) on the decoded JSON, independently of package mesh: a test
// that posts what mesh's Validate accepts to the fake checks Validate against a second
// reading of the spec, not against itself. Nothing here comes from package mesh, not
// even the list of broker types (brokertypes.go).

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Length limits of the wire spec, in UTF-16 code units, as Mesh's ASP.NET server
// counts a string's length: a character outside the Basic Multilingual Plane (most
// emoji) counts 2.
const (
	maxUserIDLength        = 50
	maxTransactionIDLength = 128
	maxDescriptionLength   = 256
)

// uuidPattern is a UUID in its canonical 8-4-4-4-12 hexadecimal form, in either case.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ruleError is the first documented rule a body breaks.
type ruleError struct {
	path    string
	reason  string
	missing bool // userId is absent, null, empty or blank: errorType missingField
}

func (e *ruleError) message() string { return e.path + ": " + e.reason }

// errorType is the errorType of the badRequest envelope that reports e.
func (e *ruleError) errorType() string {
	if e.missing {
		return ErrorTypeMissingField
	}
	return ErrorTypeInvalidField
}

// rules records the first problem it is told about; later ones are ignored.
type rules struct{ first *ruleError }

func (r *rules) fail(path, reason string) {
	if r.first == nil {
		r.first = &ruleError{path: path, reason: reason}
	}
}

// require refuses a required value that is empty or blank (missingField).
func (r *rules) require(path, s string) {
	if r.first == nil && strings.TrimSpace(s) == "" {
		r.first = &ruleError{path: path, reason: "is required", missing: true}
	}
}

// checkRules checks a body that already matches requestSchema against the documented
// rules and returns the first problem, or nil. The order is deterministic: fields in
// the order of the spec's tables, array items by index. Blank means empty or only
// white space (strings.TrimSpace); lengths count UTF-16 code units.
//
// A property that is null is treated as absent, so its rule does not apply, except
// where the property is required (userId; symbol and address of a destination; message
// with signedMessage). Optional UUID fields (integrationId, subClientId,
// verifyWalletOptions.networkId) that are "" are not checked either: the SDK omits an
// empty one and never sends "", so "" is read as absent.
//
// brokerType is the one closed enum: a value outside the spec's list, or one of the
// three the API does not support, is refused. transferType, networkType, the items of
// verificationMethods and goodsType are open (Mesh extends them): any value but a
// blank one is accepted.
func checkRules(body map[string]any) *ruleError {
	userID, _ := body["userId"].(string) // "" when absent or null
	if strings.TrimSpace(userID) == "" {
		return &ruleError{path: "userId", reason: "is required", missing: true}
	}
	var r rules
	if n := utf16Len(userID); n > maxUserIDLength {
		r.fail("userId", "must be 1 to "+strconv.Itoa(maxUserIDLength)+" characters (UTF-16 code units), has "+strconv.Itoa(n))
	}
	if b, ok := body["brokerType"].(string); ok {
		switch {
		case unsupportedBrokerTypes[b]:
			r.fail("brokerType", "is not supported by the API: "+quote(b))
		case !knownBrokerTypes[b]:
			r.fail("brokerType", "is not a known broker type: "+quote(b))
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
	r.maxLength(p+"transactionId", t["transactionId"], maxTransactionIDLength)
	if n, ok := t["clientFee"].(json.Number); ok {
		if d := parseDecimal(n); d.negative() || d.cmpOne() > 0 {
			r.fail(p+"clientFee", "must be a ratio from 0 to 1, got "+clip(string(n)))
		}
	}
	r.notBlank(p+"transferType", t["transferType"])
	r.maxLength(p+"description", t["description"], maxDescriptionLength)
	goods, _ := t["goodsDetails"].([]any)
	for i, g := range goods {
		r.notBlank(p+"goodsDetails["+strconv.Itoa(i)+"].goodsType", g.(map[string]any)["goodsType"])
	}
}

// address checks one item of transferOptions.toAddresses; p is its path and a dot.
// Mesh's schema marks its three fields optional, but its guides call each a key
// requirement of a destination, as the wire spec does.
func (r *rules) address(p string, a map[string]any) {
	switch id, _ := a["networkId"].(string); {
	case strings.TrimSpace(id) == "":
		r.fail(p+"networkId", "is required")
	case !uuidPattern.MatchString(id):
		r.fail(p+"networkId", "must be a UUID")
	}
	for _, f := range [...]string{"symbol", "address"} {
		r.trimmed(p+f, a[f])
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
		r.notBlank(p+"verificationMethods["+strconv.Itoa(i)+"]", m)
	}
	addresses, _ := v["addresses"].([]any)
	for i, a := range addresses {
		r.trimmed(p+"addresses["+strconv.Itoa(i)+"]", a)
	}
	r.optionalUUID(p+"networkId", v["networkId"])
	r.notBlank(p+"networkType", v["networkType"])
}

// trimmed refuses an address or a symbol that is absent, null, blank, or has leading or
// trailing white space: stricter than Mesh documents, since such a value is a paste
// gone wrong that could send funds astray.
func (r *rules) trimmed(path string, v any) {
	switch s, _ := v.(string); {
	case strings.TrimSpace(s) == "":
		r.fail(path, "is required")
	case strings.TrimSpace(s) != s:
		r.fail(path, "has leading or trailing white space")
	}
}

// optionalUUID refuses a value that is set (not absent, null or "") and not a UUID.
func (r *rules) optionalUUID(path string, v any) {
	if s, _ := v.(string); s != "" && !uuidPattern.MatchString(s) {
		r.fail(path, "must be a UUID")
	}
}

// notBlank refuses a present string of an open enum that is empty or only white
// space: any other value may be one Mesh added, for Mesh to judge.
func (r *rules) notBlank(path string, v any) {
	if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
		r.fail(path, "must not be empty or blank, got "+quote(s))
	}
}

// maxLength refuses a string longer than limit UTF-16 code units.
func (r *rules) maxLength(path string, v any, limit int) {
	s, _ := v.(string)
	if n := utf16Len(s); n > limit {
		r.fail(path, "must be at most "+strconv.Itoa(limit)+" characters (UTF-16 code units), has "+strconv.Itoa(n))
	}
}

// amount refuses a present number below 0.
func (r *rules) amount(path string, v any) {
	if n, ok := v.(json.Number); ok && parseDecimal(n).negative() {
		r.fail(path, "must be a number ≥ 0, got "+clip(string(n)))
	}
}

// utf16Len is the length of s as .NET counts it: in UTF-16 code units. (A decoded
// JSON string is valid UTF-8; a lone surrogate escape was decoded as U+FFFD.)
func utf16Len(s string) int {
	n := 0
	for _, c := range s {
		n += utf16.RuneLen(c)
	}
	return n
}

// maxQuote is the most bytes of the caller's own text (a value, a property or
// parameter name, a path) that a message of the fake repeats: a 100,000-digit number
// must not come back whole in a 100 KB message.
const maxQuote = 64

// clip returns s when it is at most maxQuote bytes long; otherwise its first bytes, cut
// at a rune boundary, and "…".
func clip(s string) string {
	if len(s) <= maxQuote {
		return s
	}
	i := maxQuote
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// quote is clip(s) as a Go string literal, for a message.
func quote(s string) string { return strconv.Quote(clip(s)) }
