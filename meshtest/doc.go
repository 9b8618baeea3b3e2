// Package meshtest is a fake of Mesh's integration API for tests and demos: it is to
// package mesh what net/http/httptest is to net/http.
//
// NewServer (or Start, in a test) runs an HTTP server on loopback, https with
// WithTLS, that speaks the wire contract of Mesh's endpoints:
//
//   - POST /api/v1/linktoken (LinkTokenPath) checks the body against the documented
//     rules and mints a fresh link token, base64 of a https://web.meshconnect.com
//     Link URL, with a paymentLink when generatePayLink is true;
//   - GET NetworksPath, IntegrationsPath and TransferIntegrationsPath serve a small,
//     realistic catalog built on Mesh's official example ids (EthereumNetworkID,
//     PolygonNetworkID, CoinbaseIntegrationID, ...);
//   - GET TransfersPath serves the transfers the fake holds, filtered, ordered and
//     paged by the query, and GET WalletVerificationsPath the wallet verifications
//     of a UserId and Address.
//
// It answers missing or wrong credentials (ClientID and ClientSecret unless
// WithCredentials says otherwise) with a 401 and a short plain-text body (Mesh
// documents none), a body or query that breaks a documented rule with a 400
// badRequest envelope whose errorType is missingField or invalidField and whose
// message starts with the field's JSON path or the parameter's name, an unknown path
// with a 404 notFound envelope, and another method with a 405 and Allow. Its messages
// repeat at most 64 bytes of anything the caller sent. It accepts what Mesh's schema
// accepts: null wherever the schema allows it, and the media types Mesh's server reads
// as JSON (application/json, text/json, application/*+json, with any parameters).
//
// # Stricter than Mesh, on purpose
//
// Where Mesh's behaviour is not documented the fake is stricter: a misspelt name is a
// bug in the caller that Mesh might silently ignore, and a test should hear about it.
// A body property the schema does not know, at any depth, or a known name in another
// case ("UserID" for "userId") is refused (Mesh's schema declares
// additionalProperties: false, but whether its server enforces it is not documented).
// So is a query parameter the endpoint does not document, or a documented one in
// another case ("count" for "Count", though ASP.NET would bind it), and a parameter
// other than an array (IntegrationIds, Statuses) given twice. Values are read as
// ASP.NET binds them: an empty value is absent, booleans and OrderBy and Statuses
// values match in any case. GET TransfersPath refuses with invalidField a non-UUID
// Id, IntegrationIds entry or SubClientId; a Count or Offset that is not a 32-bit
// integer or is negative, a Count above 1000 (0 gives an empty page; absent gives 10);
// more than 100 IntegrationIds or 5 Statuses, or a blank status (any other value is
// accepted: Mesh adds statuses); a ClientTransactionId over 128 or a UserId over 50
// UTF-16 code units; timestamps that are not integers, FromTimestamp after
// ToTimestamp; amounts that are not finite decimal numbers, MinAmountInFiat above
// MaxAmountInFiat; an OrderBy Mesh does not document; a boolean other than true or
// false. GET WalletVerificationsPath requires UserId and Address (missingField).
// The rules are meshtest's own reading of the wire spec, never a call into package
// mesh's validation, so a test that posts what the SDK sends checks the SDK against a
// second reading of the same facts; likewise the fake's answers are its own wire
// structs, and the values its methods return are its JSON decoded by package mesh.
//
// # Playing the user in Link
//
// A consumer's back end mints a token, a user pays or signs in Link, and the back end
// confirms from Mesh. The fake plays the user: Server.PayWithLink pays with a token it
// minted for transferOptions and records a pending transfer built from that request
// (the fake has no prices: a destination without an amount is paid its amountInFiat,
// one token for one USD); Server.SetTransferStatus moves it on to succeeded (with a
// hash) or failed, both final as Mesh's are; Server.VerifyWithLink signs a token's
// verifyWalletOptions message and records the verification. GET TransfersPath and
// GET WalletVerificationsPath serve what they recorded, oldest first by default. A
// link token is single-use; a token of a scripted Reply is not the fake's own.
//
// # Webhooks
//
// With WithWebhook, each status change (the first, pending, included) is POSTed to the
// url before PayWithLink or SetTransferStatus returns, signed as Mesh signs: header
// X-Mesh-Signature-256, standard padded Base64 of HMAC-SHA256 over the exact body
// with the secret's bytes. The event has Mesh's PascalCase keys; its TransferStatus
// is capitalised as in Mesh's own example ("Pending", "Succeeded", "Failed"), so a
// receiver must compare statuses without case (mesh.ParseTransferStatus does); its
// amounts are JSON numbers with the exact text of the token request's. An answer
// other than 200 (a redirect is not followed), or none within 2 s, is delivered again
// at once, three tries in all, with the same EventId and a new Id. Server.Deliveries
// returns every try, with the bytes sent and the receiver's status code. The fake never
// holds its lock while it delivers: a receiver may read the transfer back through the
// API, or move it on, from inside its handler. Deliveries go straight to the url,
// never through a proxy.
//
// # Scripting and reading back
//
// Tests can script the next answers (any error envelope, a bare 401, a 429 with
// Retry-After, a proxy's HTML 5xx, custom content, latency), for any path or for one
// (Reply.Path), and read back the requests the fake received:
//
//	srv := meshtest.Start(t)
//	client, err := srv.NewClient()
//	...
//	srv.Enqueue(meshtest.TooManyRequests(2 * time.Second))
//	_, err = client.CreateLinkToken(ctx, req) // errors.Is(err, mesh.ErrTooManyRequests)
//	got := srv.Requests()                     // what the SDK sent
//
// It needs no network beyond loopback and no real credentials, so example programs can
// run against it too. Every method of Server is safe for concurrent use. A client that
// stalls mid-request is cut off by the server's read timeouts, and Close returns
// promptly whatever its clients do.
package meshtest
