// Package browsertest proves, with a real headless browser, that a web app
// served from another origin can use the mock the way a frontend team will:
// a CORS preflight, credentialed fetches, and the HttpOnly session cookie of
// S2 travelling from the page at http://localhost:A to the mock at
// http://localhost:B (another origin, the same site: cookies ignore ports).
//
// The test drives Debian's chromium (or chromium-browser, google-chrome)
// through github.com/chromedp/chromedp. Without a browser it skips and says
// so on stderr: "browser test SKIPPED: chromium not found (apt-get install
// chromium)". Set NEBEUS_REQUIRE_BROWSER=1 (CI does, after installing
// chromium) to make a missing browser a failure instead of a skip.
//
// The package holds only tests.
package browsertest
