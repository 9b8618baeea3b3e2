package mesh

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Documented limits of a TransferQuery's lists.
const (
	maxQueryIntegrationIDs = 100
	maxQueryStatuses       = 5
)

// TransferQuery filters and pages Mesh's list of the transfers it initiated for you
// (GET /api/v1/transfers/managed/mesh). A zero field is not sent; a nil
// *TransferQuery is Mesh's first page, unfiltered. Each field's comment names its
// query parameter: a ValidationError's Field names the same parameter.
type TransferQuery struct {
	ID                  string           // Id: Mesh's transfer id, a UUID
	ClientTransactionID string           // ClientTransactionId: the TransactionID of your token request, at most 128 UTF-16 code units
	UserID              string           // UserId: your user id, at most 50 UTF-16 code units
	IntegrationIDs      []string         // IntegrationIds, repeated: source integrations (UUIDs), at most 100
	Statuses            []TransferStatus // Statuses, repeated: at most 5; a status this SDK does not know is sent as it is
	CreatedFrom         time.Time        // FromTimestamp: created at or after, sent as Unix seconds
	CreatedTo           time.Time        // ToTimestamp: created at or before, sent as Unix seconds
	MinAmountInFiat     *float64         // MinAmountInFiat: a pointer, so that an explicit 0 is sent (Float64(0))
	MaxAmountInFiat     *float64         // MaxAmountInFiat
	Hash                string           // Hash: the on-chain transaction hash
	SubClientID         string           // SubClientId: a UUID
	OrderBy             string           // OrderBy, e.g. "createdTimestamp"; any value Mesh may add is sent as it is
	Descending          bool             // DescendingOrder: sent only when true
	Count               int              // Count: page size, at most MaxTransferCount; 0 means Mesh's default (10)
	Offset              int              // Offset: items to skip
}

// Validate checks q against every rule Mesh documents for the transfer list and
// reports every problem at once, as an *InvalidRequestError (matching ErrValidation)
// whose Problems name each query parameter ("Id", "IntegrationIds[3]", "Count"); nil
// when q is valid. A nil q is valid. It refuses only what Mesh documents as invalid:
// an unknown status or OrderBy value is sent for Mesh to judge. Transfers validates q
// anyway.
func (q *TransferQuery) Validate() error {
	if q == nil {
		return nil
	}
	var v InvalidRequestError
	v.uuid("Id", q.ID)
	v.maxLength("ClientTransactionId", q.ClientTransactionID, MaxTransactionIDLength)
	v.maxLength("UserId", q.UserID, MaxUserIDLength)
	if n := len(q.IntegrationIDs); n > maxQueryIntegrationIDs {
		v.addLimit("IntegrationIds", CodeTooMany, maxQueryIntegrationIDs, "must hold at most "+strconv.Itoa(maxQueryIntegrationIDs)+" ids, has "+strconv.Itoa(n))
	}
	for i, id := range q.IntegrationIDs {
		if !isUUID(id) { // an empty entry would be sent too
			v.addCode("IntegrationIds["+strconv.Itoa(i)+"]", CodeNotUUID, "must be a UUID (8-4-4-4-12 hexadecimal digits), e.g. an Integration.ID")
		}
	}
	if n := len(q.Statuses); n > maxQueryStatuses {
		v.addLimit("Statuses", CodeTooMany, maxQueryStatuses, "must hold at most "+strconv.Itoa(maxQueryStatuses)+" statuses, has "+strconv.Itoa(n))
	}
	for i, s := range q.Statuses {
		if strings.TrimSpace(string(s)) == "" { // an empty entry would be sent too
			v.addCode("Statuses["+strconv.Itoa(i)+"]", CodeBlank, "must not be blank (e.g. succeeded)")
		}
	}
	// Compared as sent: in whole seconds.
	if !q.CreatedFrom.IsZero() && !q.CreatedTo.IsZero() && q.CreatedFrom.Unix() > q.CreatedTo.Unix() {
		v.add("FromTimestamp", "CreatedFrom ("+q.CreatedFrom.UTC().Format(time.RFC3339)+") must not be after CreatedTo ("+
			q.CreatedTo.UTC().Format(time.RFC3339)+")")
	}
	finite := func(field string, f *float64) bool {
		if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
			v.addCode(field, CodeOutOfRange, "must be a finite number, got "+formatFloat(*f))
			return false
		}
		return f != nil
	}
	minSet, maxSet := finite("MinAmountInFiat", q.MinAmountInFiat), finite("MaxAmountInFiat", q.MaxAmountInFiat)
	if minSet && maxSet && *q.MinAmountInFiat > *q.MaxAmountInFiat {
		v.add("MinAmountInFiat", "must not be above MaxAmountInFiat ("+formatFloat(*q.MinAmountInFiat)+" > "+formatFloat(*q.MaxAmountInFiat)+")")
	}
	v.uuid("SubClientId", q.SubClientID)
	v.notBlank("OrderBy", q.OrderBy)
	switch {
	case q.Count < 0:
		v.addCode("Count", CodeOutOfRange, "must not be negative: 0 means Mesh's default page size")
	case q.Count > MaxTransferCount:
		v.addLimit("Count", CodeOutOfRange, MaxTransferCount, "must be at most "+strconv.Itoa(MaxTransferCount)+
			" (the maximum of Mesh's newer API reference page; its OpenAPI document says 100), got "+strconv.Itoa(q.Count))
	}
	switch {
	case q.Offset < 0:
		v.addCode("Offset", CodeOutOfRange, "must not be negative")
	case q.Offset > math.MaxInt32:
		v.addCode("Offset", CodeOutOfRange, "must fit Mesh's int32, got "+strconv.Itoa(q.Offset))
	}
	if len(v.Problems) == 0 {
		return nil
	}
	return &InvalidRequestError{Problems: v.Problems}
}

// values encodes q as Mesh's ASP.NET binder reads it: PascalCase names, a list as its
// name repeated, times as Unix seconds, numbers without an exponent; a zero field is
// left out. A nil q encodes as nil.
func (q *TransferQuery) values() url.Values {
	if q == nil {
		return nil
	}
	v := url.Values{}
	set := func(name, s string) {
		if s != "" {
			v.Set(name, s)
		}
	}
	setTime := func(name string, t time.Time) {
		if !t.IsZero() {
			v.Set(name, strconv.FormatInt(t.Unix(), 10))
		}
	}
	setAmount := func(name string, f *float64) {
		if f != nil {
			v.Set(name, strconv.FormatFloat(*f, 'f', -1, 64))
		}
	}
	setInt := func(name string, n int) {
		if n != 0 {
			v.Set(name, strconv.Itoa(n))
		}
	}
	set("Id", q.ID)
	set("ClientTransactionId", q.ClientTransactionID)
	set("UserId", q.UserID)
	for _, id := range q.IntegrationIDs {
		v.Add("IntegrationIds", id)
	}
	for _, s := range q.Statuses {
		v.Add("Statuses", string(s))
	}
	setTime("FromTimestamp", q.CreatedFrom)
	setTime("ToTimestamp", q.CreatedTo)
	setAmount("MinAmountInFiat", q.MinAmountInFiat)
	setAmount("MaxAmountInFiat", q.MaxAmountInFiat)
	set("Hash", q.Hash)
	set("SubClientId", q.SubClientID)
	set("OrderBy", q.OrderBy)
	if q.Descending {
		v.Set("DescendingOrder", "true")
	}
	setInt("Count", q.Count)
	setInt("Offset", q.Offset)
	return v
}
