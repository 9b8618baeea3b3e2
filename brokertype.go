package mesh

// The broker list follows the product spec's order; a new value goes in a const block,
// in brokerTypes, and in the tests' count.

// BrokerType names one integration (broker, exchange or wallet) that Link can open
// directly instead of showing its catalog (the request's brokerType). The request field
// that takes it is deprecated: Mesh prefers CreateLinkTokenRequest.IntegrationID, and
// IntegrationByType finds the integration of a broker type in Mesh's integrations list.
//
// In a request it is the one closed enum (the product spec's list, frozen by
// deprecation): Validate refuses a value this SDK does not know. In Mesh's answers
// (Integration.Type, Network.SupportedBrokerTypes) any value decodes as it is.
type BrokerType string

// Broker types of the product spec, in its order. BrokerTypeCryptocurrencyAddress,
// BrokerTypeCryptocurrencyWallet and BrokerTypeDeFiWallet are listed but not supported
// by the API: Validate refuses them.
const (
	BrokerTypeRobinhood                  BrokerType = "robinhood"
	BrokerTypeETrade                     BrokerType = "eTrade"
	BrokerTypeAlpaca                     BrokerType = "alpaca"
	BrokerTypeTDAmeritrade               BrokerType = "tdAmeritrade"
	BrokerTypeWeBull                     BrokerType = "weBull"
	BrokerTypeStash                      BrokerType = "stash"
	BrokerTypeInteractiveBrokers         BrokerType = "interactiveBrokers"
	BrokerTypePublic                     BrokerType = "public"
	BrokerTypeCoinbase                   BrokerType = "coinbase"
	BrokerTypeKraken                     BrokerType = "kraken"
	BrokerTypeCoinbasePro                BrokerType = "coinbasePro"
	BrokerTypeCryptoCom                  BrokerType = "cryptoCom"
	BrokerTypeOpenSea                    BrokerType = "openSea"
	BrokerTypeBinanceUS                  BrokerType = "binanceUs"
	BrokerTypeGemini                     BrokerType = "gemini"
	BrokerTypeCryptocurrencyAddress      BrokerType = "cryptocurrencyAddress"
	BrokerTypeCryptocurrencyWallet       BrokerType = "cryptocurrencyWallet"
	BrokerTypeOKCoin                     BrokerType = "okCoin"
	BrokerTypeBittrex                    BrokerType = "bittrex"
	BrokerTypeKuCoin                     BrokerType = "kuCoin"
	BrokerTypeEtoro                      BrokerType = "etoro"
	BrokerTypeCEXIO                      BrokerType = "cexIo"
	BrokerTypeBinanceInternational       BrokerType = "binanceInternational"
	BrokerTypeBitstamp                   BrokerType = "bitstamp"
	BrokerTypeGateIO                     BrokerType = "gateIo"
	BrokerTypeAcorns                     BrokerType = "acorns"
	BrokerTypeOKX                        BrokerType = "okx"
	BrokerTypeBitFlyer                   BrokerType = "bitFlyer"
	BrokerTypeCoinlist                   BrokerType = "coinlist"
	BrokerTypeHuobi                      BrokerType = "huobi"
	BrokerTypeBitfinex                   BrokerType = "bitfinex"
	BrokerTypeDeFiWallet                 BrokerType = "deFiWallet"
	BrokerTypeKrakenDirect               BrokerType = "krakenDirect"
	BrokerTypeVanguard                   BrokerType = "vanguard"
	BrokerTypeBinanceInternationalDirect BrokerType = "binanceInternationalDirect"
	BrokerTypeBitfinexDirect             BrokerType = "bitfinexDirect"
	BrokerTypeBybit                      BrokerType = "bybit"
	BrokerTypePaxos                      BrokerType = "paxos"
	BrokerTypeCoinbasePrime              BrokerType = "coinbasePrime"
	BrokerTypeBTCTurkDirect              BrokerType = "btcTurkDirect"
	BrokerTypeKuCoinDirect               BrokerType = "kuCoinDirect"
	BrokerTypeOKXOAuth                   BrokerType = "okxOAuth"
	BrokerTypeParibuDirect               BrokerType = "paribuDirect"
	BrokerTypeRobinhoodConnect           BrokerType = "robinhoodConnect"
	BrokerTypeBlockchainCom              BrokerType = "blockchainCom"
	BrokerTypeBitsoDirect                BrokerType = "bitsoDirect"
	BrokerTypeBinanceConnect             BrokerType = "binanceConnect"
	BrokerTypeBinanceOAuth               BrokerType = "binanceOAuth"
	BrokerTypeRevolutConnect             BrokerType = "revolutConnect"
	BrokerTypeBinancePay                 BrokerType = "binancePay"
	BrokerTypeBybitDirect                BrokerType = "bybitDirect"
)

