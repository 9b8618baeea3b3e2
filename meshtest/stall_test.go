package meshtest_test

// Clients that stall in the middle of a request: Close still returns, and the
// server's read timeouts cut them off.

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh/meshtest"
)

// generous bounds a wait that only a hang can reach, however loaded the machine.
const generous = 10 * time.Second

// stalledRequest is a Link token request of Content-Length 100 that asks for
// 100 Continue.
const stalledRequest = "POST " + meshtest.LinkTokenPath + " HTTP/1.1\r\n" +
	"Host: meshtest\r\n" +
	"X-Client-Id: " + meshtest.ClientID + "\r\n" +
	"X-Client-Secret: " + meshtest.ClientSecret + "\r\n" +
	"Content-Type: application/json\r\n" +
	"Content-Length: 100\r\n" +
	"Expect: 100-continue\r\n\r\n"

// dial opens a raw connection to srv, closed when the test ends.
func dial(t *testing.T, srv *meshtest.Server) net.Conn {
	t.Helper()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

// stallInBody sends stalledRequest and waits for the server's 100 Continue, which it
// sends once its handler reads the body: from then on the request is being served.
// Then it sends body (fewer than 100 bytes) and stalls.
func stallInBody(t *testing.T, conn net.Conn, body string) {
	t.Helper()
	_, err := io.WriteString(conn, stalledRequest)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(generous)))
	line, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "HTTP/1.1 100 Continue\r\n", line)
	_, err = io.WriteString(conn, body)
	require.NoError(t, err)
}

// TestCloseWithStalledRequest: a request whose body stops coming is being served when
// Close is called, and the server's timeouts are an hour: only Close itself can end
// it, and it must, or a consumer's test suite hangs.
func TestCloseWithStalledRequest(t *testing.T) {
	tests := []struct{ name, body string }{
		{"body shorter than its Content-Length", `{"userId":`},
		{"Expect 100-continue, then nothing", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := meshtest.NewServer(meshtest.WithServerTimeouts(time.Hour, time.Hour, time.Hour))
			conn := dial(t, srv)
			stallInBody(t, conn, tc.body)

			closed := make(chan struct{})
			go func() {
				srv.Close()
				close(closed)
			}()
			select {
			case <-closed:
			case <-time.After(generous):
				t.Fatal("Close did not return: it waits for the stalled request")
			}
			_, err := io.ReadAll(conn) // the server cut the connection: no answer
			assert.False(t, isTimeout(err), "the connection is still open: %v", err)
		})
	}
}

// TestStalledClientTimesOut: the server itself cuts off a client that stalls, without
// Close. Each case shortens only the timeout it is about, so that the steps before the
// stall never race a short deadline on a loaded machine.
func TestStalledClientTimesOut(t *testing.T) {
	const short, long = 50 * time.Millisecond, generous
	tests := []struct {
		name               string
		header, read, idle time.Duration
		stall              func(t *testing.T, conn net.Conn)
		wantAnswerFirst    bool
	}{
		{"headers never finished", short, long, long, func(t *testing.T, conn net.Conn) {
			_, err := io.WriteString(conn, "GET "+meshtest.NetworksPath+" HTTP/1.1\r\nHost: meshtest\r\n")
			require.NoError(t, err)
		}, false},
		// ReadTimeout counts from the request's first byte: a second is ample for the
		// headers and the 100 Continue before the stall.
		{"body shorter than its Content-Length", long, time.Second, long, func(t *testing.T, conn net.Conn) { stallInBody(t, conn, `{"userId":`) }, false},
		{"Expect 100-continue, then nothing", long, time.Second, long, func(t *testing.T, conn net.Conn) { stallInBody(t, conn, "") }, false},
		{"idle after an answer", long, long, short, func(t *testing.T, conn net.Conn) {
			_, err := io.WriteString(conn, "GET "+meshtest.NetworksPath+" HTTP/1.1\r\nHost: meshtest\r\n"+
				"X-Client-Id: "+meshtest.ClientID+"\r\nX-Client-Secret: "+meshtest.ClientSecret+"\r\n\r\n")
			require.NoError(t, err)
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := meshtest.Start(t, meshtest.WithServerTimeouts(tc.header, tc.read, tc.idle))
			conn := dial(t, srv)
			tc.stall(t, conn)
			require.NoError(t, conn.SetReadDeadline(time.Now().Add(2*generous)))
			got, err := io.ReadAll(conn) // ends when the server closes the connection
			assert.False(t, isTimeout(err), "the server kept the connection open: %v", err)
			if tc.wantAnswerFirst {
				assert.True(t, strings.HasPrefix(string(got), "HTTP/1.1 200 OK\r\n"), "%q", got)
			}
		})
	}
}

// isTimeout reports whether err is a read deadline that passed.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
