package meshtest

// brokerTypes is every brokerType value of the wire spec (mesh-linktoken-api.md),
// written out here rather than taken from package mesh, so that the fake stays a
// second reading of the spec: the product spec's 51 in its order, then the 12 Mesh
// added later, in the order they appeared. brokerType is the one closed enum of the
// request (frozen by deprecation): a value outside this list is refused.
var brokerTypes = [...]string{
	// The product spec's 51.
	"robinhood", "eTrade", "alpaca", "tdAmeritrade", "weBull", "stash", "interactiveBrokers", "public",
	"coinbase", "kraken", "coinbasePro", "cryptoCom", "openSea", "binanceUs", "gemini",
	"cryptocurrencyAddress", "cryptocurrencyWallet", "okCoin", "bittrex", "kuCoin", "etoro", "cexIo",
	"binanceInternational", "bitstamp", "gateIo", "acorns", "okx", "bitFlyer", "coinlist", "huobi",
	"bitfinex", "deFiWallet", "krakenDirect", "vanguard", "binanceInternationalDirect",
	"bitfinexDirect", "bybit", "paxos", "coinbasePrime", "btcTurkDirect", "kuCoinDirect", "okxOAuth",
	"paribuDirect", "robinhoodConnect", "blockchainCom", "bitsoDirect", "binanceConnect",
	"binanceOAuth", "revolutConnect", "binancePay", "bybitDirect",
	// Mesh's 12 later additions.
	"paribuOAuth", "payPalConnect", "binanceTrDirect", "coinbaseRamp", "bybitDirectMobile", "sandbox",
	"cryptoComPay", "bybitEuDirect", "uphold", "binancePayOnchain", "sandboxCoinbase", "bybitPay",
}

// unsupportedBrokerTypes are listed by the spec but refused by the API.
var unsupportedBrokerTypes = setOf("deFiWallet", "cryptocurrencyAddress", "cryptocurrencyWallet")

// knownBrokerTypes is brokerTypes as a set.
var knownBrokerTypes = setOf(brokerTypes[:]...)

// setOf returns values as a set.
func setOf(values ...string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}
