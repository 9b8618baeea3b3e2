package meshotel_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mesh-go/mesh"
	meshotel "github.com/mesh-go/mesh/examples/otel"
	"github.com/mesh-go/mesh/meshtest"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// The attribute keys otelhttp sets on a client span, from OpenTelemetry's stable HTTP
// semantic conventions.
const (
	keyMethod = attribute.Key("http.request.method")
	keyStatus = attribute.Key("http.response.status_code")
)

// fastRetry keeps the tests quick: up to 2 retries, waits of 1 to 10 ms.
var fastRetry = mesh.WithRetry(mesh.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond})

// TestMain sets the W3C trace-context propagator, as a traced program does once in
// main; otel's default propagator sends no header at all.
func TestMain(m *testing.M) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	m.Run()
}

// setup starts the fake Mesh API and a TracerProvider that hands every ended span to
// an in-memory exporter at once, and returns a traced Client for the fake.
func setup(t *testing.T) (*meshtest.Server, *tracetest.InMemoryExporter, trace.TracerProvider, *mesh.Client) {
	t.Helper()
	srv := meshtest.NewServer()
	t.Cleanup(srv.Close)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	client, err := meshotel.NewTracedClient(meshtest.ClientID, meshtest.ClientSecret, tp,
		mesh.WithBaseURL(srv.URL), fastRetry)
	if err != nil {
		t.Fatalf("NewTracedClient: %v", err)
	}
	t.Cleanup(client.CloseIdleConnections)
	return srv, exp, tp, client
}

// clientSpans returns the ended spans of kind Client, in the order they ended.
func clientSpans(exp *tracetest.InMemoryExporter) []tracetest.SpanStub {
	var out []tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.SpanKind == trace.SpanKindClient {
			out = append(out, s)
		}
	}
	return out
}

// attr returns the value of span attribute key, failing the test if it is absent.
func attr(t *testing.T, s tracetest.SpanStub, key attribute.Key) attribute.Value {
	t.Helper()
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return kv.Value
		}
	}
	t.Fatalf("span %q has no attribute %s; it has %v", s.Name, key, s.Attributes)
	return attribute.Value{}
}

// wantHTTP checks that s is a client span of a POST answered with status.
func wantHTTP(t *testing.T, s tracetest.SpanStub, status int64) {
	t.Helper()
	if s.SpanKind != trace.SpanKindClient {
		t.Errorf("span %q: kind %v, want client", s.Name, s.SpanKind)
	}
	if s.Name != "HTTP POST" {
		t.Errorf("span name %q, want %q", s.Name, "HTTP POST")
	}
	if got := attr(t, s, keyMethod).AsString(); got != http.MethodPost {
		t.Errorf("%s = %q, want POST", keyMethod, got)
	}
	if got := attr(t, s, keyStatus).AsInt64(); got != status {
		t.Errorf("%s = %d, want %d", keyStatus, got, status)
	}
}

// wantPropagated checks that the i-th request the fake received carried the
// traceparent header of the i-th span: same trace id, the span's own id as parent id,
// and the sampled flag.
func wantPropagated(t *testing.T, spans []tracetest.SpanStub, reqs []meshtest.Request) {
	t.Helper()
	if len(reqs) != len(spans) {
		t.Fatalf("the fake received %d requests for %d spans", len(reqs), len(spans))
	}
	for i, s := range spans {
		sc := s.SpanContext
		want := fmt.Sprintf("00-%s-%s-01", sc.TraceID(), sc.SpanID())
		if got := reqs[i].Header.Get("traceparent"); got != want {
			t.Errorf("request %d: traceparent %q, want %q (trace id %s of span %d)", i, got, want, sc.TraceID(), i)
		}
	}
}

// A call answered at once is one client span: POST, 200, not an error.
func TestOneCallOneSpan(t *testing.T) {
	srv, exp, _, client := setup(t)

	if _, err := client.CreateLinkToken(t.Context(), &mesh.CreateLinkTokenRequest{UserID: "otel-user"}); err != nil {
		t.Fatalf("CreateLinkToken: %v", err)
	}

	if all := exp.GetSpans(); len(all) != 1 {
		t.Fatalf("got %d spans, want exactly 1: %v", len(all), all.Snapshots())
	}
	spans := clientSpans(exp)
	if len(spans) != 1 {
		t.Fatalf("got %d client spans, want 1", len(spans))
	}
	wantHTTP(t, spans[0], http.StatusOK)
	if spans[0].Status.Code == codes.Error {
		t.Errorf("span status %v, want not an error", spans[0].Status)
	}
	if got := attr(t, spans[0], "url.full").AsString(); !strings.HasPrefix(got, srv.URL+"/") {
		t.Errorf("url.full = %q, want a URL under %s", got, srv.URL)
	}
}

