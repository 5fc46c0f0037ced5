package conformance_test

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/conformance"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestConformance runs the suite in-process against the real mock: it must
// conform, and fast (under 5 s).
func TestConformance(t *testing.T) {
	mock, err := mockserver.New(mockserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mock)
	defer srv.Close()
	var out bytes.Buffer
	start := time.Now()
	suiteConfig, reporterConfig := GinkgoConfiguration()
	res, err := conformance.Run(t, conformance.Options{BaseURL: srv.URL, Out: &out}, suiteConfig, reporterConfig)
	elapsed := time.Since(start)
	t.Logf("%s\nsuite took %s", out.String(), elapsed.Round(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed {
		t.Errorf("the mock does not conform")
	}
}
