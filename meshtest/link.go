package meshtest

// The fake plays the user in Link: PayWithLink and VerifyWithLink do with a token the
// fake minted what a user who opened Link with it would, and SetTransferStatus moves
// a transfer on as Mesh does when it learns the outcome.

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mesh-go/mesh"
)

// tokenRequest is what the fake remembers of a request it minted a link token for:
// the parts a payment or a verification is built from. The body matched the schema
// and the rules, so every field has its documented type; null reads as the zero
// value. Amounts keep the exact text of the request's JSON numbers.
type tokenRequest struct {
	UserID              string         `json:"userId"`
	BrokerType          string         `json:"brokerType"`
	IntegrationID       string         `json:"integrationId"`
	SubClientID         string         `json:"subClientId"`
	TransferOptions     *tokenTransfer `json:"transferOptions"`
	VerifyWalletOptions *tokenVerify   `json:"verifyWalletOptions"`

	paid bool // PayWithLink used the token: a link token is single-use
}

type tokenTransfer struct {
	ToAddresses   []tokenAddress `json:"toAddresses"`
	AmountInFiat  json.Number    `json:"amountInFiat"`
	TransactionID string         `json:"transactionId"`
	TransferType  string         `json:"transferType"`
}

type tokenAddress struct {
	NetworkID string      `json:"networkId"`
	Symbol    string      `json:"symbol"`
	Address   string      `json:"address"`
	Amount    json.Number `json:"amount"`
}

type tokenVerify struct {
	Message     string   `json:"message"`
	Addresses   []string `json:"addresses"`
	NetworkID   string   `json:"networkId"`
	NetworkType string   `json:"networkType"`
}

// rememberToken records the request body that the fake minted token for.
func (s *Server) rememberToken(token string, body []byte) {
	req := new(tokenRequest)
	_ = json.Unmarshal(body, req) // cannot fail: the body matched requestSchema
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = req
}

// mintedRequest returns the request the fake minted token for. The caller holds s.mu.
func (s *Server) mintedRequest(method, token string) (*tokenRequest, error) {
	req := s.tokens[token]
	if req == nil {
		return nil, errors.New("meshtest: " + method + ": the link token was not minted by this server's " +
			LinkTokenPath + " (a token of a scripted Reply is not)")
	}
	return req, nil
}

// PayWithLink acts as the user who opens Link with linkToken and pays: it records
// the pending transfer Mesh would then hold (served at TransfersPath), delivers the
// webhook event of its first status (WithWebhook), and returns it as package mesh
// decodes it from the fake's JSON.
//
// linkToken must be one this server minted (not one of a scripted Reply) for a
// request with transferOptions.toAddresses, and not paid with before: a link token is
// single-use. Anything else is an error that says which. The transfer is built from
// that request:
//
//   - ID: a fresh random UUID; Status pending; CreatedAt now, in whole seconds;
//   - ClientTransactionID, UserID, TransferType, SubClientID: the request's
//     transactionId, userId, transferType and subClientId;
//   - Symbol, NetworkID, DestinationAddress: those of the first destination;
//     NetworkName and NetworkLogoURL: its network's in the fake's catalog (empty
//     when the catalog does not have it);
//   - AmountInFiat: transferOptions.amountInFiat, in USD; 0 when absent;
//   - Amount, SourceAmount, DestinationAmount: the first destination's amount, else
//     amountInFiat, since the fake has no prices and counts 1 token = 1 USD; 0 (and
//     nil) when neither is set, where a user would pick the amount in Link;
//   - From: the integration of the request's integrationId in the fake's catalog (an
//     id the catalog lacks gives a From with that id only), else the one of its
//     brokerType, else Coinbase (CoinbaseIntegrationID);
//   - no fees: the amounts to receive and the totals equal the amounts.
func (s *Server) PayWithLink(linkToken string) (*mesh.Transfer, error) {
	now := s.cfg.now()
	s.mu.Lock()
	req, err := s.mintedRequest("PayWithLink", linkToken)
	if err == nil {
		switch {
		case req.TransferOptions == nil:
			err = errors.New("meshtest: PayWithLink: the link token was minted without transferOptions: there is nothing to pay")
		case len(req.TransferOptions.ToAddresses) == 0:
			err = errors.New("meshtest: PayWithLink: the link token was minted without transferOptions.toAddresses: there is no destination to pay")
		case req.paid:
			err = errors.New("meshtest: PayWithLink: the link token was already used for a payment: a link token is single-use")
		}
	}
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	req.paid = true
	t := newTransfer(req, now)
	s.transfers = append(s.transfers, t)
	snapshot := *t
	s.mu.Unlock()

	s.deliver(snapshot, now)
	return toMesh[mesh.Transfer](snapshot)
}

