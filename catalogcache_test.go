package mesh

// CatalogCache, every test in a synctest bubble: time.Sleep moves the bubble's clock at
// once, and synctest.Wait is the barrier that says every caller is waiting, so nothing
// depends on the machine's speed.

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeCatalogReader answers each list with a fresh copy of the official examples (as a
// Client decodes a new list per call), or err; while gate is open (non-nil), every call
// waits for it to close. It records each call's context.
type fakeCatalogReader struct {
	mu   sync.Mutex
	err  error
	gate chan struct{}
	ctxs map[string][]context.Context
}

func (f *fakeCatalogReader) Networks(ctx context.Context, _ ...CallOption) ([]Network, error) {
	return fakeList(ctx, f, "Networks", wantNetworks)
}

func (f *fakeCatalogReader) Integrations(ctx context.Context, _ ...CallOption) ([]Integration, error) {
	return fakeList(ctx, f, "Integrations", wantIntegrations)
}

func (f *fakeCatalogReader) TransferIntegrations(ctx context.Context, _ ...CallOption) ([]TransferIntegration, error) {
	return fakeList(ctx, f, "TransferIntegrations", wantTransferIntegrations)
}

func fakeList[T any](ctx context.Context, f *fakeCatalogReader, list string, want []T) ([]T, error) {
	f.mu.Lock()
	if f.ctxs == nil {
		f.ctxs = map[string][]context.Context{}
	}
	f.ctxs[list] = append(f.ctxs[list], ctx)
	gate, err := f.gate, f.err
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if err != nil {
		return nil, err
	}
	var fresh []T // a deep copy of want
	b, _ := json.Marshal(want)
	_ = json.Unmarshal(b, &fresh)
	return fresh, nil
}

// set changes the error the reader answers next.
func (f *fakeCatalogReader) set(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// calls returns the contexts of the calls of list so far.
func (f *fakeCatalogReader) calls(list string) []context.Context {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]context.Context(nil), f.ctxs[list]...)
}

// serverDown is a failure as a Client returns it: a 503 after its retries.
var serverDown = &CallError{Err: &APIError{HTTPStatusCode: http.StatusServiceUnavailable, Status: StatusServerFailure}, Attempts: 3}

// Each list is served from memory for its TTL, as a copy its caller may change, then read
// again. While Mesh fails, the copy is served until it is TTL + max staleness old; then
// the error of the refresh, its sentinel kept; once Mesh is back, its answer.
func TestCatalogCacheLifetime(t *testing.T) {
	tests := []struct {
		name       string
		opts       []CacheOption
		ttl, stale time.Duration
	}{
		{"defaults: 1 hour, then 24 hours stale", nil, time.Hour, 24 * time.Hour},
		{"CacheTTL", []CacheOption{CacheTTL(10 * time.Minute)}, 10 * time.Minute, 24 * time.Hour},
		{"nil options are ignored", []CacheOption{nil, CacheTTL(time.Minute), nil}, time.Minute, 24 * time.Hour},
		{"CacheMaxStale", []CacheOption{CacheMaxStale(2 * time.Hour)}, time.Hour, 2 * time.Hour},
		{"CacheMaxStale(0): nothing past the TTL", []CacheOption{CacheMaxStale(0)}, time.Hour, 0},
		{"CacheTTL(0): Mesh asked on every call", []CacheOption{CacheTTL(0), CacheMaxStale(0)}, 0, 0},
	}
	for _, l := range catalogs {
		for _, tc := range tests {
			t.Run(l.name+"/"+tc.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					r := &fakeCatalogReader{}
					c := NewCatalogCache(r, tc.opts...)
					calls := 0
					// get reads the list, after newCalls calls to Mesh: the list, or the error want.
					get := func(newCalls int, want error) any {
						t.Helper()
						got, err := l.get(context.Background(), c)
						if want == nil {
							require.NoError(t, err)
							assert.Equal(t, l.want, got, "a caller's change reached the cache")
						} else {
							assert.Nil(t, got)
							assertOnlySentinel(t, err, want)
							assert.ErrorAs(t, err, new(*APIError))
						}
						calls += newCalls
						assert.Len(t, r.calls(l.name), calls, "calls to Mesh")
						return got
					}
					fresh := 0 // calls to Mesh within the TTL
					if tc.ttl == 0 {
						fresh = 1
					}
					got := get(1, nil)
					scribble(reflect.ValueOf(got))
					require.NotEqual(t, l.want, got, "scribble changed nothing")
					get(fresh, nil)
					time.Sleep(tc.ttl - time.Nanosecond)
					get(fresh, nil)
					r.set(serverDown)
					time.Sleep(time.Nanosecond)
					if tc.stale > 0 {
						get(1, nil) // the copy, past its TTL
						time.Sleep(tc.stale - time.Nanosecond)
						get(1, nil) // the copy, at the end of its staleness
						time.Sleep(time.Nanosecond)
					}
					get(1, ErrServerFailure)
					r.set(nil) // Mesh is back
					get(1, nil)
					for _, other := range catalogs {
						if other.name != l.name {
							assert.Empty(t, r.calls(other.name), "each list is read on its own")
						}
					}
				})
			})
		}
	}
	t.Run("no copy yet: the error, sentinel kept, however long the staleness", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			unauthorized := &CallError{Err: &APIError{HTTPStatusCode: http.StatusUnauthorized}, Attempts: 1}
			r := &fakeCatalogReader{err: unauthorized}
			got, err := NewCatalogCache(r, CacheMaxStale(math.MaxInt64)).Integrations(context.Background())
			assert.Nil(t, got)
			assertOnlySentinel(t, err, ErrUnauthorized)
			assert.Same(t, unauthorized, err)
		})
	})
	t.Run("CacheMaxStale(math.MaxInt64): the copy for ever", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			r := &fakeCatalogReader{}
			c := NewCatalogCache(r, CacheTTL(time.Hour), CacheMaxStale(math.MaxInt64))
			_, err := c.Networks(context.Background())
			require.NoError(t, err)
			r.set(serverDown)
			time.Sleep(100 * 365 * 24 * time.Hour)
			got, err := c.Networks(context.Background())
			require.NoError(t, err)
			assert.Equal(t, wantNetworks, got)
		})
	})
}

