// Package meshtest is a fake of Mesh's Link token API for tests and demos: it is to
// package mesh what net/http/httptest is to net/http.
//
// NewServer starts an HTTP server on loopback that speaks the wire contract of
// POST /api/v1/linktoken as strictly as Mesh does: it accepts only the credentials
// ClientID and ClientSecret, refuses a body with a property the API does not know (at
// any depth, names being case-sensitive), a value of the wrong JSON type or one that
// breaks a documented rule, and otherwise mints a fresh link token that decodes to a
// https://web.meshconnect.com Link URL. Tests can script its next answers (any error
// envelope, a bare 401, a 429 with Retry-After, a proxy's HTML 5xx, latency) and read
// back the requests it received:
//
//	srv := meshtest.NewServer()
//	defer srv.Close()
//	client, err := srv.NewClient()
//	...
//	srv.Enqueue(meshtest.TooManyRequests(2 * time.Second))
//	_, err = client.CreateLinkToken(ctx, req) // errors.Is(err, mesh.ErrTooManyRequests)
//
// It needs no network beyond loopback and no real credentials, so example programs can
// run against it too. Every method of Server is safe for concurrent use.
package meshtest
