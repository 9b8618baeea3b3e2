package mesh

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"slices"
	"strconv"
)

// Paths of the transfer list and the wallet verifications below the base URL.
const (
	transfersPath           = "/api/v1/transfers/managed/mesh"
	walletVerificationsPath = "/api/v1/wallets/verify"
)

// MaxTransferCount is the largest TransferQuery.Count: the maximum of Mesh's newer API
// reference page ("Get transfers initiated by Mesh"), where the older OpenAPI document
// said 100. It is also the most items a page may hold: a larger page is refused as
// ErrUnexpectedResponse.
const MaxTransferCount = 1000

// Bounds of what is read of an answer (after gzip).
//
// A transfer page holds up to MaxTransferCount items. An item of Mesh's official
// example completed to every documented field (three fees with feeInTransferCurrency,
// two funding methods, bridging details, hash, explorer URL, token, logo and both
// addresses, the newer page's flags: fullTransferItem in the tests) measures 2,533
// bytes as compact JSON: 1,000 of them are 2.5 MB. 8 MiB leaves 3.3 times that (8,388
// bytes an item) for longer ids and messages and the fields Mesh adds, while a hostile
// or broken server still costs bounded memory.
//
// A verification is about 200 bytes in Mesh's example, 1.5 KB with an xPubKey and a
// long signed message; a user's address holds a few. 1 MiB is hundreds of them.
const (
	maxTransferPageBytes        = 8 << 20 // 8 MiB
	maxWalletVerificationsBytes = 1 << 20 // 1 MiB
)

// TransferReader is what consumers depend on and mock to read the transfers and wallet
// verifications that Link tokens started. *Client implements it.
type TransferReader interface {
	Transfers(ctx context.Context, q *TransferQuery, opts ...CallOption) (*TransferPage, error)
	TransferByID(ctx context.Context, id string, opts ...CallOption) (*Transfer, error)
	WalletVerifications(ctx context.Context, userID, address string, opts ...CallOption) ([]WalletVerification, error)
}

var _ TransferReader = (*Client)(nil)

// TransferPage is one page of Mesh's transfer list.
type TransferPage struct {
	Items []Transfer // this page's transfers, at most MaxTransferCount
	Total int        // how many transfers match the query, over all pages
}

// Transfers reads one page of the transfers Mesh initiated for you
// (GET /api/v1/transfers/managed/mesh) that match q; a nil q is Mesh's first page,
// unfiltered. It validates q first and sends nothing when it is invalid (an
// *InvalidRequestError, matching ErrValidation). Errors, retries (it is a read: safe to
// retry) and the secret are handled as by CreateLinkToken; the answer is read up to
// 8 MiB, and a page of more than MaxTransferCount items is refused as
// ErrUnexpectedResponse. Statuses and fields Mesh adds later decode as data.
//
// Several transfers may share one ClientTransactionID (a user who failed once, then
// paid): look for the one that succeeded.
func (c *Client) Transfers(ctx context.Context, q *TransferQuery, opts ...CallOption) (*TransferPage, error) {
	return c.transferPage(ctx, q, q.Validate(), opts)
}

// transferPage reads the page of q, or refuses it with invalid before sending.
func (c *Client) transferPage(ctx context.Context, q *TransferQuery, invalid error, opts []CallOption) (*TransferPage, error) {
	var out transferPageContent
	r := request{method: http.MethodGet, path: transfersPath, query: q.values(), limit: maxTransferPageBytes, out: &out, invalid: invalid}
	if err := c.call(ctx, r, opts); err != nil {
		return nil, err
	}
	return &TransferPage{Items: out.Items.items, Total: *out.Total}, nil
}