// A call retried after a 503 is one span per attempt, in order: the 503, marked as an
// error, then the 200. Both are children of the caller's span, in its trace.
func TestOneSpanPerAttempt(t *testing.T) {
	srv, exp, tp, client := setup(t)
	srv.Enqueue(meshtest.ServerError(http.StatusServiceUnavailable))

	ctx, parent := tp.Tracer("checkout").Start(t.Context(), "checkout")
	_, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "otel-user"})
	parent.End()
	if err != nil {
		t.Fatalf("CreateLinkToken: %v", err)
	}

	spans := clientSpans(exp)
	if len(spans) != 2 {
		t.Fatalf("got %d client spans, want 2 (one per attempt)", len(spans))
	}
	wantHTTP(t, spans[0], http.StatusServiceUnavailable)
	wantHTTP(t, spans[1], http.StatusOK)
	if spans[0].Status.Code != codes.Error {
		t.Errorf("span of the 503: status %v, want Error", spans[0].Status)
	}
	if spans[1].Status.Code == codes.Error {
		t.Errorf("span of the 200: status %v, want not an error", spans[1].Status)
	}
	for i, s := range spans {
		if s.Parent.SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("span %d: parent %s, want the caller's span %s", i, s.Parent.SpanID(), parent.SpanContext().SpanID())
		}
		if s.SpanContext.TraceID() != parent.SpanContext().TraceID() {
			t.Errorf("span %d: trace %s, want the caller's trace %s", i, s.SpanContext.TraceID(), parent.SpanContext().TraceID())
		}
	}
	if spans[0].SpanContext.SpanID() == spans[1].SpanContext.SpanID() {
		t.Error("both attempts have the same span id")
	}
	wantPropagated(t, spans, srv.Requests())
}

// Each request reaches the server with a traceparent header naming its own span.
func TestTraceContextPropagated(t *testing.T) {
	srv, exp, _, client := setup(t)

	if _, err := client.CreateLinkToken(t.Context(), &mesh.CreateLinkTokenRequest{UserID: "otel-user"}); err != nil {
		t.Fatalf("CreateLinkToken: %v", err)
	}
	spans := clientSpans(exp)
	if len(spans) != 1 {
		t.Fatalf("got %d client spans, want 1", len(spans))
	}
	if !spans[0].SpanContext.TraceID().IsValid() {
		t.Fatal("the span has no valid trace id")
	}
	wantPropagated(t, spans, srv.Requests())
}

// The secret travels in the X-Client-Secret header to the server, and neither it nor
// the header's name appears anywhere in a span: name, attributes, events, status.
func TestSecretNeverInSpans(t *testing.T) {
	srv, exp, _, client := setup(t)
	srv.Enqueue(meshtest.ServerError(http.StatusServiceUnavailable))
	if _, err := client.CreateLinkToken(t.Context(), &mesh.CreateLinkTokenRequest{UserID: "otel-user"}); err != nil {
		t.Fatalf("CreateLinkToken: %v", err)
	}
	// Three 503s: the call fails, with an error status on every span.
	srv.Enqueue(meshtest.ServerError(http.StatusServiceUnavailable), meshtest.ServerError(http.StatusServiceUnavailable), meshtest.ServerError(http.StatusServiceUnavailable))
	if _, err := client.CreateLinkToken(t.Context(), &mesh.CreateLinkTokenRequest{UserID: "otel-user"}); err == nil {
		t.Fatal("CreateLinkToken succeeded after three 503s, want an error")
	}

	reqs := srv.Requests()
	if len(reqs) != 5 {
		t.Fatalf("the fake received %d requests, want 5", len(reqs))
	}
	for i, r := range reqs {
		if got := r.Header.Get("X-Client-Secret"); got != meshtest.ClientSecret {
			t.Fatalf("request %d: X-Client-Secret %q, want the secret: the test would prove nothing", i, got)
		}
	}

	spans := exp.GetSpans()
	if len(spans) != 5 {
		t.Fatalf("got %d spans, want 5", len(spans))
	}
	leaks := func(where, s string) {
		t.Helper()
		if strings.Contains(s, meshtest.ClientSecret) || strings.Contains(strings.ToLower(s), "x-client-secret") {
			t.Errorf("%s carries the secret or its header: %q", where, s)
		}
	}
	for i, s := range spans {
		leaks(fmt.Sprintf("span %d name", i), s.Name)
		leaks(fmt.Sprintf("span %d status", i), s.Status.Description)
		for _, kv := range s.Attributes {
			leaks(fmt.Sprintf("span %d attribute %s", i, kv.Key), string(kv.Key)+"="+kv.Value.String())
		}
		for _, ev := range s.Events {
			leaks(fmt.Sprintf("span %d event", i), ev.Name)
			for _, kv := range ev.Attributes {
				leaks(fmt.Sprintf("span %d event %s attribute %s", i, ev.Name, kv.Key), string(kv.Key)+"="+kv.Value.String())
			}
		}
	}
}

