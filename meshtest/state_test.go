package meshtest_test

// The server's state: latency, the requests it records, Reset, concurrent use.

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// TestDelays checks that delays hold the answer back, without timing anything: a
// delay of an hour outlasts a call's deadline of 50 ms, whatever the machine's load,
// and the call ends with the deadline instead of a token.
func TestDelays(t *testing.T) {
	const long = time.Hour
	tests := []struct {
		name  string
		setup func(srv *meshtest.Server)
	}{
		{"Reply.Delay", func(srv *meshtest.Server) { srv.Enqueue(meshtest.Reply{Delay: long}) }},
		{"SetLatency", func(srv *meshtest.Server) { srv.SetLatency(long) }},
		{"SetLatency on a scripted reply", func(srv *meshtest.Server) {
			srv.SetLatency(long)
			srv.Enqueue(meshtest.Reply{})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := meshtest.Start(t)
			client := newClient(t, srv, noRetry)
			tc.setup(srv)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "u1"})
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Len(t, srv.Requests(), 1, "the request arrived; its answer was held back")
		})
	}

	t.Run("SetLatency holds a catalog GET too", func(t *testing.T) {
		srv := meshtest.Start(t)
		srv.SetLatency(long)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+meshtest.NetworksPath, nil)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("SetLatency(0) turns it off", func(t *testing.T) {
		srv := meshtest.Start(t)
		client := newClient(t, srv, noRetry)
		srv.SetLatency(long)
		srv.SetLatency(0)
		// A generous deadline: only a latency of an hour could reach it.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "u1"})
		require.NoError(t, err)
	})

	t.Run("Close ends a pending delay", func(t *testing.T) {
		srv := meshtest.NewServer()
		client, err := srv.NewClient(noRetry)
		require.NoError(t, err)
		srv.SetLatency(long)
		errc := make(chan error, 1)
		go func() {
			_, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
			errc <- err
		}()
		require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, time.Minute, time.Millisecond)
		closed := make(chan struct{})
		go func() {
			srv.Close() // would wait an hour for the handler if the delay went on
			srv.Close() // a second Close does nothing
			close(closed)
		}()
		// Not a speed bound: a guard against an hour-long hang, far beyond any load.
		select {
		case <-closed:
		case <-time.After(time.Minute):
			t.Fatal("Close waited for the pending delay")
		}
		select {
		case err := <-errc:
			assert.Error(t, err)
		case <-time.After(time.Minute):
			t.Fatal("the call did not end after Close")
		}
	})
}

func TestRequests(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry, mesh.WithUserAgent("meshtest-test/1"))
	before := time.Now()

	_, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "first"})
	require.NoError(t, err)
	srv.Enqueue(meshtest.TooManyRequests(0))
	_, err = client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "second"})
	require.Error(t, err)
	get(t, srv, meshtest.NetworksPath)
	srv.Enqueue(meshtest.Reply{})
	get(t, srv, meshtest.IntegrationsPath)
	get(t, srv, "/nowhere")

	reqs := srv.Requests()
	require.Len(t, reqs, 5)
	tests := []struct {
		method, path, userID string
	}{
		{http.MethodPost, meshtest.LinkTokenPath, "first"},
		{http.MethodPost, meshtest.LinkTokenPath, "second"},
		{http.MethodGet, meshtest.NetworksPath, ""},
		{http.MethodGet, meshtest.IntegrationsPath, ""},
		{http.MethodGet, "/nowhere", ""},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := reqs[i]
			assert.Equal(t, tc.method, r.Method)
			assert.Equal(t, tc.path, r.Path)
			assert.Equal(t, meshtest.ClientID, r.Header.Get("X-Client-Id"))
			assert.False(t, r.Received.Before(before))
			if i > 0 {
				assert.False(t, r.Received.Before(reqs[i-1].Received))
			}
			if tc.userID != "" {
				assert.JSONEq(t, `{"userId":"`+tc.userID+`"}`, string(r.Body))
				assert.Contains(t, r.Header.Get("User-Agent"), "meshtest-test/1")
			} else {
				assert.Empty(t, r.Body)
			}
		})
	}

	t.Run("copies", func(t *testing.T) {
		reqs[0].Body[0] = 'X'
		reqs[0].Header.Set("X-Client-Id", "changed")
		again := srv.Requests()
		assert.Equal(t, byte('{'), again[0].Body[0])
		assert.Equal(t, meshtest.ClientID, again[0].Header.Get("X-Client-Id"))
	})
}

func TestReset(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	lt1, err := createLinkToken(client)
	require.NoError(t, err)
	srv.Enqueue(meshtest.ServerError(500), meshtest.ServerError(500))
	srv.SetLatency(time.Hour)

	srv.Reset()
	assert.Empty(t, srv.Requests())
	assert.Zero(t, srv.Pending())

	// A generous deadline: only the latency of an hour could reach it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lt2, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "u1"})
	require.NoError(t, err, "latency and script should be gone")
	assert.NotEqual(t, lt1.Token, lt2.Token, "tokens stay unique across Reset")
	assert.Len(t, srv.Requests(), 1)
}

func TestConcurrentUse(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	const workers, calls = 8, 25
	var (
		mu     sync.Mutex
		tokens = map[string]bool{}
		wg     sync.WaitGroup
	)
	errs := make(chan error, workers*calls)
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				if i%5 == 0 {
					srv.Enqueue(meshtest.Reply{}) // scripted oks mixed in
				}
				_ = srv.Requests()
				_ = srv.Pending()
				srv.SetLatency(0)
				lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: fmt.Sprintf("w%d-%d", w, i)})
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				if tokens[lt.Token] {
					errs <- fmt.Errorf("token %q minted twice", lt.Token)
				}
				tokens[lt.Token] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Len(t, tokens, workers*calls)
	assert.Len(t, srv.Requests(), workers*calls)
	assert.Zero(t, srv.Pending())
}