// AllTransfers returns every transfer matching q, page after page from q.Offset, until
// Total is reached or a page comes back empty; a nil q reads the whole list. q is read
// when AllTransfers is called and never changed; each range over the sequence starts
// again from q.Offset. q.Count sets the page size (0 is Mesh's default of 10; up to
// MaxTransferCount means fewer requests). Each page is one call of Transfers with opts:
// WithResponse reports the last page's call.
//
// The first error (an invalid q included) is yielded once, with a nil *Transfer, and
// ends the sequence. A loop that breaks stops it without another request.
//
// Paging is by offset: transfers created while the sequence runs may shift a page, so
// that an item is seen twice or not at all. Bound CreatedTo, or order by
// createdTimestamp ascending, for a stable walk.
func (c *Client) AllTransfers(ctx context.Context, q *TransferQuery, opts ...CallOption) iter.Seq2[*Transfer, error] {
	var start TransferQuery
	if q != nil {
		start = *q
		start.IntegrationIDs = slices.Clone(q.IntegrationIDs)
		start.Statuses = slices.Clone(q.Statuses)
		start.MinAmountInFiat = clonePtr(q.MinAmountInFiat)
		start.MaxAmountInFiat = clonePtr(q.MaxAmountInFiat)
	}
	return func(yield func(*Transfer, error) bool) {
		page := start
		for {
			p, err := c.Transfers(ctx, &page, opts...)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range p.Items {
				if !yield(&p.Items[i], nil) {
					return
				}
			}
			page.Offset += len(p.Items)
			if len(p.Items) == 0 || page.Offset >= p.Total {
				return
			}
		}
	}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// TransferByID reads back the transfer with Mesh's id (Transfer.ID, or the transferId
// of a webhook event or of Link's onTransferFinished). An event or a front-end callback
// is a hint; this read is the record: check its Status (TransferStatusSucceeded),
// amount and ClientTransactionID here before releasing anything.
//
// Mesh has no endpoint for one transfer: this is the transfer list filtered by Id. It
// returns only an item whose ID is id (compared case-insensitively), so that a server or
// proxy that ignores the filter cannot make it return another transfer. When there is
// none, the error matches ErrNotFound and names id. An id that is not a UUID is refused
// before sending (ErrValidation, Field "Id"). Errors and retries are those of
// Transfers.
func (c *Client) TransferByID(ctx context.Context, id string, opts ...CallOption) (*Transfer, error) {
	var invalid error
	if !isUUID(id) {
		const uuid = "must be a UUID (8-4-4-4-12 hexadecimal digits): Mesh's transfer id, Transfer.ID"
		var v InvalidRequestError
		if id == "" {
			v.addCode("Id", CodeRequired, "is required: "+uuid)
		} else {
			v.addCode("Id", CodeNotUUID, uuid)
		}
		invalid = &v
	}
	p, err := c.transferPage(ctx, &TransferQuery{ID: id}, invalid, opts)
	if err != nil {
		return nil, err
	}
	for i := range p.Items {
		if equalFoldASCII(p.Items[i].ID, id) {
			return &p.Items[i], nil
		}
	}
	return nil, &transferNotFoundError{id: id}
}

// transferNotFoundError is TransferByID's answer when Mesh's list holds no transfer
// with the id: it matches ErrNotFound.
type transferNotFoundError struct{ id string } // a UUID: checked before sending

func (e *transferNotFoundError) Error() string {
	return "mesh: not found: Mesh has no transfer with id " + e.id
}

func (e *transferNotFoundError) Is(target error) bool { return target == ErrNotFound }

// transferPageContent is the content of an ok answer of the transfer list.
type transferPageContent struct {
	Items transferItems `json:"items"`
	Total *int          `json:"total"` // required: without it, AllTransfers would stop after one page
}

func (c *transferPageContent) missing() string {
	if !c.Items.present {
		return "content.items"
	}
	if c.Total == nil {
		return "content.total"
	}
	return ""
}

// transferItems is the items of a transfer page: present (empty or null allowed), and
// at most MaxTransferCount of them. No page can legitimately hold more than the largest
// Count, and a small answer of many near-empty items ("{}," is 3 bytes, a Transfer
// several hundred) would decode to far more memory than the byte bound suggests: the
// items are decoded one by one and the page refused at the first one too many.
type transferItems struct {
	items   []Transfer
	present bool
}

var errTooManyTransfers = errors.New("a transfer page holds more than " + strconv.Itoa(MaxTransferCount) + " items, the largest Count")

// UnmarshalJSON decodes the items, null included, and notes that they were there.
func (l *transferItems) UnmarshalJSON(b []byte) error {
	l.present = true
	var err error
	l.items, err = decodeTransfers(json.NewDecoder(bytes.NewReader(b)))
	return err
}

// decodeTransfers decodes the JSON array, or null, that dec is at, item by item, and
// ends in errTooManyTransfers at an item past MaxTransferCount.
func decodeTransfers(dec *json.Decoder) ([]Transfer, error) {
	tok, err := dec.Token()
	if tok == nil || err != nil {
		return nil, err
	}
	if tok != json.Delim('[') {
		return nil, errors.New("content.items is not an array")
	}
	items := []Transfer{}
	for dec.More() {
		if len(items) == MaxTransferCount {
			return nil, errTooManyTransfers
		}
		items = append(items, Transfer{})
		if err := dec.Decode(&items[len(items)-1]); err != nil {
			return nil, err
		}
	}
	_, err = dec.Token() // ']'
	return items, err
}
