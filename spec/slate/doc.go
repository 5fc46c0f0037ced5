// Package slate parses Slate API reference pages (https://github.com/slatedocs/slate),
// hand-written or generated (Widdershins, Laravel's documentarian), in any
// language: YAML front matter, the includes it names (nested ones too), one
// section per "# " heading (or per deeper heading that documents an
// endpoint of its own), the endpoints from "> `METHOD URL`" lines, "###
// HTTP Request" sections, lines in code or bold, headings, tables of
// endpoints, and, where a section has none of these, its curl examples and
// HTTP exchanges; argument tables, Returns and Response Schema tables, and
// example fences with the label before them.
//
// The parser knows Slate's layout, not any particular page: no operation name
// appears in it. It refuses only what cannot be read at all (a file that is
// not text or is larger than MaxPageBytes); every other problem is a
// Diagnostic with file and line in Page.Warnings, and the rest of the page
// is read: front matter or a code fence never closed, bytes that are not
// UTF-8, a missing include, a table with columns it does not know or short
// rows, an example it had to repair (RepairJSON) or could not read, a label
// that says neither success nor error (issue 17, item 2).
package slate
