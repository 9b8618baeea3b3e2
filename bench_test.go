package mesh

// Benchmarks of a call through the SDK beside the floor it is compared with in the same
// run: the same exchange written by hand with net/http and encoding/json. BENCHMARKS.md
// says how to run and read them (scripts/bench.sh runs the two sides alternately).

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

// benchCPU reports the process's CPU time per operation (client and server together)
// as cpu-ns/op: unlike ns/op it barely grows when other processes load the machine.
func benchCPU(b *testing.B) func() {
	b.Helper()
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

func newFloor(b *testing.B, base string, rt http.RoundTripper) *floor {
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = maxIdleConnsPerHost, maxIdleConnsPerHost
		b.Cleanup(t.CloseIdleConnections)
		rt = t
	}
	return &floor{hc: &http.Client{Transport: rt}, base: base}
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

func sdkCall(c *Client) func(context.Context, *CreateLinkTokenRequest) error {
	return func(ctx context.Context, req *CreateLinkTokenRequest) error {
		_, err := c.CreateLinkToken(ctx, req)
		return err
	}
}

// benchClient is an SDK client for a benchmark, with the default retry policy.
func benchClient(b *testing.B, base string, opts ...Option) *Client {
	c, err := NewClient(testClientID, testSecret, append([]Option{WithBaseURL(base)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	return c
}

// serial measures call in a loop.
func serial(b *testing.B, call func(context.Context, *CreateLinkTokenRequest) error) {
	req, ctx := validRequest(), context.Background()
	b.ReportAllocs()
	defer benchCPU(b)()
	for b.Loop() {
		if err := call(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// parallel measures call from 16 goroutines per core (32 on 2 cores) sharing one
// client.
func parallel(b *testing.B, call func(context.Context, *CreateLinkTokenRequest) error) {
	req := validRequest()
	b.ReportAllocs()
	b.SetParallelism(16)
	defer benchCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if err := call(ctx, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkCreateLinkToken(b *testing.B) {
	srv, _ := benchServer(b, okBody, 0)
	serial(b, sdkCall(benchClient(b, srv.URL)))
}

func BenchmarkBaseline(b *testing.B) {
	srv, _ := benchServer(b, okBody, 0)
	serial(b, newFloor(b, srv.URL, nil).createLinkToken)
}

func BenchmarkResty(b *testing.B) {
	srv, _ := benchServer(b, okBody, 0)
	serial(b, plainResty(srv.URL, transport(nil)))
}

func BenchmarkCreateLinkTokenParallel(b *testing.B) {
	srv, _ := benchServer(b, okBody, 0)
	parallel(b, sdkCall(benchClient(b, srv.URL)))
}

func BenchmarkBaselineParallel(b *testing.B) {
	srv, _ := benchServer(b, okBody, 0)
	parallel(b, newFloor(b, srv.URL, nil).createLinkToken)
}

func BenchmarkRestyParallel(b *testing.B) {
	srv, _ := benchServer(b, okBody, 0)
	parallel(b, plainResty(srv.URL, transport(nil)))
}

// tlsServer answers every request with body over TLS with HTTP/2, as Mesh does; its
// Client trusts the server's certificate and speaks HTTP/2 to it.
func tlsServer(b *testing.B, body string) *httptest.Server {
	b.Helper()
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
	return srv
}

// The TLS benchmarks measure the real path: TLS with HTTP/2 on one multiplexed
// connection, each side through the server's own *http.Client.

func BenchmarkCreateLinkTokenTLS(b *testing.B) {
	srv := tlsServer(b, okBody)
	serial(b, sdkCall(benchClient(b, srv.URL, WithHTTPClient(srv.Client()))))
}

func BenchmarkBaselineTLS(b *testing.B) {
	srv := tlsServer(b, okBody)
	serial(b, newFloor(b, srv.URL, srv.Client().Transport).createLinkToken)
}

func BenchmarkRestyTLS(b *testing.B) {
	srv := tlsServer(b, okBody)
	serial(b, plainResty(srv.URL, transport(srv.Client())))
}

func BenchmarkCreateLinkTokenTLSParallel(b *testing.B) {
	srv := tlsServer(b, okBody)
	parallel(b, sdkCall(benchClient(b, srv.URL, WithHTTPClient(srv.Client()))))
}

func BenchmarkBaselineTLSParallel(b *testing.B) {
	srv := tlsServer(b, okBody)
	parallel(b, newFloor(b, srv.URL, srv.Client().Transport).createLinkToken)
}

func BenchmarkRestyTLSParallel(b *testing.B) {
	srv := tlsServer(b, okBody)
	parallel(b, plainResty(srv.URL, transport(srv.Client())))
}

// canned is a Transport that answers every request with the ok envelope from memory:
// the NoNetwork benchmarks measure the client side alone, without loopback latency
// and the server's own work.
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

func BenchmarkCreateLinkTokenNoNetwork(b *testing.B) {
	serial(b, sdkCall(benchClient(b, mockBaseURL, WithHTTPClient(&http.Client{Transport: canned{okBody}}))))
}

func BenchmarkRestyNoNetwork(b *testing.B) {
	serial(b, plainResty(mockBaseURL, canned{okBody}))
}

func BenchmarkBaselineNoNetwork(b *testing.B) {
	serial(b, newFloor(b, mockBaseURL, canned{okBody}).createLinkToken)
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

// catalog measures call, a catalog call through the SDK or the floor.
func catalog(b *testing.B, call func(context.Context) error) {
	ctx := context.Background()
	b.ReportAllocs()
	defer benchCPU(b)()
	for b.Loop() {
		if err := call(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func sdkNetworks(c *Client) func(context.Context) error {
	return func(ctx context.Context) error { _, err := c.Networks(ctx); return err }
}

func sdkIntegrations(c *Client) func(context.Context) error {
	return func(ctx context.Context) error { _, err := c.Integrations(ctx); return err }
}

// floorNetworks and floorIntegrations decode the same types as the SDK, with
// floorDecode.
func floorNetworks(f *floor) func(context.Context) error {
	return func(ctx context.Context) error {
		return f.do(ctx, http.MethodGet, networksPath, nil, maxNetworksBytes, func(data []byte) error {
			var out struct {
				Networks []Network `json:"networks"`
			}
			return floorDecode(data, &out)
		})
	}
}

func floorIntegrations(f *floor) func(context.Context) error {
	return func(ctx context.Context) error {
		return f.do(ctx, http.MethodGet, integrationsPath, nil, maxIntegrationsBytes, func(data []byte) error {
			var out struct {
				Items []Integration `json:"items"`
			}
			return floorDecode(data, &out)
		})
	}
}

func BenchmarkNetworks(b *testing.B) {
	srv, _ := benchServer(b, networksBody, 0)
	catalog(b, sdkNetworks(benchClient(b, srv.URL)))
}

func BenchmarkBaselineNetworks(b *testing.B) {
	srv, _ := benchServer(b, networksBody, 0)
	catalog(b, floorNetworks(newFloor(b, srv.URL, nil)))
}

func BenchmarkIntegrations(b *testing.B) {
	srv, _ := benchServer(b, integrationsBody, 0)
	catalog(b, sdkIntegrations(benchClient(b, srv.URL)))
}

func BenchmarkBaselineIntegrations(b *testing.B) {
	srv, _ := benchServer(b, integrationsBody, 0)
	catalog(b, floorIntegrations(newFloor(b, srv.URL, nil)))
}

func BenchmarkNetworksNoNetwork(b *testing.B) {
	catalog(b, sdkNetworks(benchClient(b, mockBaseURL, WithHTTPClient(&http.Client{Transport: canned{networksBody}}))))
}

func BenchmarkBaselineNetworksNoNetwork(b *testing.B) {
	catalog(b, floorNetworks(newFloor(b, mockBaseURL, canned{networksBody})))
}

func BenchmarkIntegrationsNoNetwork(b *testing.B) {
	catalog(b, sdkIntegrations(benchClient(b, mockBaseURL, WithHTTPClient(&http.Client{Transport: canned{integrationsBody}}))))
}

func BenchmarkBaselineIntegrationsNoNetwork(b *testing.B) {
	catalog(b, floorIntegrations(newFloor(b, mockBaseURL, canned{integrationsBody})))
}

// scale runs 1,000 goroutines that make 20 calls each through one client, against a
// server that takes 5 ms per answer, and reports calls/s and the connections the
// server accepted per run.
func scale(b *testing.B, call func(*CreateLinkTokenRequest) error, conns *atomic.Int64) {
	const goroutines, calls = 1000, 20
	req := validRequest()
	conns.Store(0)
	var elapsed time.Duration
	for b.Loop() {
		start := time.Now()
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() {
				for range calls {
					if err := call(req); err != nil {
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
}

func BenchmarkScale(b *testing.B) {
	srv, conns := benchServer(b, okBody, 5*time.Millisecond)
	c := benchClient(b, srv.URL)
	scale(b, func(req *CreateLinkTokenRequest) error {
		_, err := c.CreateLinkToken(context.Background(), req)
		return err
	}, conns)
}

func BenchmarkBaselineScale(b *testing.B) {
	srv, conns := benchServer(b, okBody, 5*time.Millisecond)
	f := newFloor(b, srv.URL, nil)
	scale(b, func(req *CreateLinkTokenRequest) error {
		return f.createLinkToken(context.Background(), req)
	}, conns)
}
