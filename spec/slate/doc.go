// Package slate parses Slate API reference pages (https://github.com/slatedocs/slate):
// YAML front matter, the includes it names, one section per "# " heading, the
// endpoint from a "> `METHOD URL`" line and from a "### HTTP Request" section,
// argument tables and example fences with the label fence before them.
//
// The parser knows Slate's layout, not any particular page: no operation name
// appears in it. Problems come back as Diagnostics carrying file and line.
package slate
