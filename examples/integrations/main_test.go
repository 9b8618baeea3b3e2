package main

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/examples/internal/exampleenv"
)

// With no credentials, stdout says that the catalog and the token come from the fake.
func TestRun(t *testing.T) {
	t.Setenv(exampleenv.EnvClientID, "")
	t.Setenv(exampleenv.EnvClientSecret, "")
	var stdout bytes.Buffer
	require.NoError(t, run(mesh.BrokerTypeCoinbase, "", "integrations-user", &stdout))
	out := stdout.String()
	assert.Regexp(t, `^`+regexp.QuoteMeta(exampleenv.FakeNotice)+"\n", out)
	assert.Regexp(t, `(?m)^link token for Coinbase \(47624467-e52e-4938-a41a-7926b6c27acf\): [A-Za-z0-9+/=_-]{16,}$`, out)
}
