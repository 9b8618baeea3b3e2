package mesh

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// envSeeds are envelopes as Mesh sends them and the edge cases of the fast path.
var envSeeds = []string{
	okBody,
	`{"status":"ok","content":{"linkToken":"dG9rZW4=","paymentLink":"https://pay.meshconnect.com/x"}}`,
	`{"status":"badRequest","message":"userId is required","displayMessage":"Something went wrong","errorType":"missingField","errorHash":"1f2e3d4c","errorData":{"field":"userId","n":[1,2.5e3,-0.1,true,false,null]}}`,
	`{"status":"tooManyRequest","message":null,"errorData":null,"content":null}`,
	` { "status" : "ok" , "content" : { "linkToken" : "abc" , "extra" : [ {} , [] ] } } `,
	`{"Status":"ok","content":{"LinkToken":"abc"}}`,                                                   // case-folded keys: Unmarshal decides
	`{"status":"o\u006b","content":{"linkToken":"a\/b"}}`,                                             // escapes: Unmarshal decides
	`{"status":"ok","status":"badRequest","content":{"linkToken":"a"},"content":{"paymentLink":"p"}}`, // duplicates
	`{"status":"ok","content":{"linkToken":"abc"}} trailing`,
	`{"status":"ok","content":{"linkToken":"abc"}`,
	`{"status":1}`,
	`{"message":{"not":"a string"}}`,
	`{"errorData":"caf\xc3\xa9","message":"caf\xe9"}`,
	`{"ſtatus":"ok"}`,
	`[]`,
	`null`,
	`{"n":-01}`,
	`{"n":1.}`,
	`{"n":1e}`,
	`{"deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
	"{\"message\":\"tab\there\"}",
}

// TestDecodeEnvelopeMatchesUnmarshal checks the seeds: whatever path decodes a body,
// the result is json.Unmarshal's.
func TestDecodeEnvelopeMatchesUnmarshal(t *testing.T) {
	for _, body := range envSeeds {
		t.Run(body, func(t *testing.T) { checkEnvelopeLikeUnmarshal(t, []byte(body)) })
	}
}

func TestFastEnvelopeTakesTheCommonShape(t *testing.T) {
	for _, body := range envSeeds[:5] {
		var env envelope
		assert.True(t, fastEnvelope([]byte(body), &env), "fast path refused %s", body)
	}
	var env envelope
	require.True(t, fastEnvelope([]byte(okBody), &env))
	assert.Equal(t, StatusOK, env.Status)
	assert.Equal(t, testToken, env.Content.LinkToken)
	assert.Equal(t, "8d443794", env.ErrorHash)
	assert.Equal(t, "null", string(env.ErrorData))
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		var env envelope
		env.ErrorData = make(json.RawMessage, 0, 16)
		_ = fastEnvelope([]byte(`{"status":"ok","message":"","errorData":null,"content":null}`), &env)
	})-1, "the fast path allocates only what it keeps")
}

// FuzzEnvelope holds the fast path to json.Unmarshal: for any body, decodeEnvelope
// gives Unmarshal's result and error.
func FuzzEnvelope(f *testing.F) {
	for _, s := range envSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkEnvelopeLikeUnmarshal(t, body) })
}

func checkEnvelopeLikeUnmarshal(t *testing.T, body []byte) {
	t.Helper()
	var want envelope
	wantErr := json.Unmarshal(body, &want)
	var got envelope
	gotErr := decodeEnvelope(body, &got)
	require.Equal(t, wantErr == nil, gotErr == nil, "error: Unmarshal %v, decodeEnvelope %v", wantErr, gotErr)
	if wantErr == nil {
		assert.Equal(t, want, got)
	}
	var fast envelope
	if fastEnvelope(body, &fast) {
		require.NoError(t, wantErr, "the fast path accepted what Unmarshal refuses")
		assert.Equal(t, want, fast, "the fast path decoded differently")
	}
}