// Broker types that Mesh's later API schema added to the product spec's list, in the
// order they appeared.
const (
	BrokerTypeParibuOAuth       BrokerType = "paribuOAuth"
	BrokerTypePayPalConnect     BrokerType = "payPalConnect"
	BrokerTypeBinanceTRDirect   BrokerType = "binanceTrDirect"
	BrokerTypeCoinbaseRamp      BrokerType = "coinbaseRamp"
	BrokerTypeBybitDirectMobile BrokerType = "bybitDirectMobile"
	BrokerTypeSandbox           BrokerType = "sandbox"
	BrokerTypeCryptoComPay      BrokerType = "cryptoComPay"
	BrokerTypeBybitEUDirect     BrokerType = "bybitEuDirect"
	BrokerTypeUphold            BrokerType = "uphold"
	BrokerTypeBinancePayOnchain BrokerType = "binancePayOnchain"
	BrokerTypeSandboxCoinbase   BrokerType = "sandboxCoinbase"
	BrokerTypeBybitPay          BrokerType = "bybitPay"
)

// brokerTypes lists every known broker type: the product spec's 51 values in its order,
// then Mesh's 12 later additions, in the order they appeared (63 in all).
var brokerTypes = [...]BrokerType{
	BrokerTypeRobinhood,
	BrokerTypeETrade,
	BrokerTypeAlpaca,
	BrokerTypeTDAmeritrade,
	BrokerTypeWeBull,
	BrokerTypeStash,
	BrokerTypeInteractiveBrokers,
	BrokerTypePublic,
	BrokerTypeCoinbase,
	BrokerTypeKraken,
	BrokerTypeCoinbasePro,
	BrokerTypeCryptoCom,
	BrokerTypeOpenSea,
	BrokerTypeBinanceUS,
	BrokerTypeGemini,
	BrokerTypeCryptocurrencyAddress,
	BrokerTypeCryptocurrencyWallet,
	BrokerTypeOKCoin,
	BrokerTypeBittrex,
	BrokerTypeKuCoin,
	BrokerTypeEtoro,
	BrokerTypeCEXIO,
	BrokerTypeBinanceInternational,
	BrokerTypeBitstamp,
	BrokerTypeGateIO,
	BrokerTypeAcorns,
	BrokerTypeOKX,
	BrokerTypeBitFlyer,
	BrokerTypeCoinlist,
	BrokerTypeHuobi,
	BrokerTypeBitfinex,
	BrokerTypeDeFiWallet,
	BrokerTypeKrakenDirect,
	BrokerTypeVanguard,
	BrokerTypeBinanceInternationalDirect,
	BrokerTypeBitfinexDirect,
	BrokerTypeBybit,
	BrokerTypePaxos,
	BrokerTypeCoinbasePrime,
	BrokerTypeBTCTurkDirect,
	BrokerTypeKuCoinDirect,
	BrokerTypeOKXOAuth,
	BrokerTypeParibuDirect,
	BrokerTypeRobinhoodConnect,
	BrokerTypeBlockchainCom,
	BrokerTypeBitsoDirect,
	BrokerTypeBinanceConnect,
	BrokerTypeBinanceOAuth,
	BrokerTypeRevolutConnect,
	BrokerTypeBinancePay,
	BrokerTypeBybitDirect,
	BrokerTypeParibuOAuth,
	BrokerTypePayPalConnect,
	BrokerTypeBinanceTRDirect,
	BrokerTypeCoinbaseRamp,
	BrokerTypeBybitDirectMobile,
	BrokerTypeSandbox,
	BrokerTypeCryptoComPay,
	BrokerTypeBybitEUDirect,
	BrokerTypeUphold,
	BrokerTypeBinancePayOnchain,
	BrokerTypeSandboxCoinbase,
	BrokerTypeBybitPay,
}

// brokerTypeSupported answers, for every known broker type, whether the API accepts it.
var brokerTypeSupported = func() map[BrokerType]bool {
	m := make(map[BrokerType]bool, len(brokerTypes))
	for _, b := range brokerTypes {
		m[b] = true
	}

	m[BrokerTypeCryptocurrencyAddress] = false
	m[BrokerTypeCryptocurrencyWallet] = false
	m[BrokerTypeDeFiWallet] = false
	return m
}()

// BrokerTypes returns every broker type this SDK knows, supported or not: the product
// spec's 51 values in its order, then the 12 Mesh added later (63 in all). The slice is the
// caller's to keep.
func BrokerTypes() []BrokerType {
	return append([]BrokerType(nil), brokerTypes[:]...)
}

// IsKnown reports whether b is one of the broker types this SDK knows.
func (b BrokerType) IsKnown() bool {
	_, ok := brokerTypeSupported[b]
	return ok
}

// IsSupported reports whether the API accepts b as a request's brokerType: it is known
// and not one of the three values the API lists but does not support.
func (b BrokerType) IsSupported() bool {
	return brokerTypeSupported[b]
}
