// Package webhook receives Mesh's transfer-status webhooks: the event Mesh POSTs to
// your callback URI each time a transfer it initiated changes status, signed in the
// X-Mesh-Signature-256 header with the secret Mesh showed when you registered the URI.
//
// NewHandler is the whole receiver; Verify and ParseTransferEvent serve receivers
// written by hand, Sign tests them:
//
//	http.Handle("POST /mesh/webhook", webhook.NewHandler(onEvent,
//		os.Getenv("MESH_WEBHOOK_SECRET"), os.Getenv("MESH_WEBHOOK_SECRET_OLD")))
//
// A receiver must get four things right, in this order; each mistake costs money.
//
// 1. Verify the signature over the raw body, in constant time, before anything else
// looks at it. NewHandler does: it reads the body through a 64 KiB bound and answers
// 401 to a missing or wrong signature without calling your function. A receiver
// written by hand calls ParseTransferEvent on the bytes exactly as read; decoding and
// re-encoding the JSON first breaks the signature. During a secret rotation give both
// secrets.
//
// 2. Answer fast: Mesh wants a 200 within 200 ms, and delivers the event again
// otherwise. Record the event and return; do slow work (reading the transfer back,
// releasing goods) after answering, from a queue or a goroutine of your own. A
// function that fails makes the handler answer 500, and Mesh delivers again.
//
// 3. Deduplicate on EventID, in your own store. Delivery is at least once, and a
// retry carries the same EventID (and a new ID), so record the EventID atomically and
// skip the event when it was already there. Recording it is also what queues the slow
// work, so that no event is lost between answering and doing it:
//
//	func onEvent(ctx context.Context, ev *webhook.TransferEvent) error {
//		res, err := db.ExecContext(ctx, `INSERT INTO mesh_events(event_id, transfer_id)
//			VALUES($1, $2) ON CONFLICT DO NOTHING`, ev.EventID, ev.TransferID)
//		if err != nil {
//			return err // 500: Mesh delivers again
//		}
//		n, err := res.RowsAffected()
//		if err != nil {
//			return err
//		}
//		if n == 0 {
//			return nil // seen before: skip it
//		}
//		worker.Wake() // it handles the new row of mesh_events after this answer
//		return nil
//	}
//
// 4. The event is a hint, not proof of payment: it says that a transfer changed, not
// that it paid your order in full, and it has no replay window. Before releasing
// anything, read the transfer back from Mesh (Client.TransferByID in package mesh)
// and compare its amount, token and destination with the order:
//
//	tr, err := client.TransferByID(ctx, transferID) // *mesh.Transfer
//	if err != nil {
//		return err // try again later
//	}
//	order, err := orders.ByID(ctx, tr.ClientTransactionID) // the TransactionID of your token
//	if err != nil {
//		return err
//	}
//	if tr.Status != mesh.TransferStatusSucceeded || tr.Symbol != order.Token ||
//		tr.DestinationAddress != order.Address || tr.Amount < order.Amount {
//		return nil // not (yet) what the order asked for: release nothing
//	}
//	return order.Release(ctx)
//
// Never treat Link's onTransferFinished callback in the browser as payment either:
// the browser is the user's, and so is anything it reports.
//
// Mesh sends all deliveries from 20.22.113.37; an allowlist may add to the signature,
// never replace it.
package webhook
