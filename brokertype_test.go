package mesh

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BrokerTypes is the spec's 51 in its order, then Mesh's 12 in theirs, and each call
// returns a copy: mutating one result changes neither the next nor what is known.
func TestBrokerTypesIsTheSpecListThenMeshAdditions(t *testing.T) {
	require.Len(t, specBrokerTypes, 51, "the product spec lists 51 broker types")
	require.Len(t, meshBrokerTypeAdditions, 12, "Mesh added 12 broker types")

	got := BrokerTypes()
	assert.Len(t, got, 63)
	assert.Equal(t, allBrokerTypes(), got)
	seen := map[BrokerType]int{}
	for i, b := range got {
		if j, dup := seen[b]; dup {
			t.Errorf("BrokerTypes()[%d] = %q repeats index %d", i, b, j)
		}
		seen[b] = i
	}

	for i := range got {
		got[i] = "mutated"
	}
	_ = append(got[:0], "appended")
	assert.Equal(t, allBrokerTypes(), BrokerTypes(), "mutating one result changed the next")
	assert.True(t, BrokerTypeCoinbase.IsKnown())
	assert.True(t, BrokerTypeCoinbase.IsSupported())
	assert.False(t, BrokerType("mutated").IsKnown(), "a value written into a result became known")
}

// The constants are the contract's names for the values; each must spell its value as
// the API does.
func TestBrokerTypeConstantsSpellTheSpecValues(t *testing.T) {
	constants := []BrokerType{
		BrokerTypeRobinhood, BrokerTypeETrade, BrokerTypeAlpaca, BrokerTypeTDAmeritrade, BrokerTypeWeBull,
		BrokerTypeStash, BrokerTypeInteractiveBrokers, BrokerTypePublic, BrokerTypeCoinbase, BrokerTypeKraken,
		BrokerTypeCoinbasePro, BrokerTypeCryptoCom, BrokerTypeOpenSea, BrokerTypeBinanceUS, BrokerTypeGemini,
		BrokerTypeCryptocurrencyAddress, BrokerTypeCryptocurrencyWallet, BrokerTypeOKCoin, BrokerTypeBittrex,
		BrokerTypeKuCoin, BrokerTypeEtoro, BrokerTypeCEXIO, BrokerTypeBinanceInternational, BrokerTypeBitstamp,
		BrokerTypeGateIO, BrokerTypeAcorns, BrokerTypeOKX, BrokerTypeBitFlyer, BrokerTypeCoinlist,
		BrokerTypeHuobi, BrokerTypeBitfinex, BrokerTypeDeFiWallet, BrokerTypeKrakenDirect, BrokerTypeVanguard,
		BrokerTypeBinanceInternationalDirect, BrokerTypeBitfinexDirect, BrokerTypeBybit, BrokerTypePaxos,
		BrokerTypeCoinbasePrime, BrokerTypeBTCTurkDirect, BrokerTypeKuCoinDirect, BrokerTypeOKXOAuth,
		BrokerTypeParibuDirect, BrokerTypeRobinhoodConnect, BrokerTypeBlockchainCom, BrokerTypeBitsoDirect,
		BrokerTypeBinanceConnect, BrokerTypeBinanceOAuth, BrokerTypeRevolutConnect, BrokerTypeBinancePay,
		BrokerTypeBybitDirect,
		BrokerTypeParibuOAuth, BrokerTypePayPalConnect, BrokerTypeBinanceTRDirect, BrokerTypeCoinbaseRamp,
		BrokerTypeBybitDirectMobile, BrokerTypeSandbox, BrokerTypeCryptoComPay, BrokerTypeBybitEUDirect,
		BrokerTypeUphold, BrokerTypeBinancePayOnchain, BrokerTypeSandboxCoinbase, BrokerTypeBybitPay,
	}
	assert.Equal(t, allBrokerTypes(), constants)
}

// Every listed value is known; all but deFiWallet, cryptocurrencyAddress and
// cryptocurrencyWallet (unsupportedBrokerTypes) are supported.
func TestBrokerTypeIsKnownAndIsSupported(t *testing.T) {
	supported := 0
	for _, b := range allBrokerTypes() {
		t.Run(string(b), func(t *testing.T) {
			assert.True(t, b.IsKnown())
			assert.Equal(t, !unsupportedBrokerTypes[b], b.IsSupported())
		})
		if b.IsSupported() {
			supported++
		}
	}
	assert.Equal(t, 60, supported)

	// Values are matched exactly: the API spells them in camelCase.
	for _, b := range []BrokerType{"", "nasdaq", "Coinbase", "COINBASE", " coinbase", "coinbase ", "binanceus", "bybiteudirect", "mutated"} {
		t.Run("unknown/"+string(b), func(t *testing.T) {
			assert.False(t, b.IsKnown())
			assert.False(t, b.IsSupported())
		})
	}
}
