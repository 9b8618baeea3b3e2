package mesh

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vtSpecBrokers51 is the product spec's brokerType list, in its order.
var vtSpecBrokers51 = []BrokerType{
	"robinhood", "eTrade", "alpaca", "tdAmeritrade", "weBull", "stash",
	"interactiveBrokers", "public", "coinbase", "kraken", "coinbasePro", "cryptoCom",
	"openSea", "binanceUs", "gemini", "cryptocurrencyAddress", "cryptocurrencyWallet",
	"okCoin", "bittrex", "kuCoin", "etoro", "cexIo", "binanceInternational", "bitstamp",
	"gateIo", "acorns", "okx", "bitFlyer", "coinlist", "huobi", "bitfinex", "deFiWallet",
	"krakenDirect", "vanguard", "binanceInternationalDirect", "bitfinexDirect", "bybit",
	"paxos", "coinbasePrime", "btcTurkDirect", "kuCoinDirect", "okxOAuth", "paribuDirect",
	"robinhoodConnect", "blockchainCom", "bitsoDirect", "binanceConnect", "binanceOAuth",
	"revolutConnect", "binancePay", "bybitDirect",
}

// vtSpecBrokersLater are the values Mesh's later API schema added, in the spec's order.
var vtSpecBrokersLater = []BrokerType{
	"paribuOAuth", "payPalConnect", "binanceTrDirect", "coinbaseRamp", "bybitDirectMobile",
	"sandbox", "cryptoComPay", "bybitEuDirect",
}

func TestBrokerTypesListAndOrder(t *testing.T) {
	require.Len(t, vtSpecBrokers51, 51)
	require.Len(t, vtSpecBrokersLater, 8)
	got := BrokerTypes()
	require.Len(t, got, 59)
	assert.Equal(t, vtSpecBrokers51, got[:51], "the product spec's 51 values, in its order")
	assert.Equal(t, vtSpecBrokersLater, got[51:], "then the 8 later values, in the spec's order")
	assert.Equal(t, BrokerType("robinhood"), got[0])
	assert.Equal(t, BrokerType("bybitDirect"), got[50])
	assert.Equal(t, BrokerType("paribuOAuth"), got[51])
	assert.Equal(t, BrokerType("bybitEuDirect"), got[58])

	seen := make(map[BrokerType]int, len(got))
	for i, b := range got {
		if j, dup := seen[b]; dup {
			t.Errorf("%q at %d and %d", b, j, i)
		}
		seen[b] = i
	}
}

func TestBrokerTypesReturnsACopy(t *testing.T) {
	first := BrokerTypes()
	require.NotEmpty(t, first)
	want := append([]BrokerType(nil), first...)
	for i := range first {
		first[i] = "mutated"
	}
	_ = append(first[:1], "appended")
	assert.Equal(t, want, BrokerTypes())
	assert.True(t, BrokerTypeRobinhood.IsKnown(), "mutating the copy changed what is known")
	assert.False(t, BrokerType("mutated").IsKnown())
}

