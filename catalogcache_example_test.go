package mesh_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

func ExampleNewCatalogCache() {
	srv := meshtest.NewServer() // a fake of Mesh's API; in production, mesh.NewClient
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	// One cache per process, shared by every request: Mesh is asked at most once an
	// hour, and while Mesh fails the last list is served for up to a day.
	catalog := mesh.NewCatalogCache(client, mesh.CacheTTL(time.Hour), mesh.CacheMaxStale(24*time.Hour))

	for range 3 { // three payments
		networks, err := catalog.Networks(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		polygon, ok := mesh.NetworkByChainID(networks, "137")
		fmt.Println(polygon.Name, polygon.ID, ok)
	}
	fmt.Println("calls to Mesh:", len(srv.Requests()))
	// Output:
	// Polygon 7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12 true
	// Polygon 7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12 true
	// Polygon 7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12 true
	// calls to Mesh: 1
}
