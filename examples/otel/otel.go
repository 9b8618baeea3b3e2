// Package meshotel shows how to trace the HTTP calls of a mesh.Client with
// OpenTelemetry. It is an example with a module of its own, so that OpenTelemetry is a
// dependency of this example only and never of programs that import
// github.com/mesh-go/mesh.
//
// The whole technique is one option of the SDK: mesh.WithHTTPClient with a Transport
// wrapped by otelhttp.
//
//	client, err := mesh.NewClient(id, secret,
//		mesh.WithHTTPClient(&http.Client{Transport: otelhttp.NewTransport(base, otelhttp.WithTracerProvider(tp))}))
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
// NewTracedClient and Transport package this with one addition: they pass
// CloseIdleConnections on to the base Transport, which otelhttp's Transport does not
// do by itself.
package meshotel

import (
	"net/http"
	"slices"

	"github.com/mesh-go/mesh"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"
)

// NewTracedClient returns a mesh.Client whose every HTTP attempt is a client span of
// tp (otel's global TracerProvider when tp is nil). It is mesh.NewClient with opts,
// followed by mesh.WithHTTPClient over Transport(nil, tp), so a mesh.WithHTTPClient
// among opts has no effect: to trace through a Transport of your own, call
// mesh.NewClient with mesh.WithHTTPClient(&http.Client{Transport: Transport(yours, tp)}).
//
// The connection pool is a private copy of http.DefaultTransport (at most 2 idle
// connections per host), not the SDK's default pool of 100 per host; a program making
// many concurrent calls should pass a tuned Transport as just said. Calling the
// Client's CloseIdleConnections closes this pool's idle connections.
func NewTracedClient(clientID, clientSecret string, tp trace.TracerProvider, opts ...mesh.Option) (*mesh.Client, error) {
	hc := &http.Client{Transport: Transport(nil, tp)}
	return mesh.NewClient(clientID, clientSecret, slices.Concat(opts, []mesh.Option{mesh.WithHTTPClient(hc)})...)
}

// Transport returns base wrapped by otelhttp.NewTransport, so that each request sent
// through it is a client span of tp (otel's global TracerProvider when tp is nil). A
// nil base means a private copy of http.DefaultTransport. The returned Transport's
// CloseIdleConnections closes base's idle connections when base can.
func Transport(base http.RoundTripper, tp trace.TracerProvider) http.RoundTripper {
	if base == nil {
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			base = t.Clone()
		} else {
			base = http.DefaultTransport
		}
	}
	return tracedTransport{
		Transport: otelhttp.NewTransport(base, otelhttp.WithTracerProvider(tp)),
		base:      base,
	}
}

// tracedTransport is otelhttp's Transport plus the CloseIdleConnections it lacks, so
// that http.Client.CloseIdleConnections, and through it mesh.Client's, reaches base.
type tracedTransport struct {
	*otelhttp.Transport
	base http.RoundTripper
}

// CloseIdleConnections closes base's idle connections, if base has such a method.
func (t tracedTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
