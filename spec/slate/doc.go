// Package slate parses Slate API reference pages (https://github.com/slatedocs/slate):
// YAML front matter, the includes it names, one section per "# " heading (or
// per "## " heading that documents an endpoint of its own), the endpoints
// from "> `METHOD URL`" lines and from a "### HTTP Request" section,
// argument tables, Returns tables, and example fences with the label before
// them.
//
// The parser knows Slate's layout, not any particular page: no operation name
// appears in it. It refuses only what cannot be read at all (a page that
// cannot be read, front matter or a code fence that is never closed); every
// other problem is a Diagnostic with file and line in Page.Warnings, and the
// rest of the page is read: a missing include, a table with columns it does
// not know or short rows, an example it had to repair (RepairJSON) or could
// not read, a label that says neither success nor error.
package slate
