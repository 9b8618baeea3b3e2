package meshtest

// The query strings of GET TransfersPath and GET WalletVerificationsPath, read as
// Mesh's ASP.NET server binds them (PascalCase names; an array as its name repeated)
// and checked against the wire spec's rules (mesh-transfers-api.md), by meshtest's own
// reading, as the body rules are.

import (
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Limits of the transfer list's query.
const (
	defaultCount      = 10
	maxCount          = 1000 // the newer reference page's; the OpenAPI document says 100
	maxIntegrationIDs = 100
	maxStatuses       = 5
)

// transferParams are the names GET TransfersPath knows, in the wire spec's order.
// IsSandBox, IncludeRefundInformation and IncludeWebhooksLogs are checked and then
// ignored: the fake has no sandbox, refunds or webhook logs to add.
var transferParams = []string{
	"Count", "Offset", "Id", "ClientTransactionId", "UserId", "IntegrationIds", "Statuses",
	"FromTimestamp", "ToTimestamp", "MinAmountInFiat", "MaxAmountInFiat", "OrderBy",
	"DescendingOrder", "Hash", "SubClientId", "IsSandBox", "IncludeRefundInformation", "IncludeWebhooksLogs",
}

// transferQuery is a query of the transfer list, read and checked.
type transferQuery struct {
	count, offset       int
	id                  string
	clientTransactionID string
	userID              string
	integrationIDs      []string
	statuses            []string
	from, to            *int64
	minFiat, maxFiat    *float64
	orderBy             string // a key of transferOrders, or ""
	descending          bool
	hash                string
	subClientID         string
}

// parseTransferQuery reads the query of GET TransfersPath, or returns its first
// problem.
func parseTransferQuery(raw string) (*transferQuery, *ruleError) {
	p := readQuery(raw, transferParams, "IntegrationIds", "Statuses")
	q := &transferQuery{count: defaultCount}
	if n := p.integer("Count", 32); n != nil {
		q.count = int(*n)
		p.between("Count", *n, 0, maxCount)
	}
	if n := p.integer("Offset", 32); n != nil {
		q.offset = int(*n)
		p.between("Offset", *n, 0, 1<<31-1)
	}
	q.id = p.uuid("Id")
	q.clientTransactionID = p.maxLength("ClientTransactionId", maxTransactionIDLength)
	q.userID = p.maxLength("UserId", maxUserIDLength)
	q.integrationIDs = p.list("IntegrationIds", maxIntegrationIDs)
	for i, id := range q.integrationIDs {
		if !uuidPattern.MatchString(id) {
			p.fail("IntegrationIds", "value "+strconv.Itoa(i+1)+" must be a UUID, got "+quote(id))
		}
	}
	q.statuses = p.list("Statuses", maxStatuses)
	for i, status := range q.statuses {
		if strings.TrimSpace(status) == "" {
			p.fail("Statuses", "value "+strconv.Itoa(i+1)+" must not be blank")
		}
	}
	q.from, q.to = p.integer("FromTimestamp", 64), p.integer("ToTimestamp", 64)
	q.minFiat, q.maxFiat = p.number("MinAmountInFiat"), p.number("MaxAmountInFiat")
	if s := p.str("OrderBy"); s != "" {
		if q.orderBy = orderByName(s); q.orderBy == "" {
			p.fail("OrderBy", "must be one of "+strings.Join(slices.Sorted(maps.Keys(transferOrders)), ", ")+"; got "+quote(s))
		}
	}
	q.descending = p.boolean("DescendingOrder")
	q.hash = p.str("Hash")
	q.subClientID = p.uuid("SubClientId")
	for _, name := range transferParams[len(transferParams)-3:] {
		p.boolean(name)
	}
	if q.from != nil && q.to != nil && *q.from > *q.to {
		p.fail("FromTimestamp", "must not be after ToTimestamp, got "+strconv.FormatInt(*q.from, 10)+" > "+strconv.FormatInt(*q.to, 10))
	}
	if q.minFiat != nil && q.maxFiat != nil && *q.minFiat > *q.maxFiat {
		p.fail("MinAmountInFiat", "must not be above MaxAmountInFiat, got "+
			strconv.FormatFloat(*q.minFiat, 'g', -1, 64)+" > "+strconv.FormatFloat(*q.maxFiat, 'g', -1, 64))
	}
	if p.first != nil {
		return nil, p.first
	}
	return q, nil
}

// orderByName is the OrderBy value s names, matched in any case as ASP.NET binds an
// enum, or "".
func orderByName(s string) string {
	for name := range transferOrders {
		if strings.EqualFold(name, s) {
			return name
		}
	}
	return ""
}

// match reports whether t is one of the transfers q asks for. Ids (UUIDs) and hashes
// (hexadecimal) match in any case, statuses too (as ASP.NET binds an enum); other
// strings match exactly.
func (q *transferQuery) match(t *transferWire) bool {
	fromID := ""
	if t.From != nil {
		fromID = t.From.ID
	}
	switch {
	case q.id != "" && !strings.EqualFold(t.ID, q.id),
		q.clientTransactionID != "" && deref(t.ClientTransactionID) != q.clientTransactionID,
		q.userID != "" && t.UserID != q.userID,
		len(q.integrationIDs) > 0 && !containsFold(q.integrationIDs, fromID),
		len(q.statuses) > 0 && !containsFold(q.statuses, t.Status),
		q.from != nil && t.CreatedTimestamp < *q.from,
		q.to != nil && t.CreatedTimestamp > *q.to,
		q.minFiat != nil && fiat(*t) < *q.minFiat,
		q.maxFiat != nil && fiat(*t) > *q.maxFiat,
		q.hash != "" && !strings.EqualFold(deref(t.Hash), q.hash),
		q.subClientID != "" && !strings.EqualFold(deref(t.SubClientID), q.subClientID):
		return false
	}
	return true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(v string) bool { return strings.EqualFold(v, s) })
}

