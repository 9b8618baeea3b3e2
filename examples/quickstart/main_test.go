package main

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh/examples/internal/exampleenv"
)

// With no credentials, stdout says that the token comes from the fake, then shows it.
func TestRun(t *testing.T) {
	t.Setenv(exampleenv.EnvClientID, "")
	t.Setenv(exampleenv.EnvClientSecret, "")
	var stdout bytes.Buffer
	require.NoError(t, run("quickstart-user", 10*time.Second, &stdout))
	assert.Regexp(t, `^`+regexp.QuoteMeta(exampleenv.FakeNotice)+`\nlink token: [A-Za-z0-9+/=_-]{16,}\nlink URL: https://`, stdout.String())
}