// The statuses of Mesh's transfers that the fake knows, as the transfer list spells
// them.
const (
	statusPending   = "pending"
	statusSucceeded = "succeeded"
	statusFailed    = "failed"
)

// SetTransferStatus moves the transfer whose Mesh id is transferID on to status, as
// Mesh does when it learns the outcome: it delivers the webhook event of the change
// (WithWebhook) and returns the transfer as package mesh decodes it. Succeeded sets
// Hash (0x and 64 hexadecimal digits) and ExecutedAt (now, whole seconds); failed
// sets neither.
//
// Succeeded and failed are final, as Mesh's are: moving a transfer out of either is
// an error, and so are a status equal to the transfer's own (no change, no event), a
// blank status and an id the fake does not hold. Any other status is recorded as it
// is (TransferStatus is an open set) and is not final.
func (s *Server) SetTransferStatus(transferID string, status mesh.TransferStatus) (*mesh.Transfer, error) {
	if strings.TrimSpace(string(status)) == "" {
		return nil, errors.New("meshtest: SetTransferStatus: the status is blank")
	}
	now := s.cfg.now()
	s.mu.Lock()
	var err error
	t := s.transfer(transferID)
	switch {
	case t == nil:
		err = fmt.Errorf("meshtest: SetTransferStatus: the fake holds no transfer with the id %s", quote(transferID))
	case t.Status == statusSucceeded || t.Status == statusFailed:
		err = fmt.Errorf("meshtest: SetTransferStatus: transfer %s is %s, a final status: Mesh never moves it again", t.ID, t.Status)
	case t.Status == string(status):
		err = fmt.Errorf("meshtest: SetTransferStatus: transfer %s is already %s", t.ID, quote(t.Status))
	}
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	t.Status = string(status)
	if t.Status == statusSucceeded {
		hash, executed := "0x"+randomHex(32), now.Unix()
		t.Hash, t.ExecutedTimestamp = &hash, &executed
	}
	snapshot := *t
	s.mu.Unlock()

	s.deliver(snapshot, now)
	return toMesh[mesh.Transfer](snapshot)
}

// transfer returns the transfer with Mesh's id id (a UUID, in any case), or nil. The
// caller holds s.mu.
func (s *Server) transfer(id string) *transferWire {
	for _, t := range s.transfers {
		if strings.EqualFold(t.ID, id) {
			return t
		}
	}
	return nil
}

// VerifyWithLink acts as the user who opens Link with linkToken and signs its
// verifyWalletOptions.message with the wallet at address: it records the wallet
// verification Mesh would then hold (served at WalletVerificationsPath) and returns
// it as package mesh decodes it.
//
// linkToken must be one this server minted for a request with verifyWalletOptions.
// address must not be blank and, when the request listed verifyWalletOptions.addresses,
// must be one of them exactly, as Link fails any other. The verification holds the
// request's userId and message, address, the request's networkType (else the type of
// its networkId's network in the fake's catalog, else evm), the method signedMessage,
// a fake signature (0x and 130 hexadecimal digits, the shape of an EVM signature,
// signing nothing) and the time now. One token may verify several addresses, one call
// each.
func (s *Server) VerifyWithLink(linkToken, address string) (*mesh.WalletVerification, error) {
	now := s.cfg.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	req, err := s.mintedRequest("VerifyWithLink", linkToken)
	if err != nil {
		return nil, err
	}
	opts := req.VerifyWalletOptions
	switch {
	case opts == nil:
		return nil, errors.New("meshtest: VerifyWithLink: the link token was minted without verifyWalletOptions: there is nothing to sign")
	case strings.TrimSpace(address) == "":
		return nil, errors.New("meshtest: VerifyWithLink: the address is blank")
	case len(opts.Addresses) > 0 && !slices.Contains(opts.Addresses, address):
		return nil, fmt.Errorf("meshtest: VerifyWithLink: the address %s is not one of the token's verifyWalletOptions.addresses", quote(address))
	}
	networkType := opts.NetworkType
	if n := findNetwork(opts.NetworkID); networkType == "" && n != nil {
		networkType = n.NetworkType
	}
	if networkType == "" {
		networkType = "evm"
	}
	v := verificationWire{
		UserID:             req.UserID,
		Address:            address,
		NetworkType:        networkType,
		VerificationMethod: "signedMessage",
		Message:            opts.Message,
		SignedMessageHash:  "0x" + randomHex(65),
		Timestamp:          now.Unix(),
	}
	s.verifications = append(s.verifications, v)
	return toMesh[mesh.WalletVerification](v)
}

// toMesh returns v, a wire value of the fake, as package mesh decodes it: the fake's
// JSON unmarshalled into a T. So every call checks the SDK's decoding too.
func toMesh[T any](v any) (*T, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("meshtest: encoding %T: %w", v, err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("meshtest: package mesh cannot decode the fake's %T: %w", out, err)
	}
	return out, nil
}