// Fifty callers of an expired list wait for one call to Mesh, and all get its answer.
func TestCatalogCacheSingleFlight(t *testing.T) {
	for _, l := range catalogs {
		t.Run(l.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				gate := make(chan struct{})
				r := &fakeCatalogReader{gate: gate}
				c := NewCatalogCache(r)
				const callers = 50
				got := make([]any, callers)
				errs := make([]error, callers)
				var wg sync.WaitGroup
				for i := range callers {
					wg.Go(func() { got[i], errs[i] = l.get(context.Background(), c) })
				}
				synctest.Wait() // every caller waits, and the one call to Mesh is held at the gate
				assert.Len(t, r.calls(l.name), 1)
				close(gate)
				wg.Wait()
				for i := range callers {
					require.NoError(t, errs[i])
					assert.Equal(t, l.want, got[i])
				}
				assert.Len(t, r.calls(l.name), 1, "calls to Mesh")
			})
		})
	}
}

type ctxKey struct{}

// A caller whose context ends stops waiting with its context's error; the refresh goes
// on for the others, with the values of the context that started it but not its end.
func TestCatalogCacheCallerContext(t *testing.T) {
	tests := []struct {
		name    string
		starter bool // the caller whose context ends started the refresh
		end     func(context.Context) (context.Context, context.CancelFunc)
		want    error
	}{
		{"a waiter cancelled", false, context.WithCancel, context.Canceled},
		{"the starter cancelled", true, context.WithCancel, context.Canceled},
		{"a waiter's deadline", false, func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithTimeout(ctx, time.Second)
			return ctx, func() { time.Sleep(2 * time.Second); cancel() } // the deadline, then cancel to release it
		}, context.DeadlineExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				gate := make(chan struct{})
				r := &fakeCatalogReader{gate: gate}
				c := NewCatalogCache(r)
				ending, end := tc.end(context.WithValue(context.Background(), ctxKey{}, "trace-1"))
				patient := context.WithValue(context.Background(), ctxKey{}, "trace-1")
				first, second := patient, ending
				if tc.starter {
					first, second = ending, patient
				}
				errs := map[context.Context]chan error{ending: make(chan error, 1), patient: make(chan error, 1)}
				for _, ctx := range []context.Context{first, second} {
					go func() {
						_, err := c.Networks(ctx)
						errs[ctx] <- err
					}()
					synctest.Wait() // first the starter, then the waiter
				}
				end()
				synctest.Wait()
				require.Len(t, errs[ending], 1, "the caller whose context ended is still waiting")
				assert.ErrorIs(t, <-errs[ending], tc.want)
				assert.Empty(t, errs[patient], "the other caller stopped waiting")

				calls := r.calls("Networks")
				require.Len(t, calls, 1)
				assert.NoError(t, calls[0].Err(), "the refresh was cancelled")
				assert.Equal(t, "trace-1", calls[0].Value(ctxKey{}), "the refresh lost the context's values")
				close(gate)
				assert.NoError(t, <-errs[patient])
			})
		})
	}
}

// scribble overwrites every string and bool reachable from v, through structs and
// slices: what a caller may do to the list it got.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("scribbled")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Struct:
		for i := range v.NumField() {
			scribble(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	}
}

func TestCatalogCacheMisuse(t *testing.T) {
	assert.PanicsWithValue(t, "mesh: NewCatalogCache: nil CatalogReader", func() { NewCatalogCache(nil) })
	var nilCtx context.Context
	_, err := NewCatalogCache(&fakeCatalogReader{}).Networks(nilCtx)
	assert.True(t, errors.Is(err, errNilContext), "%v", err)
}