// verificationQuery is a query of the wallet verifications list.
type verificationQuery struct{ userID, address string }

// parseVerificationQuery reads the query of GET WalletVerificationsPath, or returns
// its first problem. Both UserId and Address are required (missingField).
func parseVerificationQuery(raw string) (verificationQuery, *ruleError) {
	p := readQuery(raw, []string{"UserId", "Address"})
	q := verificationQuery{userID: p.str("UserId"), address: p.str("Address")}
	p.require("UserId", q.userID)
	p.require("Address", q.address)
	p.maxLength("UserId", maxUserIDLength)
	return q, p.first
}

// queryReader reads the parameters of a query string, keeping its first problem.
type queryReader struct {
	rules
	values url.Values
}

// readQuery parses raw and checks its names: each must be one of known, spelt
// exactly (meshtest's choice: ASP.NET matches names in any case, but a name in
// another case, like an unknown one, is a caller's bug Mesh might ignore), and only
// the arrays may be repeated.
func readQuery(raw string, known []string, arrays ...string) *queryReader {
	p := &queryReader{}
	values, err := url.ParseQuery(raw)
	if err != nil {
		p.fail("query string", "is not valid: "+clip(err.Error()))
		return p
	}
	p.values = values
	for _, name := range slices.Sorted(maps.Keys(values)) {
		i := slices.IndexFunc(known, func(k string) bool { return strings.EqualFold(k, name) })
		switch {
		case i < 0:
			p.fail(clip(name), "is not a known query parameter (meshtest refuses unknown names, on purpose)")
		case known[i] != name:
			p.fail(clip(name), "is not a known query parameter: it is spelt "+known[i]+" (meshtest refuses names in another case, on purpose)")
		case len(values[name]) > 1 && !slices.Contains(arrays, name):
			p.fail(name, "must be given once, got "+strconv.Itoa(len(values[name]))+" values")
		}
	}
	return p
}

// str returns the value of name; "" when it is absent or empty (ASP.NET binds an
// empty value as null).
func (p *queryReader) str(name string) string { return p.values.Get(name) }

// list returns the non-empty values of the array name; at most limit.
func (p *queryReader) list(name string, limit int) []string {
	var out []string
	for _, v := range p.values[name] {
		if v != "" {
			out = append(out, v)
		}
	}
	if len(out) > limit {
		p.fail(name, "must have at most "+strconv.Itoa(limit)+" values, got "+strconv.Itoa(len(out)))
	}
	return out
}

// uuid returns the value of name, which must be a UUID.
func (p *queryReader) uuid(name string) string {
	s := p.str(name)
	if s != "" && !uuidPattern.MatchString(s) {
		p.fail(name, "must be a UUID, got "+quote(s))
	}
	return s
}

// maxLength returns the value of name, at most limit UTF-16 code units long.
func (p *queryReader) maxLength(name string, limit int) string {
	s := p.str(name)
	p.rules.maxLength(name, s, limit)
	return s
}

// integer returns the value of name as a signed integer of bits bits, or nil.
func (p *queryReader) integer(name string, bits int) *int64 {
	s := p.str(name)
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		p.fail(name, "must be a "+strconv.Itoa(bits)+"-bit integer, got "+quote(s))
		return nil
	}
	return &n
}

// between refuses n outside [lo, hi].
func (p *queryReader) between(name string, n, lo, hi int64) {
	switch {
	case n < lo:
		p.fail(name, "must not be negative, got "+strconv.FormatInt(n, 10))
	case n > hi:
		p.fail(name, "must be at most "+strconv.FormatInt(hi, 10)+", got "+strconv.FormatInt(n, 10))
	}
}

// decimalPattern is a number as .NET's double parsing reads it by default, without
// the spellings Go's ParseFloat adds (hexadecimal, Inf, NaN, underscores).
var decimalPattern = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// number returns the value of name as a finite number, or nil.
func (p *queryReader) number(name string) *float64 {
	s := p.str(name)
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !decimalPattern.MatchString(s) {
		p.fail(name, "must be a finite decimal number, got "+quote(s))
		return nil
	}
	return &f
}

// boolean returns the value of name: true or false in any case, as ASP.NET reads a
// bool.
func (p *queryReader) boolean(name string) bool {
	switch s := p.str(name); {
	case s == "" || strings.EqualFold(s, "false"):
		return false
	case strings.EqualFold(s, "true"):
		return true
	default:
		p.fail(name, "must be true or false, got "+quote(s))
		return false
	}
}