// A mesh.WithHTTPClient among the options does not take the tracing away, as
// NewTracedClient documents.
func TestWithHTTPClientInOptionsKeepsTracing(t *testing.T) {
	srv := meshtest.NewServer()
	t.Cleanup(srv.Close)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	client, err := meshotel.NewTracedClient(meshtest.ClientID, meshtest.ClientSecret, tp,
		mesh.WithBaseURL(srv.URL), fastRetry, mesh.WithHTTPClient(&http.Client{}))
	if err != nil {
		t.Fatalf("NewTracedClient: %v", err)
	}
	t.Cleanup(client.CloseIdleConnections)

	if _, err := client.CreateLinkToken(t.Context(), &mesh.CreateLinkTokenRequest{UserID: "otel-user"}); err != nil {
		t.Fatalf("CreateLinkToken: %v", err)
	}
	if spans := clientSpans(exp); len(spans) != 1 {
		t.Fatalf("got %d client spans, want 1", len(spans))
	}
}

// countingTransport counts the calls of CloseIdleConnections that reach it.
type countingTransport struct {
	*http.Transport
	closes atomic.Int32
}

func (c *countingTransport) CloseIdleConnections() {
	c.closes.Add(1)
	c.Transport.CloseIdleConnections()
}

// The Client's CloseIdleConnections reaches the base Transport through the tracing
// one, which otelhttp's Transport alone would not pass on.
func TestCloseIdleConnectionsReachesBase(t *testing.T) {
	srv := meshtest.NewServer()
	t.Cleanup(srv.Close)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	base := &countingTransport{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	client, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret,
		mesh.WithBaseURL(srv.URL), fastRetry,
		mesh.WithHTTPClient(&http.Client{Transport: meshotel.Transport(base, tp)}))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}

	if _, err := client.CreateLinkToken(t.Context(), &mesh.CreateLinkTokenRequest{UserID: "otel-user"}); err != nil {
		t.Fatalf("CreateLinkToken: %v", err)
	}
	if spans := clientSpans(exp); len(spans) != 1 {
		t.Fatalf("got %d client spans through a custom base, want 1", len(spans))
	}
	client.CloseIdleConnections()
	if n := base.closes.Load(); n != 1 {
		t.Errorf("base Transport's CloseIdleConnections called %d times, want 1", n)
	}
}

// Traced Clients send through the SDK's shared pool, 100 idle connections per host:
// eight calls at once, then eight more by another traced Client, open eight
// connections, where a copy of http.DefaultTransport per Client would open sixteen
// (and one shared copy, keeping 2 idle per host, fourteen).
func TestTracedClientsShareTheSDKPool(t *testing.T) {
	const callers = 8
	var conns atomic.Int32
	arrived := make(chan struct{}, callers)
	release := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release // every caller holds a connection at once
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok","content":{"linkToken":"aHR0cHM6Ly93ZWIubWVzaGNvbm5lY3QuY29tL2xpbmsvYWJj"}}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewInMemoryExporter()))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })

	for round := range 2 {
		client, err := meshotel.NewTracedClient("id", "secret", tp, mesh.WithBaseURL(srv.URL), mesh.WithRetry(mesh.RetryPolicy{}))
		if err != nil {
			t.Fatalf("NewTracedClient: %v", err)
		}
		t.Cleanup(client.CloseIdleConnections)
		var wg sync.WaitGroup
		errs := make(chan error, callers)
		for range callers {
			wg.Go(func() {
				_, err := client.CreateLinkToken(t.Context(), &mesh.CreateLinkTokenRequest{UserID: "otel-user"})
				errs <- err
			})
		}
		for range callers {
			<-arrived
		}
		for range callers {
			release <- struct{}{}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: CreateLinkToken: %v", round, err)
			}
		}
	}
	if n := conns.Load(); n != callers {
		t.Errorf("%d connections for %d callers at once, twice: the traced Clients do not share a pool of many idle connections", n, callers)
	}
}

// A Client built with NewTracedClient records one span per HTTP attempt.
func ExampleNewTracedClient() {
	srv := meshtest.NewServer() // a fake Mesh API; in production, drop WithBaseURL
	defer srv.Close()

	// In a real program: an exporter to your collector, with a batcher.
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	client, err := meshotel.NewTracedClient(meshtest.ClientID, meshtest.ClientSecret, tp,
		mesh.WithBaseURL(srv.URL),
		mesh.WithRetry(mesh.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	srv.Enqueue(meshtest.ServerError(http.StatusServiceUnavailable)) // the first attempt fails
	if _, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "alice"}); err != nil {
		fmt.Println(err)
		return
	}

	for _, s := range exp.GetSpans() {
		var method, status string
		for _, kv := range s.Attributes {
			switch kv.Key {
			case "http.request.method":
				method = kv.Value.String()
			case "http.response.status_code":
				status = kv.Value.String()
			}
		}
		fmt.Println(s.Name, s.SpanKind, method, status, s.Status.Code)
	}
	// Output:
	// HTTP POST client POST 503 Error
	// HTTP POST client POST 200 Unset
}
