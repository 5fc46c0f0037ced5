package slate

import "fmt"

// Page is a parsed Slate page with its includes appended in front-matter order,
// as Slate renders them.
type Page struct {
	File     string
	Title    string
	Includes []string
	Sections []Section
	// Warnings are problems that did not stop the parse (an example that is not
	// valid JSON, endpoints that disagree). Callers decide whether to be strict.
	Warnings []Diagnostic
}

// Section is the text under one "# " heading.
type Section struct {
	Title string
	File  string
	Line  int
	// Endpoint is the "> `METHOD URL`" line; HTTPRequest the line under
	// "### HTTP Request". Either may be nil.
	Endpoint    *Endpoint
	HTTPRequest *Endpoint
	Arguments   []Argument
	Examples    []Example
	// Notes are prose paragraphs of the section, kept for descriptions.
	Notes []string
}

// Endpoint is an HTTP method and URL as written on the page.
type Endpoint struct {
	Method string
	URL    string
	// Path is URL without scheme and host ("/signin/1.0/json").
	Path string
	Line int
}

// Argument is one row of an "### Arguments" table.
type Argument struct {
	Name        string
	Type        string
	Required    bool
	Description string
	Line        int
}

// Example is a fenced JSON block together with the label fence before it.
type Example struct {
	Label     string
	LabelLine int
	Lang      string
	Line      int // line of the opening fence
	Raw       string
	// Value is the decoded JSON (numbers as json.Number).
	Value any
	// Error is true when the label says the example is an unsuccessful or
	// error outcome.
	Error bool
}

// Diagnostic is a problem found at a place in a file.
type Diagnostic struct {
	File    string
	Line    int
	Message string
}

func (d Diagnostic) Error() string {
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Message)
	}
	return fmt.Sprintf("%s: %s", d.File, d.Message)
}

// Errors is every fatal problem of a parse.
type Errors []Diagnostic

func (e Errors) Error() string {
	s := ""
	for i, d := range e {
		if i > 0 {
			s += "\n"
		}
		s += d.Error()
	}
	return s
}
