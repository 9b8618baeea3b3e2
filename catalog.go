package mesh

import (
	"context"
	"net/http"
	"slices"
)

// Paths of the catalog endpoints below the base URL.
const (
	networksPath             = "/api/v1/transfers/managed/networks"
	integrationsPath         = "/api/v1/integrations"
	transferIntegrationsPath = "/api/v1/transfers/managed/integrations"
)

// CatalogReader is what consumers depend on and mock to read Mesh's catalogs: the ids a
// Link token request refers to. *Client implements it.
type CatalogReader interface {
	Networks(ctx context.Context, opts ...CallOption) ([]Network, error)
	Integrations(ctx context.Context, opts ...CallOption) ([]Integration, error)
	TransferIntegrations(ctx context.Context, opts ...CallOption) ([]TransferIntegration, error)
}

var _ CatalogReader = (*Client)(nil)

// Network is one blockchain network Mesh can transfer over, from its networks list.
// Its ID is the NetworkID of a TransferAddress.
type Network struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`    // e.g. "Ethereum"
	ChainID              string         `json:"chainId"` // the chain's own id, e.g. "1" for Ethereum
	LogoURL              string         `json:"logoUrl"`
	NativeSymbol         string         `json:"nativeSymbol"` // e.g. "ETH"
	NetworkType          NetworkType    `json:"networkType"`
	SupportedTokens      []string       `json:"supportedTokens"`      // symbols transferable on it
	Tokens               []NetworkToken `json:"tokens"`               // the same tokens, with logos
	SupportedBrokerTypes []BrokerType   `json:"supportedBrokerTypes"` // integrations that transfer over it
}

// NetworkToken is a token (an asset) of a network, with its logo.
type NetworkToken struct {
	Symbol  string `json:"symbol"`
	LogoURL string `json:"logoUrl"`
}

// Integration is one integration (broker, exchange, wallet) from Mesh's integrations
// list. Its ID is the IntegrationID of a CreateLinkTokenRequest.
type Integration struct {
	ID                       string                `json:"id"`                       // the IntegrationID of a request
	Name                     string                `json:"name"`                     // e.g. "Coinbase"
	Type                     BrokerType            `json:"type"`                     // ties a deprecated BrokerType to its integration
	DeFiWalletProviderID     string                `json:"deFiWalletProviderId"`     // the wallet provider, for DeFi wallets
	Categories               []IntegrationCategory `json:"categories"`               // brokerage, exchange, wallet, ...
	CryptoTransfersSupported bool                  `json:"cryptoTransfersSupported"` // whether Link can transfer crypto through it
	ForgotPasswordLink       string                `json:"forgotPasswordLink"`       // the integration's own password reset page
	Style                    IntegrationStyle      `json:"style"`                    // colours for a UI that lists it
	Logo                     IntegrationLogo       `json:"logo"`                     // logos and icons for that UI
}

// IntegrationCategory is a category of an integration. It is an open set: an answer
// may carry a value this SDK does not name yet.
type IntegrationCategory string

// Known values of IntegrationCategory.
const (
	IntegrationCategoryBrokerage      IntegrationCategory = "brokerage"
	IntegrationCategoryBank           IntegrationCategory = "bank"
	IntegrationCategoryExchange       IntegrationCategory = "exchange"
	IntegrationCategoryWallet         IntegrationCategory = "wallet"
	IntegrationCategoryAddress        IntegrationCategory = "address"
	IntegrationCategoryNFTMarketplace IntegrationCategory = "nftMarketplace"
	IntegrationCategoryDeFiWallet     IntegrationCategory = "deFiWallet"
)

// IntegrationStyle holds an integration's colours, as hexadecimal strings.
type IntegrationStyle struct {
	FieldActiveLight     string `json:"fieldActiveLight"`
	ButtonPrimaryLight   string `json:"buttonPrimaryLight"`
	ButtonHoverLight     string `json:"buttonHoverLight"`
	ButtonTextLight      string `json:"buttonTextLight"`
	ButtonTextHoverLight string `json:"buttonTextHoverLight"`
	FieldActiveDark      string `json:"fieldActiveDark"`
	ButtonPrimaryDark    string `json:"buttonPrimaryDark"`
	ButtonHoverDark      string `json:"buttonHoverDark"`
	ButtonTextDark       string `json:"buttonTextDark"`
	ButtonTextHoverDark  string `json:"buttonTextHoverDark"`
}

// IntegrationLogo holds an integration's logos and icons: URLs, and Base64Logo, a
// base64 PNG.
type IntegrationLogo struct {
	LogoLightURL string `json:"logoLightUrl"`
	LogoDarkURL  string `json:"logoDarkUrl"`
	LogoWhiteURL string `json:"logoWhiteUrl"`
	LogoBlackURL string `json:"logoBlackUrl"`
	LogoColorURL string `json:"logoColorUrl"`
	IconLightURL string `json:"iconLightUrl"`
	IconDarkURL  string `json:"iconDarkUrl"`
	IconWhiteURL string `json:"iconWhiteUrl"`
	IconBlackURL string `json:"iconBlackUrl"`
	IconColorURL string `json:"iconColorUrl"`
	Base64Logo   string `json:"base64Logo"`
}

// TransferIntegration says which networks an integration can transfer over, from
// Mesh's transfer integrations list.
type TransferIntegration struct {
	ID                        string            `json:"id"`                        // the integration's id, as in Integration.ID
	Name                      string            `json:"name"`                      // e.g. "Robinhood"
	Type                      BrokerType        `json:"type"`                      // its broker type
	SupportsIncomingTransfers bool              `json:"supportsIncomingTransfers"` // whether it can receive into the user's account there
	SupportsOutgoingTransfers bool              `json:"supportsOutgoingTransfers"` // whether it can send from the user's account there (a deposit or payment to you)
	Networks                  []TransferNetwork `json:"networks"`                  // the networks it transfers over
}

// TransferNetwork is a network a TransferIntegration transfers over.
type TransferNetwork struct {
	ID               string   `json:"id"` // the network's id, as in Network.ID
	Name             string   `json:"name"`
	ChainID          string   `json:"chainId"`
	LogoURL          string   `json:"logoUrl"`
	NativeSymbol     string   `json:"nativeSymbol"`
	SupportedTokens  []string `json:"supportedTokens"`
	SupportedDevices []Device `json:"supportedDevices"`
}

// Device is a kind of device a transfer works on. It is an open set: an answer may
// carry a value this SDK does not name yet.
type Device string

// Known values of Device.
const (
	DeviceUnknown Device = "unknown"
	DeviceAndroid Device = "android"
	DeviceIOS     Device = "ios"
	DeviceWeb     Device = "web"
)

// Networks returns Mesh's networks list (GET /api/v1/transfers/managed/networks): where
// a TransferAddress's NetworkID comes from. The list changes rarely: cache it. Errors,
// retries and the secret are handled as by CreateLinkToken; the answer is read up to
// 4 MiB.
func (c *Client) Networks(ctx context.Context, opts ...CallOption) ([]Network, error) {
	out := networkList{Networks: new([]Network)}
	if err := c.call(ctx, request{method: http.MethodGet, path: networksPath, limit: maxNetworksBytes, out: &out}, opts); err != nil {
		return nil, err
	}
	return listItems(out.Networks), nil
}

// Integrations returns Mesh's integrations list (GET /api/v1/integrations): where a
// CreateLinkTokenRequest's IntegrationID comes from. Every item may carry a base64
// logo, so the answer is read up to 8 MiB. The list changes rarely: cache it. Errors,
// retries and the secret are handled as by CreateLinkToken.
func (c *Client) Integrations(ctx context.Context, opts ...CallOption) ([]Integration, error) {
	out := integrationList{Items: new([]Integration)}
	if err := c.call(ctx, request{method: http.MethodGet, path: integrationsPath, limit: maxIntegrationsBytes, out: &out}, opts); err != nil {
		return nil, err
	}
	return listItems(out.Items), nil
}

// TransferIntegrations returns which integrations can transfer over which networks
// (GET /api/v1/transfers/managed/integrations). The list changes rarely: cache it.
// Errors, retries and the secret are handled as by CreateLinkToken; the answer is read
// up to 4 MiB.
func (c *Client) TransferIntegrations(ctx context.Context, opts ...CallOption) ([]TransferIntegration, error) {
	out := transferIntegrationList{Integrations: new([]TransferIntegration)}
	if err := c.call(ctx, request{method: http.MethodGet, path: transferIntegrationsPath, limit: maxTransferIntegrationsBytes, out: &out}, opts); err != nil {
		return nil, err
	}
	return listItems(out.Integrations), nil
}

// The content of a catalog's ok answer is an object whose member holds the list, under
// a key of its own per catalog: one type per catalog, so that encoding/json decodes the
// list in the answer's own pass (and matches the key as it matches every name, in any
// case). The list may be empty or null, but not absent, so that a renamed key is an
// error rather than a list that silently finds nothing: the member is a pointer set
// before decoding, which null sets to nil and an absent member leaves pointing at a nil
// list. Other members are skipped.

type networkList struct {
	Networks *[]Network `json:"networks"`
}

func (l *networkList) missing() string { return missingList(l.Networks, "networks") }

type integrationList struct {
	Items *[]Integration `json:"items"`
}

func (l *integrationList) missing() string { return missingList(l.Items, "items") }

type transferIntegrationList struct {
	Integrations *[]TransferIntegration `json:"integrations"`
}

func (l *transferIntegrationList) missing() string {
	return missingList(l.Integrations, "integrations")
}

type walletVerificationList struct {
	Verifications *[]WalletVerification `json:"verifications"`
}

func (l *walletVerificationList) missing() string {
	return missingList(l.Verifications, "verifications")
}

// missingList names a list member that the content lacks: one still pointing at a nil
// list, as set before decoding.
func missingList[T any](items *[]T, key string) string {
	if items != nil && *items == nil {
		return "content." + key
	}
	return ""
}

// listItems returns the items decoded into a list member: nil for null.
func listItems[T any](items *[]T) []T {
	if items == nil {
		return nil
	}
	return *items
}

// Lookups on the catalogs. Ids, chain ids and types compare exactly; names and token
// symbols compare ASCII case-insensitively ("usdc" finds "USDC", but "UſDC", with a
// long s, does not). An empty key finds nothing, so that an unset value (an empty
// environment variable) never finds an item that lacks the field. Each returns the
// first match and whether there was one.

// NetworkByChainID finds the network with the chain's own id, e.g. "1" for Ethereum or
// "137" for Polygon.
func NetworkByChainID(networks []Network, chainID string) (Network, bool) {
	return find(networks, chainID, func(n Network) bool { return n.ChainID == chainID })
}

// NetworkByName finds a network by name, e.g. "ethereum", ASCII case-insensitively.
func NetworkByName(networks []Network, name string) (Network, bool) {
	return find(networks, name, func(n Network) bool { return equalFoldASCII(n.Name, name) })
}

// IntegrationByType finds the integration of a broker type: the way from a deprecated
// BrokerType to its IntegrationID.
func IntegrationByType(integrations []Integration, t BrokerType) (Integration, bool) {
	return find(integrations, string(t), func(i Integration) bool { return i.Type == t })
}

// IntegrationByName finds an integration by name, e.g. "Coinbase", ASCII
// case-insensitively.
func IntegrationByName(integrations []Integration, name string) (Integration, bool) {
	return find(integrations, name, func(i Integration) bool { return equalFoldASCII(i.Name, name) })
}

// TransferIntegrationByType finds what the integration of a broker type can transfer.
func TransferIntegrationByType(integrations []TransferIntegration, t BrokerType) (TransferIntegration, bool) {
	return find(integrations, string(t), func(i TransferIntegration) bool { return i.Type == t })
}

// SupportsToken reports whether symbol (e.g. "usdc", ASCII case-insensitively) can be
// transferred on the network.
func (n Network) SupportsToken(symbol string) bool { return containsFold(n.SupportedTokens, symbol) }

// Network finds the network with id (a Network.ID) among those the integration
// transfers over.
func (t TransferIntegration) Network(id string) (TransferNetwork, bool) {
	return find(t.Networks, id, func(n TransferNetwork) bool { return n.ID == id })
}

// Supports reports whether the integration transfers symbol (ASCII
// case-insensitively) over the network with id (a Network.ID).
func (t TransferIntegration) Supports(networkID, symbol string) bool {
	n, ok := t.Network(networkID)
	return ok && n.SupportsToken(symbol)
}

// SupportsToken reports whether symbol (ASCII case-insensitively) can be transferred on
// the network through its integration.
func (n TransferNetwork) SupportsToken(symbol string) bool {
	return containsFold(n.SupportedTokens, symbol)
}

// SupportsDevice reports whether transfers over the network work on device d.
func (n TransferNetwork) SupportsDevice(d Device) bool { return slices.Contains(n.SupportedDevices, d) }

// find returns the first item that matches; an empty key finds nothing.
func find[T any](items []T, key string, match func(T) bool) (T, bool) {
	if key != "" {
		if i := slices.IndexFunc(items, match); i >= 0 {
			return items[i], true
		}
	}
	var zero T
	return zero, false
}

// containsFold reports whether list holds s, ASCII case-insensitively; "" is never held.
func containsFold(list []string, s string) bool {
	return s != "" && slices.ContainsFunc(list, func(v string) bool { return equalFoldASCII(v, s) })
}