func TestBrokerTypeConstants(t *testing.T) {
	tests := []struct {
		constant BrokerType
		value    string
	}{
		{BrokerTypeRobinhood, "robinhood"},
		{BrokerTypeETrade, "eTrade"},
		{BrokerTypeAlpaca, "alpaca"},
		{BrokerTypeTDAmeritrade, "tdAmeritrade"},
		{BrokerTypeWeBull, "weBull"},
		{BrokerTypeStash, "stash"},
		{BrokerTypeInteractiveBrokers, "interactiveBrokers"},
		{BrokerTypePublic, "public"},
		{BrokerTypeCoinbase, "coinbase"},
		{BrokerTypeKraken, "kraken"},
		{BrokerTypeCoinbasePro, "coinbasePro"},
		{BrokerTypeCryptoCom, "cryptoCom"},
		{BrokerTypeOpenSea, "openSea"},
		{BrokerTypeBinanceUS, "binanceUs"},
		{BrokerTypeGemini, "gemini"},
		{BrokerTypeCryptocurrencyAddress, "cryptocurrencyAddress"},
		{BrokerTypeCryptocurrencyWallet, "cryptocurrencyWallet"},
		{BrokerTypeOKCoin, "okCoin"},
		{BrokerTypeBittrex, "bittrex"},
		{BrokerTypeKuCoin, "kuCoin"},
		{BrokerTypeEtoro, "etoro"},
		{BrokerTypeCEXIO, "cexIo"},
		{BrokerTypeBinanceInternational, "binanceInternational"},
		{BrokerTypeBitstamp, "bitstamp"},
		{BrokerTypeGateIO, "gateIo"},
		{BrokerTypeAcorns, "acorns"},
		{BrokerTypeOKX, "okx"},
		{BrokerTypeBitFlyer, "bitFlyer"},
		{BrokerTypeCoinlist, "coinlist"},
		{BrokerTypeHuobi, "huobi"},
		{BrokerTypeBitfinex, "bitfinex"},
		{BrokerTypeDeFiWallet, "deFiWallet"},
		{BrokerTypeKrakenDirect, "krakenDirect"},
		{BrokerTypeVanguard, "vanguard"},
		{BrokerTypeBinanceInternationalDirect, "binanceInternationalDirect"},
		{BrokerTypeBitfinexDirect, "bitfinexDirect"},
		{BrokerTypeBybit, "bybit"},
		{BrokerTypePaxos, "paxos"},
		{BrokerTypeCoinbasePrime, "coinbasePrime"},
		{BrokerTypeBTCTurkDirect, "btcTurkDirect"},
		{BrokerTypeKuCoinDirect, "kuCoinDirect"},
		{BrokerTypeOKXOAuth, "okxOAuth"},
		{BrokerTypeParibuDirect, "paribuDirect"},
		{BrokerTypeRobinhoodConnect, "robinhoodConnect"},
		{BrokerTypeBlockchainCom, "blockchainCom"},
		{BrokerTypeBitsoDirect, "bitsoDirect"},
		{BrokerTypeBinanceConnect, "binanceConnect"},
		{BrokerTypeBinanceOAuth, "binanceOAuth"},
		{BrokerTypeRevolutConnect, "revolutConnect"},
		{BrokerTypeBinancePay, "binancePay"},
		{BrokerTypeBybitDirect, "bybitDirect"},
		{BrokerTypeParibuOAuth, "paribuOAuth"},
		{BrokerTypePayPalConnect, "payPalConnect"},
		{BrokerTypeBinanceTRDirect, "binanceTrDirect"},
		{BrokerTypeCoinbaseRamp, "coinbaseRamp"},
		{BrokerTypeBybitDirectMobile, "bybitDirectMobile"},
		{BrokerTypeSandbox, "sandbox"},
		{BrokerTypeCryptoComPay, "cryptoComPay"},
		{BrokerTypeBybitEUDirect, "bybitEuDirect"},
	}
	require.Len(t, tests, 59)
	for i, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			assert.Equal(t, tc.value, string(tc.constant))
			if i < 51 {
				assert.Equal(t, vtSpecBrokers51[i], tc.constant)
			} else {
				assert.Equal(t, vtSpecBrokersLater[i-51], tc.constant)
			}
		})
	}
}

func TestBrokerTypeIsKnownIsSupported(t *testing.T) {
	all := append(append([]BrokerType(nil), vtSpecBrokers51...), vtSpecBrokersLater...)
	supported := 0
	for _, b := range all {
		t.Run(string(b), func(t *testing.T) {
			assert.True(t, b.IsKnown())
			assert.Equal(t, !vtUnsupportedBrokers[b], b.IsSupported())
		})
		if !vtUnsupportedBrokers[b] {
			supported++
		}
	}
	assert.Equal(t, 56, supported)
	for _, b := range []BrokerType{BrokerTypeDeFiWallet, BrokerTypeCryptocurrencyAddress, BrokerTypeCryptocurrencyWallet} {
		t.Run("unsupported/"+string(b), func(t *testing.T) {
			assert.True(t, b.IsKnown())
			assert.False(t, b.IsSupported())
		})
	}
	for _, b := range []BrokerType{"", "nasdaq", "Coinbase", "COINBASE", " coinbase", "coinbase ", "binanceus", "bybiteudirect"} {
		t.Run("unknown/"+string(b), func(t *testing.T) {
			assert.False(t, b.IsKnown())
			assert.False(t, b.IsSupported())
		})
	}
}
