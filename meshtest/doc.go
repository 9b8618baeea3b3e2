// Package meshtest is a fake of Mesh's integration API for tests and demos: it is to
// package mesh what net/http/httptest is to net/http.
//
// NewServer (or Start, in a test) runs an HTTP server on loopback, https with
// WithTLS, that speaks the wire contract of the Link token endpoint and of the three
// catalog endpoints:
//
//   - POST /api/v1/linktoken (LinkTokenPath) checks the body against the documented
//     rules and mints a fresh link token, base64 of a https://web.meshconnect.com
//     Link URL, with a paymentLink when generatePayLink is true;
//   - GET NetworksPath, IntegrationsPath and TransferIntegrationsPath serve a small,
//     realistic catalog built on Mesh's official example ids (EthereumNetworkID,
//     PolygonNetworkID, CoinbaseIntegrationID, ...).
//
// It answers missing or wrong credentials (ClientID and ClientSecret unless
// WithCredentials says otherwise) with a 401 and a short plain-text body (Mesh
// documents none), a body that breaks a documented rule with a 400 badRequest
// envelope whose errorType is missingField or invalidField and whose message starts
// with the field's JSON path, an unknown path with a 404 notFound envelope, and another
// method with a 405 and Allow. It accepts what Mesh's schema accepts: null wherever
// the schema allows it, and the media types Mesh's server reads as JSON
// (application/json, text/json, application/*+json, with any parameters).
//
// Where Mesh's behaviour is not documented the fake is stricter, on purpose: a
// property the schema does not know, at any depth, or a known name in another case
// ("UserID" for "userId") is refused with a badRequest envelope. Mesh's schema
// declares additionalProperties: false, but whether its server refuses such a name or
// silently ignores it is not documented; either way a misspelt name is a bug in the
// caller, and a test should hear about it. The rules are meshtest's own reading of the
// wire spec, never a call into package mesh's validation, so a test that posts what
// the SDK sends checks the SDK against a second reading of the same facts.
//
// Tests can script the next answers (any error envelope, a bare 401, a 429 with
// Retry-After, a proxy's HTML 5xx, custom catalog content, latency) and read back the
// requests it received:
//
//	srv := meshtest.Start(t)
//	client, err := srv.NewClient()
//	...
//	srv.Enqueue(meshtest.TooManyRequests(2 * time.Second))
//	_, err = client.CreateLinkToken(ctx, req) // errors.Is(err, mesh.ErrTooManyRequests)
//	got := srv.Requests()                     // what the SDK sent
//
// It needs no network beyond loopback and no real credentials, so example programs can
// run against it too. Every method of Server is safe for concurrent use.
package meshtest
