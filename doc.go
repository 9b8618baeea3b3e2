// Package mesh is a typed Go client for Mesh Connect's integration API, starting with
// its Link token endpoint (POST /api/v1/linktoken): back ends mint short-lived,
// single-use tokens with it and hand them to the front end that opens Mesh's Link UI.
//
// Create one Client with NewClient and share it; it is safe for concurrent use:
//
//	client, err := mesh.NewClient(clientID, clientSecret, mesh.WithEnvironment(mesh.Sandbox))
//	if err != nil { ... }
//	token, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "user-42"})
//
// A request is validated before anything is sent (errors match ErrValidation and name
// each field's JSON path). Every answer from Mesh that is not a token is an *APIError
// matching exactly one sentinel error (ErrUnauthorized, ErrTooManyRequests, ...).
// Transport failures, HTTP 429 and 5xx are retried with exponential back-off and
// jitter, honouring Retry-After. The client secret never appears in errors, logs or
// fmt output, and never reaches another host: redirects are not followed and plain
// http is refused except to loopback.
//
// Consumers test their code against the LinkTokenCreator interface, against httpmock
// through WithHTTPClient, or against the fake Mesh API in package meshtest.
package mesh
