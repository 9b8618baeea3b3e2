package mesh

// Benchmarks of a call through the SDK beside the floor it is compared with in the same
// run: the same exchange written by hand with net/http and encoding/json. BENCHMARKS.md
// says how to run and read them (scripts/bench.sh runs the sides alternately).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
)

// benchCPU reports allocations, and CPU time per operation (client and server together)
// as cpu-ns/op: unlike ns/op it barely grows when other processes load the machine.
func benchCPU(b *testing.B) func() {
	b.Helper()
	b.ReportAllocs()
	start := rusage()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(rusage()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func rusage() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchServer answers every request with body after delay, and counts the connections
// it accepted.
func benchServer(b *testing.B, body string, delay time.Duration) (*httptest.Server, *atomic.Int64) {
	b.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if delay > 0 {
			time.Sleep(delay)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	b.Cleanup(srv.Close)
	return srv, &conns
}

// floor is the hand-written exchange: json.Marshal, a request with the SDK's headers,
// net/http with 100 idle connections per host, a read through the same bound, then
// floorDecode.
type floor struct {
	hc   *http.Client
	base string
}

func newFloor(b *testing.B, base string, hc *http.Client) *floor {
	if hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = maxIdleConnsPerHost, maxIdleConnsPerHost
		b.Cleanup(t.CloseIdleConnections)
		hc = &http.Client{Transport: t}
	}
	return &floor{hc: hc, base: base}
}

func (f *floor) do(ctx context.Context, method, path string, body any, limit int64, decode func([]byte) error) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, f.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "floor/1.0")
	req.Header.Set("X-Client-Id", testClientID)
	req.Header.Set("X-Client-Secret", testSecret)
	resp, err := f.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return errors.New("floor: not ok")
	}
	return decode(data)
}

// floorDecode decodes an answer in one json.Unmarshal, its content into out, and
// checks its status: the least a call can cost with encoding/json.
func floorDecode(data []byte, out any) error {
	env := struct {
		Status  Status `json:"status"`
		Content any    `json:"content"`
	}{Content: out}
	if err := json.Unmarshal(data, &env); err != nil {
		return err
	}
	if env.Status != StatusOK {
		return errors.New("floor: not ok")
	}
	return nil
}

func (f *floor) createLinkToken(ctx context.Context, req *CreateLinkTokenRequest) error {
	return f.do(ctx, http.MethodPost, linkTokenPath, req, maxLinkTokenBytes, func(data []byte) error {
		var out linkTokenContent
		return floorDecode(data, &out)
	})
}

// plainResty is the same exchange through a resty client configured as the SDK's is,
// with nothing of the SDK's own around it: what resty alone costs.
func plainResty(base string, rt http.RoundTripper) func(context.Context, *CreateLinkTokenRequest) error {
	rc := resty.NewWithClient(&http.Client{Transport: rt}).SetBaseURL(base).
		SetHeaders(map[string]string{"Accept": "application/json", "User-Agent": "resty-floor/1.0",
			"X-Client-Id": testClientID, "X-Client-Secret": testSecret}).
		SetDoNotParseResponse(true)
	return func(ctx context.Context, req *CreateLinkTokenRequest) error {
		resp, err := rc.R().SetContext(ctx).SetBody(req).Post(linkTokenPath)
		if err != nil {
			return err
		}
		defer resp.RawResponse.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.RawResponse.Body, maxLinkTokenBytes+1))
		if err != nil {
			return err
		}
		var out linkTokenContent
		return floorDecode(data, &out)
	}
}

