package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/webhook"
)

// order is what the shop sells: an amount in USD, paid in a token to the shop's address
// on one network. Its ID is the TransactionID of the order's link token request, so
// that Mesh's transfer names the order it pays.
type order struct {
	ID        string
	UserID    string
	AmountUSD float64
	Symbol    string
	Address   string
	NetworkID string
}

// shop is the back end of a web shop taking payments through Mesh. A real one keeps its
// orders and the webhook events it has seen in a database, the event ids under a unique
// key; maps stand in for them here.
type shop struct {
	mesh    mesh.TransferReader // where a transfer is read back: the record, not the event
	catalog mesh.CatalogReader  // Mesh's catalogs, cached
	out     io.Writer

	mu      sync.Mutex
	orders  map[string]*order
	paid    map[string]string // order id → the transfer that paid it
	seen    map[string]bool   // event ids: a repeated delivery is skipped
	pending []string          // transfer ids to confirm, recorded by onEvent
}

func newShop(client *mesh.Client, out io.Writer) *shop {
	return &shop{
		mesh:    client,
		catalog: mesh.NewCatalogCache(client, mesh.CacheTTL(time.Hour), mesh.CacheMaxStale(24*time.Hour)),
		out:     out,
		orders:  map[string]*order{},
		paid:    map[string]string{},
		seen:    map[string]bool{},
	}
}

func (s *shop) add(o *order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders[o.ID] = o
}

// onEvent is the function behind webhook.NewHandler, which has verified the signature
// before calling it. It answers fast: it records the event once, under its EventID, and
// leaves the slow work (reading the transfer back) to confirmPending. It trusts nothing
// in the event but "look at transfer TransferID".
func (s *shop) onEvent(_ context.Context, ev *webhook.TransferEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[ev.EventID] {
		fmt.Fprintf(s.out, "webhook: event %s delivered again: skipped\n", ev.EventID)
		return nil
	}
	s.seen[ev.EventID] = true
	s.pending = append(s.pending, ev.TransferID)
	fmt.Fprintf(s.out, "webhook: verified event %s: transfer %s is %s\n", ev.EventID, ev.TransferID, ev.TransferStatus)
	return nil
}

// confirmPending reads back every transfer that an event named, after the events were
// answered, and marks an order paid when its transfer succeeded and matches it.
func (s *shop) confirmPending(ctx context.Context) error {
	s.mu.Lock()
	todo := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, id := range todo {
		if err := s.confirm(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// confirm reads the transfer back from Mesh and compares it with its order: status,
// token, network, destination and amount. Only then is the order paid.
func (s *shop) confirm(ctx context.Context, transferID string) error {
	tr, err := s.mesh.TransferByID(ctx, transferID)
	if err != nil {
		return fmt.Errorf("reading transfer %s back: %w", transferID, err)
	}
	fmt.Fprintf(s.out, "transfer %s: %s (read back from Mesh)\n", tr.ID, tr.Status)
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[tr.ClientTransactionID]
	switch {
	case o == nil:
		fmt.Fprintf(s.out, "transfer %s pays no order of this shop: ignored\n", tr.ID)
	case tr.Status != mesh.TransferStatusSucceeded:
		fmt.Fprintf(s.out, "order %s: not paid yet (transfer %s)\n", o.ID, tr.Status)
	case !matches(o, tr):
		fmt.Fprintf(s.out, "order %s: transfer %s does not match it (%g USD, %s to %s): nothing released\n",
			o.ID, tr.ID, tr.AmountInFiat, tr.Symbol, tr.DestinationAddress)
	case s.paid[o.ID] != "":
		fmt.Fprintf(s.out, "order %s: already paid by transfer %s\n", o.ID, s.paid[o.ID])
	default:
		s.paid[o.ID] = tr.ID
		fmt.Fprintf(s.out, "order %s: paid by transfer %s (%g USD in %s): goods released\n", o.ID, tr.ID, tr.AmountInFiat, tr.Symbol)
	}
	return nil
}

// matches reports whether tr pays o in full, in the asked token, on the asked network,
// to the shop's address.
func matches(o *order, tr *mesh.Transfer) bool {
	return strings.EqualFold(tr.Symbol, o.Symbol) && tr.NetworkID == o.NetworkID &&
		tr.DestinationAddress == o.Address && tr.AmountInFiat >= o.AmountUSD
}

// isPaid reports whether the order was paid.
func (s *shop) isPaid(orderID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paid[orderID] != ""
}
