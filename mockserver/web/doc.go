// Package web holds the mock's pages and their assets, embedded: the
// landing page, the API reference (Swagger UI, vendor/swagger-ui), the
// console, their scripts and styles (static/), with [Render], which writes
// a page under a strict Content-Security-Policy, and [Assets], which
// serves static/ and vendor/ under /_assets/. What a page shows is its
// caller's: the landing page's (mockserver/landing.go), the console's
// (mockserver/console).
//
// It imports only the standard library.
package web
