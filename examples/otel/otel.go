// Package meshotel shows how to trace the HTTP calls of a mesh.Client with
// OpenTelemetry. It is an example with a module of its own, so that OpenTelemetry is a
// dependency of this example only and never of programs that import
// github.com/mesh-go/mesh.
//
// The whole technique is one option of the SDK: mesh.WithHTTPClient with the SDK's own
// transport, mesh.Transport(), wrapped by otelhttp. The calls keep the SDK's shared
// connection pool and its bound on response headers, which wrapping
// http.DefaultTransport would lose.
//
//	client, err := mesh.NewClient(id, secret, mesh.WithHTTPClient(&http.Client{
//		Transport: otelhttp.NewTransport(mesh.Transport(), otelhttp.WithTracerProvider(tp)),
//	}))
//
// Every attempt the Client makes, retries included, then becomes one span of kind
// Client named "HTTP POST", with the attributes of OpenTelemetry's HTTP semantic
// conventions (http.request.method, http.response.status_code, url.full,
// server.address, ...). A span is a child of the span in the context given to
// CreateLinkToken, if any, and the trace context goes out in the request headers
// (traceparent) through the propagator set with otel.SetTextMapPropagator; otel's
// default propagator sends nothing. otelhttp records no request or response header,
// so the X-Client-Secret header never reaches a span.
//
// NewTracedClient and Transport package this with one addition: the traced Transport
// says what it wraps (an Unwrap method), so that the Client's CloseIdleConnections
// reaches a base Transport of your own, which otelhttp's Transport does not pass on.
package meshotel

import (
	"net/http"
	"slices"

	"github.com/mesh-go/mesh"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"
)

// NewTracedClient returns a mesh.Client whose every HTTP attempt is a client span of
// tp (otel's global TracerProvider when tp is nil), sent through the SDK's shared
// transport, mesh.Transport(). It is mesh.NewClient with opts, followed by
// mesh.WithHTTPClient over Transport(nil, tp), so a mesh.WithHTTPClient among opts has
// no effect: to trace through a Transport of your own, call mesh.NewClient with
// mesh.WithHTTPClient(&http.Client{Transport: Transport(yours, tp)}).
func NewTracedClient(clientID, clientSecret string, tp trace.TracerProvider, opts ...mesh.Option) (*mesh.Client, error) {
	hc := &http.Client{Transport: Transport(nil, tp)}
	return mesh.NewClient(clientID, clientSecret, slices.Concat(opts, []mesh.Option{mesh.WithHTTPClient(hc)})...)
}

// Transport returns base wrapped by otelhttp.NewTransport, so that each request sent
// through it is a client span of tp (otel's global TracerProvider when tp is nil). A
// nil base means the SDK's shared transport, mesh.Transport(). A mesh.Client's
// CloseIdleConnections reaches base through the returned Transport.
func Transport(base http.RoundTripper, tp trace.TracerProvider) http.RoundTripper {
	if base == nil {
		base = mesh.Transport()
	}
	return tracedTransport{
		Transport: otelhttp.NewTransport(base, otelhttp.WithTracerProvider(tp)),
		base:      base,
	}
}

// tracedTransport is otelhttp's Transport that says what it wraps, so that
// mesh.Client.CloseIdleConnections reaches base.
type tracedTransport struct {
	*otelhttp.Transport
	base http.RoundTripper
}

// Unwrap returns the Transport that the traced one sends through.
func (t tracedTransport) Unwrap() http.RoundTripper { return t.base }
