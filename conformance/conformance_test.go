package conformance_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/conformance"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestConformance runs the suite in this process: against the real mock
// (in-process, over httptest), or against NEBEUS_BASE_URL when set, so that
// Ginkgo's CLI can run it in parallel against a deployment:
//
//	NEBEUS_BASE_URL=https://staging.example.net ginkgo -p --label-filter readonly ./conformance
//
// Against the mock it must conform.
func TestConformance(t *testing.T) {
	opts := conformance.Options{BaseURL: os.Getenv("NEBEUS_BASE_URL"), Login: os.Getenv("NEBEUS_LOGIN"), Password: os.Getenv("NEBEUS_PASSWORD")}
	if opts.BaseURL == "" {
		srv := httptest.NewServer(newMock(t, mockserver.Config{}))
		defer srv.Close()
		opts.BaseURL = srv.URL
	}
	var out bytes.Buffer
	opts.Out = &out
	start := time.Now()
	suiteConfig, reporterConfig := GinkgoConfiguration()
	res, err := conformance.Run(t, opts, suiteConfig, reporterConfig)
	elapsed := time.Since(start)
	t.Logf("%s\nsuite took %s", out.String(), elapsed.Round(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed {
		t.Errorf("%s does not conform", opts.BaseURL)
	}
	// No bound on elapsed: speed is claimed from benchmarks, not from a
	// timed test, which fails on a loaded machine (it did, at 5.5 s under
	// a load average above 100).
}

// onlyUnderGoTest skips the tests that run the binaries when Ginkgo's CLI
// runs this package in parallel: every process would run them again.
func onlyUnderGoTest(t *testing.T) {
	t.Helper()
	if sc, _ := GinkgoConfiguration(); sc.ParallelTotal > 1 {
		t.Skip("run by go test, not by each of ginkgo -p's processes")
	}
	if testing.Short() {
		t.Skip("-short: no subprocess runs")
	}
}
