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
	// valid JSON or had to be repaired, endpoints that disagree, a table the
	// parser half understands, a missing include). Callers decide whether to be
	// strict.
	Warnings []Diagnostic

	cands  [][]candidate     // per section, while the page is read
	shown  [][]candidate     // per section, the endpoints its code examples call
	labels map[string]string // labelKind of each label read
}

// Section is the text under one "# " heading, or under a "## " heading that
// documents an endpoint of its own (Slate's "# Group" / "## Operation" layout).
type Section struct {
	Title string
	File  string
	Line  int
	// Endpoint is the first "> `METHOD URL`" line; HTTPRequest the first
	// endpoint under "### HTTP Request". Either may be nil.
	Endpoint    *Endpoint
	HTTPRequest *Endpoint
	// Endpoints are the distinct endpoints the section documents, in page
	// order: each becomes an operation. An HTTP Request line that repeats
	// another section's path (a copy error, T1) is not among them.
	Endpoints []Endpoint `json:",omitempty"`
	Arguments []Argument
	// Fields are the rows of a Returns/Response table: descriptions and
	// possible values of response fields.
	Fields   []Field `json:",omitempty"`
	Examples []Example
	// Notes are prose paragraphs of the section, kept for descriptions.
	Notes []string
	// URLs are concrete URLs and paths the section shows besides its
	// endpoints (an example call, a curl line): examples of path parameters.
	URLs []Ref `json:",omitempty"`
	// Samples are the section's code blocks in other languages than JSON
	// (a curl command, an HTTP exchange), as written: how a call is sent
	// (form fields, a query, a JSON-RPC call object in --data).
	Samples []Sample `json:"-"` // not in the golden files: read in process only
}

// Sample is one code block that is not a JSON example.
type Sample struct {
	Lang string
	Line int // line of the block's first line of code
	Text string
}

// Endpoint is an HTTP method and URL as written on the page.
type Endpoint struct {
	Method string
	URL    string
	// Path is URL without scheme, host, query and fragment
	// ("/signin/1.0/json", "/images/${id}/avatar.png").
	Path string
	// Template is Path with every template written {name}
	// ("/images/{id}/avatar.png"); Params are those names in path order.
	Template string   `json:",omitempty"`
	Params   []string `json:",omitempty"`
	Line     int
}

// Ref is a piece of text found at a line.
type Ref struct {
	Text string
	Line int
}

// Argument is one row of an argument table.
type Argument struct {
	Name string
	// Type is the Type cell, lower case; "" when the table has no Type column.
	Type        string
	Required    bool
	Description string
	// Values are the literal values a "Possible values" column lists.
	Values []any `json:",omitempty"`
	// In is where the table says the argument travels ("path", "query",
	// "header", "formData"; Widdershins' In column), lower case; "" when
	// it does not say.
	In   string `json:",omitempty"`
	Line int
}

// Field is one row of a Returns/Response table.
type Field struct {
	// Name is the field's key, or a dotted path ("user_context.lang").
	Name        string
	Type        string `json:",omitempty"`
	Description string
	// Values are the literal values the row lists ('success' or 'error');
	// nil when it lists none or its text is not a plain list of values.
	Values []any `json:",omitempty"`
	Line   int
}

// Example is a fenced JSON block together with the label before it.
type Example struct {
	Label     string
	LabelLine int
	Lang      string
	Line      int // line of the opening fence
	Raw       string
	// Value is the decoded JSON (numbers as json.Number), after the repairs
	// listed as warnings.
	Value any
	// Error is true when the label says the example is an unsuccessful or
	// error outcome, or when the label says neither and the JSON looks like
	// one.
	Error bool
	// Request is true when the label or the content shows a request (a call
	// object with params and no result), not a response.
	Request bool `json:",omitempty"`
	// Ambiguous is true when the label says neither success nor error (or
	// there is no label): Error then comes from the content.
	Ambiguous bool `json:",omitempty"`
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
