package mesh

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BrokerTypes is the spec's 51 in its order, then Mesh's 12 in theirs, each once, and
// each call returns a copy: mutating one result changes neither the next nor what is
// known. Every listed value is known; all but deFiWallet, cryptocurrencyAddress and
// cryptocurrencyWallet (unsupportedBrokerTypes) are supported. Values are matched
// exactly: the API spells them in camelCase.
func TestBrokerTypesListsEveryKnownValueOnce(t *testing.T) {
	require.Len(t, specBrokerTypes, 51, "the product spec lists 51 broker types")
	require.Len(t, meshBrokerTypeAdditions, 12, "Mesh added 12 broker types")
	got := BrokerTypes()
	assert.Equal(t, allBrokerTypes(), got)
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(got))), 63, "a broker type repeats")

	for i := range got {
		got[i] = "mutated"
	}
	_ = append(got[:0], "appended")
	assert.Equal(t, allBrokerTypes(), BrokerTypes(), "mutating one result changed the next")
	for _, b := range allBrokerTypes() {
		assert.True(t, b.IsKnown(), b)
		assert.Equal(t, !unsupportedBrokerTypes[b], b.IsSupported(), b)
	}
	for _, b := range []BrokerType{"", "nasdaq", "Coinbase", " coinbase", "binanceus", "bybiteudirect", "mutated"} {
		assert.False(t, b.IsKnown(), b)
		assert.False(t, b.IsSupported(), b)
	}
}

// The constants are the contract's names for the values; each must spell its value as
// the API does.
func TestBrokerTypeConstantsSpellTheSpecValues(t *testing.T) {
	constants := []BrokerType{
		BrokerTypeRobinhood, BrokerTypeETrade, BrokerTypeAlpaca, BrokerTypeTDAmeritrade, BrokerTypeWeBull, BrokerTypeStash,
		BrokerTypeInteractiveBrokers, BrokerTypePublic, BrokerTypeCoinbase, BrokerTypeKraken, BrokerTypeCoinbasePro, BrokerTypeCryptoCom,
		BrokerTypeOpenSea, BrokerTypeBinanceUS, BrokerTypeGemini, BrokerTypeCryptocurrencyAddress, BrokerTypeCryptocurrencyWallet, BrokerTypeOKCoin,
		BrokerTypeBittrex, BrokerTypeKuCoin, BrokerTypeEtoro, BrokerTypeCEXIO, BrokerTypeBinanceInternational, BrokerTypeBitstamp, BrokerTypeGateIO,
		BrokerTypeAcorns, BrokerTypeOKX, BrokerTypeBitFlyer, BrokerTypeCoinlist, BrokerTypeHuobi, BrokerTypeBitfinex, BrokerTypeDeFiWallet,
		BrokerTypeKrakenDirect, BrokerTypeVanguard, BrokerTypeBinanceInternationalDirect, BrokerTypeBitfinexDirect, BrokerTypeBybit, BrokerTypePaxos,
		BrokerTypeCoinbasePrime, BrokerTypeBTCTurkDirect, BrokerTypeKuCoinDirect, BrokerTypeOKXOAuth, BrokerTypeParibuDirect,
		BrokerTypeRobinhoodConnect, BrokerTypeBlockchainCom, BrokerTypeBitsoDirect, BrokerTypeBinanceConnect, BrokerTypeBinanceOAuth,
		BrokerTypeRevolutConnect, BrokerTypeBinancePay, BrokerTypeBybitDirect, BrokerTypeParibuOAuth, BrokerTypePayPalConnect,
		BrokerTypeBinanceTRDirect, BrokerTypeCoinbaseRamp, BrokerTypeBybitDirectMobile, BrokerTypeSandbox, BrokerTypeCryptoComPay,
		BrokerTypeBybitEUDirect, BrokerTypeUphold, BrokerTypeBinancePayOnchain, BrokerTypeSandboxCoinbase, BrokerTypeBybitPay,
	}
	assert.Equal(t, allBrokerTypes(), constants)
}
