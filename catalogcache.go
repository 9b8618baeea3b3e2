package mesh

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// CatalogCache is a CatalogReader that keeps Mesh's three catalogs in memory, for the
// network and integration ids every Link token request needs. Each list is read from
// Mesh at most once per TTL (default 1 hour): when it is older, the first caller
// starts a refresh and every caller that comes meanwhile waits for that same one (one
// call to Mesh, however many callers). When the refresh fails, the copy in memory is
// served while it is younger than the TTL plus the max staleness (default 24 hours);
// after that, or with no copy yet, callers get the refresh's error, whose sentinel
// (ErrServerFailure, ErrUnauthorized, ...) is kept.
//
// A caller waits for a refresh only as long as its own ctx allows: when ctx ends it
// gets ctx's error, and the refresh goes on for the others (it keeps ctx's values, not
// its cancellation; the Client's per-attempt timeout and retry policy bound it). Every
// call returns a copy that the caller may modify.
//
// The opts of its methods are ignored: a refresh serves every caller that waits for
// it, so no one caller's options apply to it. A CatalogCache is safe for concurrent
// use by many goroutines; create one per reader with NewCatalogCache and share it.
type CatalogCache struct {
	r        CatalogReader
	ttl      time.Duration
	maxStale time.Duration

	networks             cacheEntry[Network]
	integrations         cacheEntry[Integration]
	transferIntegrations cacheEntry[TransferIntegration]
}

var _ CatalogReader = (*CatalogCache)(nil)

// CacheOption configures a CatalogCache in NewCatalogCache.
type CacheOption func(*CatalogCache)

// CacheTTL sets how long a list read from Mesh is served without asking Mesh again
// (default 1 hour). 0 asks Mesh on every call, which still shares one call among
// concurrent callers and still serves the copy in memory while Mesh fails.
func CacheTTL(d time.Duration) CacheOption {
	return func(c *CatalogCache) { c.ttl = d }
}

// CacheMaxStale sets how long past its TTL a list is still served while Mesh fails
// (default 24 hours). 0 serves nothing past the TTL: the refresh's error is returned.
func CacheMaxStale(d time.Duration) CacheOption {
	return func(c *CatalogCache) { c.maxStale = d }
}

// NewCatalogCache returns a CatalogCache that reads the catalogs through r, usually
// the *Client, with opts applied over the defaults (CacheTTL 1 hour, CacheMaxStale 24
// hours). It makes no call: the first call of each list does. It panics on a nil r, a
// programming error.
func NewCatalogCache(r CatalogReader, opts ...CacheOption) *CatalogCache {
	if r == nil {
		panic("mesh: NewCatalogCache: nil CatalogReader")
	}
	c := &CatalogCache{r: r, ttl: time.Hour, maxStale: 24 * time.Hour}
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	return c
}

// Networks returns Mesh's networks list, from memory when it is fresh enough.
func (c *CatalogCache) Networks(ctx context.Context, _ ...CallOption) ([]Network, error) {
	return get(ctx, c, &c.networks, c.r.Networks, Network.clone)
}

// Integrations returns Mesh's integrations list, from memory when it is fresh enough.
func (c *CatalogCache) Integrations(ctx context.Context, _ ...CallOption) ([]Integration, error) {
	return get(ctx, c, &c.integrations, c.r.Integrations, Integration.clone)
}

// TransferIntegrations returns Mesh's transfer integrations list, from memory when it
// is fresh enough.
func (c *CatalogCache) TransferIntegrations(ctx context.Context, _ ...CallOption) ([]TransferIntegration, error) {
	return get(ctx, c, &c.transferIntegrations, c.r.TransferIntegrations, TransferIntegration.clone)
}

// cacheEntry is one list in memory, and the refresh of it under way, if any.
type cacheEntry[T any] struct {
	mu      sync.Mutex
	items   []T
	read    time.Time // when items were read from Mesh; zero before the first success
	refresh *refresh[T]
}

// refresh is one call to Mesh that every waiting caller shares; done is closed once
// items and err are set.
type refresh[T any] struct {
	done  chan struct{}
	items []T
	err   error
}

// get serves e's list: from memory while it is younger than the TTL, else from a
// refresh shared with every other caller, else from memory within the max staleness.
func get[T any](ctx context.Context, c *CatalogCache, e *cacheEntry[T], read func(context.Context, ...CallOption) ([]T, error), clone func(T) T) ([]T, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	e.mu.Lock()
	if time.Since(e.read) < c.ttl { // never true of the zero time: Since saturates
		items := e.items
		e.mu.Unlock()
		return cloneAll(items, clone), nil
	}
	f := e.refresh
	if f == nil {
		f = &refresh[T]{done: make(chan struct{})}
		e.refresh = f
		go e.run(context.WithoutCancel(ctx), f, read)
	}
	e.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("mesh: waiting for a catalog: %w", ctx.Err())
	}
	if f.err == nil {
		return cloneAll(f.items, clone), nil
	}
	e.mu.Lock()
	items, at := e.items, e.read
	e.mu.Unlock()
	if !at.IsZero() && time.Since(at)-c.ttl < c.maxStale { // no sum to overflow
		return cloneAll(items, clone), nil
	}
	return nil, f.err
}

// run makes the refresh f and hands its outcome to every waiting caller.
func (e *cacheEntry[T]) run(ctx context.Context, f *refresh[T], read func(context.Context, ...CallOption) ([]T, error)) {
	items, err := read(ctx)
	e.mu.Lock()
	if err == nil {
		e.items, e.read = items, time.Now()
	}
	e.refresh = nil
	e.mu.Unlock()
	f.items, f.err = items, err
	close(f.done)
}

// cloneAll copies items deeply enough that the caller may modify what it gets.
func cloneAll[T any](items []T, clone func(T) T) []T {
	out := make([]T, len(items))
	for i, v := range items {
		out[i] = clone(v)
	}
	return out
}

func (n Network) clone() Network {
	n.SupportedTokens = slices.Clone(n.SupportedTokens)
	n.Tokens = slices.Clone(n.Tokens)
	n.SupportedBrokerTypes = slices.Clone(n.SupportedBrokerTypes)
	return n
}

func (i Integration) clone() Integration {
	i.Categories = slices.Clone(i.Categories)
	return i
}

func (t TransferIntegration) clone() TransferIntegration {
	t.Networks = cloneAll(t.Networks, TransferNetwork.clone)
	return t
}

func (n TransferNetwork) clone() TransferNetwork {
	n.SupportedTokens = slices.Clone(n.SupportedTokens)
	n.SupportedDevices = slices.Clone(n.SupportedDevices)
	return n
}
