package mesh

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// WalletVerifications reads the verifications Mesh holds for a user's wallet address
// (GET /api/v1/wallets/verify): the proof that the user signed your
// VerifyWalletOptions.Message with that wallet. Check that one carries the message (and
// nonce) you asked for before trusting the address; Link's front-end callback is a
// hint, this is the record.
//
// A blank userID or address is refused before sending (ErrValidation, Field "UserId"
// or "Address", the query parameters they are sent as). Errors, retries and the secret
// are handled as by CreateLinkToken; the answer is read up to 1 MiB.
func (c *Client) WalletVerifications(ctx context.Context, userID, address string, opts ...CallOption) ([]WalletVerification, error) {
	var v InvalidRequestError
	if strings.TrimSpace(userID) == "" {
		v.addCode("UserId", CodeRequired, "is required: the user id of your Link token request")
	}
	if strings.TrimSpace(address) == "" {
		v.addCode("Address", CodeRequired, "is required: the wallet address the user verified")
	}
	var invalid error
	if len(v.Problems) > 0 {
		invalid = &InvalidRequestError{Problems: v.Problems}
	}
	out := walletVerificationList{Verifications: new([]WalletVerification)}
	r := request{method: http.MethodGet, path: walletVerificationsPath, query: url.Values{"UserId": {userID}, "Address": {address}},
		limit: maxWalletVerificationsBytes, out: &out, invalid: invalid}
	if err := c.call(ctx, r, opts); err != nil {
		return nil, err
	}
	return listItems(out.Verifications), nil
}

// WalletVerification is a proof Mesh holds that a user owns a wallet (an item of
// GET /api/v1/wallets/verify): the message they signed and the signature.
type WalletVerification struct {
	UserID             string             // your user id
	Address            string             // the wallet's address
	XPubKey            string             // the extended public key, for Bitcoin wallets
	NetworkType        NetworkType        // evm, solana, bitcoin, ...
	VerificationMethod VerificationMethod // signedMessage today
	Message            string             // the message the user signed: your VerifyWalletOptions.Message
	SignedMessageHash  string             // the signature
	VerifiedAt         time.Time          // timestamp (Unix seconds), UTC
}

type walletVerificationJSON struct {
	UserID             string             `json:"userId"`
	Address            string             `json:"address"`
	XPubKey            string             `json:"xPubKey"`
	NetworkType        NetworkType        `json:"networkType"`
	VerificationMethod VerificationMethod `json:"verificationMethod"`
	Message            string             `json:"message"`
	SignedMessageHash  string             `json:"signedMessageHash"`
	Timestamp          unixSeconds        `json:"timestamp"`
}

// UnmarshalJSON decodes an item of Mesh's verifications list, its timestamp from Unix
// seconds.
func (v *WalletVerification) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // as encoding/json leaves a value on null
	}
	var w walletVerificationJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*v = WalletVerification{
		UserID: w.UserID, Address: w.Address, XPubKey: w.XPubKey, NetworkType: w.NetworkType,
		VerificationMethod: w.VerificationMethod, Message: w.Message, SignedMessageHash: w.SignedMessageHash,
		VerifiedAt: time.Time(w.Timestamp),
	}
	return nil
}

// MarshalJSON encodes the verification as Mesh's list does, its timestamp in Unix
// seconds.
func (v WalletVerification) MarshalJSON() ([]byte, error) {
	type wire walletVerificationJSON
	w := wire{
		UserID: v.UserID, Address: v.Address, XPubKey: v.XPubKey, NetworkType: v.NetworkType,
		VerificationMethod: v.VerificationMethod, Message: v.Message, SignedMessageHash: v.SignedMessageHash,
	}
	return json.Marshal(struct {
		wire
		Timestamp *int64 `json:"timestamp"`
	}{wire: w, Timestamp: unixOrNil(v.VerifiedAt)})
}
