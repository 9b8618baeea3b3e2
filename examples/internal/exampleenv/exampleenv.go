// Package exampleenv builds the *mesh.Client that the example programs use, from the
// environment:
//
//   - MESH_CLIENT_ID and MESH_CLIENT_SECRET both set: a client of the real API, in the
//     environment MESH_ENV names: "sandbox" (the default, so that an example never
//     touches production by accident) or "production".
//   - neither set: an in-process fake of the API (meshtest.NewServer) and a client for
//     it, so that the examples run anywhere with no account and no network.
//   - only one of them set: an error naming the one that is missing.
//
// It prints nothing; the programs say themselves which API they use.
package exampleenv

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// Names of the environment variables Client reads.
const (
	EnvClientID     = "MESH_CLIENT_ID"
	EnvClientSecret = "MESH_CLIENT_SECRET" //nolint:gosec // G101: the name of a variable, not a credential
	EnvEnvironment  = "MESH_ENV"
)

// FakeNotice is what a program prints on stdout, beside its results, when Client
// returned the in-process fake: a token from the fake must not pass for Mesh's.
const FakeNotice = "no " + EnvClientID + "/" + EnvClientSecret + ": using the in-process fake Mesh API (meshtest)"

// Client returns a client configured from the environment (see the package doc), with
// opts applied last. cleanup releases what Client started (the fake server, idle
// connections); it is never nil, even with an error, so `defer cleanup()` is always
// safe. usingFake reports whether the client talks to the in-process fake.
func Client(opts ...mesh.Option) (client *mesh.Client, cleanup func(), usingFake bool, err error) {
	noop := func() {}
	id := strings.TrimSpace(os.Getenv(EnvClientID))
	secret := strings.TrimSpace(os.Getenv(EnvClientSecret))

	switch {
	case id == "" && secret == "":
		srv := meshtest.NewServer()
		c, err := srv.NewClient(opts...)
		if err != nil {
			srv.Close()
			return nil, noop, false, err
		}
		return c, func() { c.CloseIdleConnections(); srv.Close() }, true, nil
	case id == "":
		return nil, noop, false, errors.New(EnvClientSecret + " is set but " + EnvClientID + " is not: set both, or neither to use the in-process fake")
	case secret == "":
		return nil, noop, false, errors.New(EnvClientID + " is set but " + EnvClientSecret + " is not: set both, or neither to use the in-process fake")
	}

	var env mesh.Environment
	switch v := strings.ToLower(strings.TrimSpace(os.Getenv(EnvEnvironment))); v {
	case "", "sandbox":
		env = mesh.Sandbox
	case "production":
		env = mesh.Production
	default:
		return nil, noop, false, fmt.Errorf("%s=%q: want sandbox (the default) or production", EnvEnvironment, v)
	}
	c, err := mesh.NewClient(id, secret, append([]mesh.Option{mesh.WithEnvironment(env)}, opts...)...)
	if err != nil {
		return nil, noop, false, err
	}
	return c, c.CloseIdleConnections, false, nil
}

// HasCredentials reports whether MESH_CLIENT_ID or MESH_CLIENT_SECRET is set: Client
// then returns a client of the real API (or an error naming the one missing), never
// the fake.
func HasCredentials() bool {
	return strings.TrimSpace(os.Getenv(EnvClientID)) != "" || strings.TrimSpace(os.Getenv(EnvClientSecret)) != ""
}