// benchClient is an SDK client for a benchmark, with the default retry policy, sending
// through hc (nil: the SDK's default).
func benchClient(b *testing.B, base string, hc *http.Client) *Client {
	opts := []Option{WithBaseURL(base)}
	if hc != nil {
		opts = append(opts, WithHTTPClient(hc))
	}
	c, err := NewClient(testClientID, testSecret, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	return c
}

// A benchCall is one call on one side, its request built ahead of the measure.
type benchCall = func(context.Context) error

// benchLinkToken is the link-token call with the typical request on side (floor, resty
// or sdk), to base through hc (nil: the side's own default).
func benchLinkToken(b *testing.B, side, base string, hc *http.Client) benchCall {
	var call func(context.Context, *CreateLinkTokenRequest) error
	switch side {
	case "floor":
		call = newFloor(b, base, hc).createLinkToken
	case "resty":
		call = plainResty(base, transport(hc))
	default:
		c := benchClient(b, base, hc)
		call = func(ctx context.Context, req *CreateLinkTokenRequest) error {
			_, err := c.CreateLinkToken(ctx, req)
			return err
		}
	}
	req := validRequest()
	return func(ctx context.Context) error { return call(ctx, req) }
}

// serial measures call in a loop.
func serial(b *testing.B, call benchCall) {
	ctx := context.Background()
	defer benchCPU(b)()
	for b.Loop() {
		if err := call(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// parallel measures call from 16 goroutines per core (32 on 2 cores) sharing one
// client.
func parallel(b *testing.B, call benchCall) {
	b.SetParallelism(16)
	defer benchCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if err := call(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// A benchNet is what lies between the sides and an answer of body: it gives the base
// URL and the *http.Client to send through (nil: each side's own default).
type benchNet = func(b *testing.B, body string) (string, *http.Client)

// loopbackNet is an httptest server on loopback, plain HTTP/1.1.
func loopbackNet(b *testing.B, body string) (string, *http.Client) {
	srv, _ := benchServer(b, body, 0)
	return srv.URL, nil
}

// tlsNet is the real path: a server over TLS with HTTP/2, as Mesh does, on one
// multiplexed connection, every side through the server's own *http.Client.
func tlsNet(b *testing.B, body string) (string, *http.Client) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	b.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL) // the connection the benchmarks share, opened once
	if err != nil {
		b.Fatal(err)
	}
	_ = resp.Body.Close()
	return srv.URL, srv.Client()
}

// memoryNet answers from memory: the client side alone, without loopback latency and
// the server's own work.
func memoryNet(_ *testing.B, body string) (string, *http.Client) {
	return mockBaseURL, &http.Client{Transport: canned{body}}
}

// canned is a Transport that answers every request with body from memory.
type canned struct{ body string }

func (c canned) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader([]byte(c.body))),
		Request:    r,
	}, nil
}

// BenchmarkLinkToken measures one link-token call on every side, over each network,
// serially and from 32 goroutines.
func BenchmarkLinkToken(b *testing.B) {
	for _, cfg := range []struct {
		name    string
		network benchNet
		measure func(*testing.B, benchCall)
	}{
		{"Loopback", loopbackNet, serial},
		{"LoopbackParallel", loopbackNet, parallel},
		{"TLS", tlsNet, serial},
		{"TLSParallel", tlsNet, parallel},
		{"NoNetwork", memoryNet, serial},
	} {
		b.Run(cfg.name, func(b *testing.B) {
			for _, side := range []string{"floor", "resty", "sdk"} {
				b.Run(side, func(b *testing.B) {
					base, hc := cfg.network(b, okBody)
					cfg.measure(b, benchLinkToken(b, side, base, hc))
				})
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	req := validRequest()
	b.ReportAllocs()
	for b.Loop() {
		if err := req.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// catalogBody is an ok answer whose content holds items under key.
func catalogBody[T any](key string, item T, n int) string {
	items := make([]T, n)
	for i := range items {
		items[i] = item
	}
	content, _ := json.Marshal(map[string][]T{key: items})
	return `{"status":"ok","message":"","errorType":"","errorHash":"e08e7897","content":` + string(content) + `}`
}

// networksBody is a networks answer of 40 networks, about Mesh's real size.
var networksBody = catalogBody("networks", Network{
	ID: testNetworkID, Name: "Polygon", ChainID: "137", NativeSymbol: "POL", NetworkType: NetworkTypeEVM,
	LogoURL:              "https://frontuserfilecdn.azureedge.net/public/logos/networks/Polygon.svg",
	SupportedTokens:      []string{"POL", "USDC", "USDT", "WETH", "DAI"},
	Tokens:               []NetworkToken{{Symbol: "USDC", LogoURL: "https://frontuserfilecdn.azureedge.net/public/logos/tokens/USDC.svg"}},
	SupportedBrokerTypes: []BrokerType{BrokerTypeCoinbase, BrokerTypeKraken, BrokerTypeBinanceInternational, BrokerTypeRobinhood},
}, 40)

// integrationsBody is an integrations answer of 200 integrations, every field set, each
// with a small base64 logo: Mesh lists a few hundred.
var integrationsBody = func() string {
	const cdn = "https://frontuserfilecdn.azureedge.net/public/logos/coinbase/"
	return catalogBody("items", Integration{
		ID: testIntegrationID, Name: "Coinbase", Type: BrokerTypeCoinbase, DeFiWalletProviderID: "coinbase-wallet",
		Categories: []IntegrationCategory{IntegrationCategoryExchange, IntegrationCategoryWallet}, CryptoTransfersSupported: true,
		ForgotPasswordLink: "https://www.coinbase.com/password_resets/new",
		Style: IntegrationStyle{
			FieldActiveLight: "#0052ff", ButtonPrimaryLight: "#0052ff", ButtonHoverLight: "#0041cc", ButtonTextLight: "#ffffff",
			ButtonTextHoverLight: "#ffffff", FieldActiveDark: "#578bfa", ButtonPrimaryDark: "#578bfa", ButtonHoverDark: "#4670c8",
			ButtonTextDark: "#0a0b0d", ButtonTextHoverDark: "#0a0b0d",
		},
		Logo: IntegrationLogo{
			LogoLightURL: cdn + "logoLight.svg", LogoDarkURL: cdn + "logoDark.svg", LogoWhiteURL: cdn + "logoWhite.svg",
			LogoBlackURL: cdn + "logoBlack.svg", LogoColorURL: cdn + "logoColor.svg", IconLightURL: cdn + "iconLight.svg",
			IconDarkURL: cdn + "iconDark.svg", IconWhiteURL: cdn + "iconWhite.svg", IconBlackURL: cdn + "iconBlack.svg",
			IconColorURL: cdn + "iconColor.svg", Base64Logo: strings.Repeat("iVBORw0KGgoAAAANSUhEUgAA", 16),
		},
	}, 200)
}()

// floorNetworks and floorIntegrations are what the floor decodes a catalog's content
// into: the SDK's own types.
type (
	floorNetworks struct {
		Networks []Network `json:"networks"`
	}
	floorIntegrations struct {
		Items []Integration `json:"items"`
	}
)

// floorCatalog is a catalog call by the floor, with floorDecode into a fresh T.
func floorCatalog[T any](path string, limit int64) func(*floor) benchCall {
	return func(f *floor) benchCall {
		return func(ctx context.Context) error {
			return f.do(ctx, http.MethodGet, path, nil, limit, func(data []byte) error {
				var out T
				return floorDecode(data, &out)
			})
		}
	}
}

// sdkCatalog is a catalog call through the SDK: get is (*Client).Networks or
// (*Client).Integrations.
func sdkCatalog[T any](get func(*Client, context.Context, ...CallOption) ([]T, error)) func(*Client) benchCall {
	return func(c *Client) benchCall {
		return func(ctx context.Context) error {
			_, err := get(c, ctx)
			return err
		}
	}
}

// BenchmarkCatalog measures the catalog calls through the SDK beside the floor, on
// loopback and from memory.
func BenchmarkCatalog(b *testing.B) {
	for _, cat := range []struct {
		name, body string
		sdk        func(*Client) benchCall
		floor      func(*floor) benchCall
	}{
		{"Networks", networksBody, sdkCatalog((*Client).Networks),
			floorCatalog[floorNetworks](networksPath, maxNetworksBytes)},
		{"Integrations", integrationsBody, sdkCatalog((*Client).Integrations),
			floorCatalog[floorIntegrations](integrationsPath, maxIntegrationsBytes)},
	} {
		for _, net := range []struct {
			suffix  string
			network benchNet
		}{{"", loopbackNet}, {"NoNetwork", memoryNet}} {
			b.Run(cat.name+net.suffix, func(b *testing.B) {
				b.Run("floor", func(b *testing.B) {
					base, hc := net.network(b, cat.body)
					serial(b, cat.floor(newFloor(b, base, hc)))
				})
				b.Run("sdk", func(b *testing.B) {
					base, hc := net.network(b, cat.body)
					serial(b, cat.sdk(benchClient(b, base, hc)))
				})
			})
		}
	}
}

// BenchmarkScale runs 1,000 goroutines that make 20 calls each through one client,
// against a server that takes 5 ms per answer, and reports calls/s and the connections
// the server accepted per run; the floor and the SDK only.
func BenchmarkScale(b *testing.B) {
	const goroutines, calls = 1000, 20
	for _, side := range []string{"floor", "sdk"} {
		b.Run(side, func(b *testing.B) {
			srv, conns := benchServer(b, okBody, 5*time.Millisecond)
			call := benchLinkToken(b, side, srv.URL, nil)
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				var wg sync.WaitGroup
				for range goroutines {
					wg.Go(func() {
						for range calls {
							if err := call(context.Background()); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(b.N*goroutines*calls)/elapsed.Seconds(), "calls/s")
			b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
		})
	}
}
