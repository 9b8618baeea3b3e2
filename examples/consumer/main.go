package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/examples/internal/exampleenv"
)

// main runs the example and exits 1 with a one-line error on failure.
func main() {
	if err := run(os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "consumer:", err)
		os.Exit(1)
	}
}

// run serves LinkTokenHandler on a loopback port, posts to it as the front end would,
// and prints the answer on stdout; the handler's log goes to stderr.
func run(stdout, stderr io.Writer) error {
	client, cleanup, usingFake, err := exampleenv.Client(mesh.WithUserAgent("mesh-go-example-consumer"))
	defer cleanup()
	if err != nil {
		return err
	}
	if usingFake {
		fmt.Fprintln(stdout, exampleenv.FakeNotice)
	}

	mux := http.NewServeMux()
	mux.Handle("POST /api/link-token", requireLogin(LinkTokenHandler{Mesh: client, Logger: slog.New(slog.NewTextHandler(stderr, nil))}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	url := "http://" + ln.Addr().String() + "/api/link-token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var answer struct {
		LinkToken string `json:"linkToken"`
		Error     string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return fmt.Errorf("reading the handler's answer: %w", err)
	}
	fmt.Fprintf(stdout, "POST %s: %s\n", url, resp.Status)
	if answer.Error != "" {
		return errors.New("the handler answered: " + answer.Error)
	}
	fmt.Fprintln(stdout, "link token:", answer.LinkToken)
	return nil
}

// requireLogin stands for the application's authentication in front of the handler: it
// drops any user id header the browser sent and sets the signed-in user's. Here every
// request is "demo-user"; a real application reads its session.
func requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set(UserIDHeader, "demo-user")
		next.ServeHTTP(w, r)
	})
}
