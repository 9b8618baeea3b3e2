// Package mesh is a typed Go client for Mesh Connect's integration API: its Link token
// endpoint (POST /api/v1/linktoken), with which back ends mint the short-lived,
// single-use tokens that open Mesh's Link UI; the catalogs those requests refer to
// (networks and integrations); and the transfers and wallet verifications that Link
// sessions produce.
//
// Create one Client with NewClient and share it; it is safe for concurrent use:
//
//	client, err := mesh.NewClient(clientID, clientSecret, mesh.WithEnvironment(mesh.Sandbox))
//	if err != nil { ... }
//	token, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "user-42"})
//
// A request is validated before anything is sent: a refused one is an
// *InvalidRequestError (matching ErrValidation) naming each field's JSON path. Every
// answer from Mesh that is not a success is an *APIError matching exactly one sentinel
// error (ErrUnauthorized, ErrTooManyRequests, ...). Transport failures, HTTP 429 and
// 5xx are retried with exponential back-off and jitter, honouring Retry-After, and the
// context bounds the whole call. A call that made attempts and failed returns a
// *CallError telling how many, over how long, and what stopped it.
//
// Every call takes per-call options last, which change that call only:
//
//	var resp mesh.Response
//	token, err := client.CreateLinkToken(ctx, req, mesh.WithCallTimeout(5*time.Second), mesh.WithResponse(&resp))
//	log.Print(resp.Header.Get("X-Request-Id"), resp.Attempts)
//
// Networks, Integrations and TransferIntegrations read the catalogs; NetworkByChainID,
// IntegrationByType and their siblings find an id in one line, so that no caller
// hard-codes a UUID; NewCatalogCache keeps them in memory for a process.
//
// Transfers, AllTransfers and TransferByID read the transfers that Link tokens started,
// and WalletVerifications the wallets users proved they own. A webhook event or Link's
// front-end callback (onTransferFinished) is a hint: before releasing goods, read the
// transfer back with TransferByID (or find your order's with
// TransferQuery.ClientTransactionID) and check its Status, amount, token and
// destination. That read is the record. Package webhook verifies and decodes Mesh's
// signed transfer-status events.
//
// The client secret never appears in errors, logs or fmt output, and never reaches
// another host: redirects are not followed and plain http is refused except to
// loopback, never through a proxy.
//
// Consumers test their code against the LinkTokenCreator, CatalogReader and
// TransferReader interfaces, against httpmock through WithHTTPClient, or against the
// fake Mesh API in package meshtest.
package mesh
