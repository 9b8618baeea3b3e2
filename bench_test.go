package mesh

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"
)

// bnCPU reports the process's CPU time per operation (client and server together) as
// cpu-ns/op: unlike ns/op it does not grow when other processes load the machine.
func bnCPU(b *testing.B) func() {
	b.Helper()
	start := bnRusage()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(bnRusage()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func bnRusage() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The benchmarks compare one CreateLinkToken through the SDK with the same exchange
// written by hand with net/http and encoding/json (the floor), against the same
// loopback server in the same run. BENCHMARKS.md says how to run and read them.

// bnServer answers every request with a realistic ok envelope.
func bnServer(b *testing.B) *httptest.Server {
	b.Helper()
	body := []byte(okBody)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// bnBaseline is the hand-written exchange: marshal, POST with the SDK's headers,
// decode the envelope through a 1 MiB limit, check the status.
type bnBaseline struct {
	hc       *http.Client
	endpoint string
	ua       string
}

func newBnBaseline(b *testing.B, url string) *bnBaseline {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 4 * maxIdleConnsPerHost
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	b.Cleanup(t.CloseIdleConnections)
	return &bnBaseline{hc: &http.Client{Transport: t}, endpoint: url + linkTokenPath, ua: "baseline/1.0"}
}

func (bl *bnBaseline) create(ctx context.Context, req *CreateLinkTokenRequest) (string, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, bl.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("User-Agent", bl.ua)
	hr.Header.Set("X-Client-Id", testClientID)
	hr.Header.Set("X-Client-Secret", testSecret)
	resp, err := bl.hc.Do(hr)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var env struct {
		Status         Status          `json:"status"`
		Message        string          `json:"message"`
		DisplayMessage *string         `json:"displayMessage"`
		ErrorType      string          `json:"errorType"`
		ErrorHash      string          `json:"errorHash"`
		ErrorData      json.RawMessage `json:"errorData"`
		Content        *struct {
			LinkToken   string  `json:"linkToken"`
			PaymentLink *string `json:"paymentLink"`
		} `json:"content"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&env); err != nil {
		return "", err
	}
	if env.Status != StatusOK || env.Content == nil || env.Content.LinkToken == "" {
		return "", errors.New("baseline: not ok")
	}
	return env.Content.LinkToken, nil
}

// bnSerial measures call in a loop.
func bnSerial(b *testing.B, call func(context.Context, *CreateLinkTokenRequest) error) {
	req, ctx := validRequest(), context.Background()
	b.ReportAllocs()
	defer bnCPU(b)()
	for b.Loop() {
		if err := call(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// bnParallel measures call from 16 goroutines per core sharing one client.
func bnParallel(b *testing.B, call func(context.Context, *CreateLinkTokenRequest) error) {
	req := validRequest()
	b.ReportAllocs()
	b.SetParallelism(16)
	defer bnCPU(b)()
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

// bnSDK and bnBase adapt the SDK and the baseline to bnSerial and bnParallel.
func bnSDK(c *Client) func(context.Context, *CreateLinkTokenRequest) error {
	return func(ctx context.Context, req *CreateLinkTokenRequest) error {
		_, err := c.CreateLinkToken(ctx, req)
		return err
	}
}

func bnBase(bl *bnBaseline) func(context.Context, *CreateLinkTokenRequest) error {
	return func(ctx context.Context, req *CreateLinkTokenRequest) error {
		_, err := bl.create(ctx, req)
		return err
	}
}

func BenchmarkCreateLinkToken(b *testing.B) {
	bnSerial(b, bnSDK(newTestClient(b, bnServer(b).URL)))
}

func BenchmarkBaseline(b *testing.B) {
	bnSerial(b, bnBase(newBnBaseline(b, bnServer(b).URL)))
}

func BenchmarkCreateLinkTokenParallel(b *testing.B) {
	bnParallel(b, bnSDK(newTestClient(b, bnServer(b).URL)))
}

func BenchmarkBaselineParallel(b *testing.B) {
	bnParallel(b, bnBase(newBnBaseline(b, bnServer(b).URL)))
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

// bnCanned is a Transport that answers every request with the ok envelope from
// memory: the NoNetwork benchmarks use it to measure the client side alone, without
// loopback latency and the server's own work.
type bnCanned struct{}

func (bnCanned) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader([]byte(okBody))),
		Request:    r,
	}, nil
}

func BenchmarkCreateLinkTokenNoNetwork(b *testing.B) {
	bnSerial(b, bnSDK(newTestClient(b, mockBaseURL, WithHTTPClient(&http.Client{Transport: bnCanned{}}))))
}

func BenchmarkBaselineNoNetwork(b *testing.B) {
	bnSerial(b, bnBase(&bnBaseline{hc: &http.Client{Transport: bnCanned{}}, endpoint: mockBaseURL + linkTokenPath, ua: "baseline/1.0"}))
}
