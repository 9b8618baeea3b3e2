package main

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh/examples/internal/exampleenv"
)

// go run ./examples/consumer: with no credentials, the program says that it uses the
// fake, on stdout, and prints the token its handler served.
func TestRun(t *testing.T) {
	t.Setenv(exampleenv.EnvClientID, "")
	t.Setenv(exampleenv.EnvClientSecret, "")
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(&stdout, &stderr))
	out := stdout.String()
	assert.Contains(t, out, exampleenv.FakeNotice+"\n")
	assert.Regexp(t, regexp.MustCompile(`(?m)^POST http://127\.0\.0\.1:\d+/api/link-token: 200 OK$`), out)
	assert.Regexp(t, regexp.MustCompile(`(?m)^link token: [A-Za-z0-9+/=_-]{16,}$`), out)
	assert.Empty(t, stderr.String(), "the handler logged a failure")
}
