package meshtest_test

// Scripted replies meant for one path (Reply.Path).

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// TestReplyPathSurvivesOtherCalls is the handler test that warms a catalog cache
// before it mints a token: the 429 scripted for the token must reach the token call.
func TestReplyPathSurvivesOtherCalls(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	tooMany := meshtest.TooManyRequests(0)
	tooMany.Path = meshtest.LinkTokenPath
	srv.Enqueue(tooMany)

	networks, err := client.Networks(context.Background())
	require.NoError(t, err, "the catalog call passes the token's reply by")
	assert.NotEmpty(t, networks)
	assert.Equal(t, 1, srv.Pending())

	_, err = createLinkToken(client)
	assert.ErrorIs(t, err, mesh.ErrTooManyRequests)
	assert.Zero(t, srv.Pending())
}

// TestReplyPathOrder: a request takes the first reply meant for it; replies meant for
// other paths keep their places.
func TestReplyPathOrder(t *testing.T) {
	forPath := func(r meshtest.Reply, path string) meshtest.Reply {
		r.Path = path
		return r
	}
	srv := meshtest.Start(t)
	srv.Enqueue(
		forPath(meshtest.ErrorReply(mesh.StatusLocked, "locked", "for the token"), meshtest.LinkTokenPath),
		meshtest.ErrorReply(mesh.StatusConflict, "conflict", "for anyone"),
		forPath(meshtest.ServerError(http.StatusServiceUnavailable), meshtest.NetworksPath),
		forPath(meshtest.Reply{}, "/never/asked"),
	)
	steps := []struct {
		name     string
		method   string
		path     string
		wantCode int
		pending  int
	}{
		{"networks takes the reply for anyone", http.MethodGet, meshtest.NetworksPath, http.StatusConflict, 3},
		{"networks takes its own", http.MethodGet, meshtest.NetworksPath, http.StatusServiceUnavailable, 2},
		{"networks again: the fake's catalog", http.MethodGet, meshtest.NetworksPath, http.StatusOK, 2},
		{"integrations: the fake's list", http.MethodGet, meshtest.IntegrationsPath, http.StatusOK, 2},
		{"the token takes its own", http.MethodPost, meshtest.LinkTokenPath, http.StatusLocked, 1},
		{"the token again: the fake's", http.MethodPost, meshtest.LinkTokenPath, http.StatusOK, 1},
	}
	for _, step := range steps {
		r := do(t, srv, step.method, step.path, `{"userId":"u1"}`, nil)
		assert.Equal(t, step.wantCode, r.code, step.name)
		assert.Equal(t, step.pending, srv.Pending(), step.name)
	}
}
