package conformance_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/generate"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// Pages written in the styles of other APIs' Slate pages (issue 17,
// spec/generate/testdata/pages): the mock and the suite built from the same
// page, without the project's overlay, agree on every operation.

const pagesGlob = "../spec/generate/testdata/pages/*.md"

// pageContract generates the contract of a page into a temporary folder
// and returns its schemas folder and the loaded contract.
func pageContract(t *testing.T, page string) (string, *schemas.Contract) {
	t.Helper()
	res, err := generate.Build(generate.Options{Page: page, Root: filepath.Dir(page)})
	if err != nil {
		t.Fatalf("generate %s: %v", page, err)
	}
	out := t.TempDir()
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "schemas")
	c, err := schemas.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return dir, c
}

// seen is one exchange between the suite and the mock.
type seen struct {
	method, path, query, contentType string
	body                             []byte
	status                           int
	answerType                       string
}

// tap records every exchange of the handler it wraps.
type tap struct {
	h  http.Handler
	mu sync.Mutex
	xs []seen
}

func (tp *tap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(b))
	rec := httptest.NewRecorder()
	tp.h.ServeHTTP(rec, r)
	tp.mu.Lock()
	tp.xs = append(tp.xs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), b, rec.Code, rec.Header().Get("Content-Type")})
	tp.mu.Unlock()
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// TestPagesMockAndSuiteAgree: for each page, the suite built from it passes
// against the mock built from it (issue 17, item 8), and the two spoke as
// the model says (items 4, 5): each JSON-RPC method was called by its name
// with its params by position, each form operation with its fields in a
// body of its media type, each query operation with its arguments in the
// query; an operation with no usable example was answered JSON, one whose
// wording says image or file was answered in its media type.
func TestPagesMockAndSuiteAgree(t *testing.T) {
	onlyUnderGoTest(t)
	pages, _ := filepath.Glob(pagesGlob)
	if len(pages) < 4 {
		t.Fatalf("%d pages at %s", len(pages), pagesGlob)
	}
	for _, page := range pages {
		t.Run(filepath.Base(page), func(t *testing.T) {
			t.Parallel()
			dir, c := pageContract(t, page)
			tp := &tap{h: newMock(t, mockserver.Config{Contract: c})}
			srv := httptest.NewServer(tp)
			defer srv.Close()
			res, _ := report(t, srv.URL, dir)
			if res.code != 0 {
				t.Errorf("exit status %d, want 0\n%s", res.code, tail(res.out, 120))
			}
			tp.mu.Lock()
			defer tp.mu.Unlock()
			for _, o := range c.Operations() {
				if !slicesContainsFunc(tp.xs, func(x seen) bool { return spokeAsModelled(o, x) }) {
					t.Errorf("%s: never called and answered as its model says (%s %s rpc=%q media=%q)", o.ID, o.Method, o.Path, o.RPCMethod, o.RequestMediaType)
				}
			}
		})
	}
}

func slicesContainsFunc(xs []seen, f func(seen) bool) bool {
	for _, x := range xs {
		if f(x) {
			return true
		}
	}
	return false
}

// spokeAsModelled reports whether x is a valid call of o, sent and
// answered (HTTP 200, the documented media type) as o's model says.
func spokeAsModelled(o schemas.Operation, x seen) bool {
	if x.method != o.Method || x.status != http.StatusOK || !matchesPath(o.Path, x.path) {
		return false
	}
	answer, _, _ := mime.ParseMediaType(x.answerType)
	want := "application/json"
	for _, v := range o.Variants {
		if v.Shape == schemas.ShapeBinary && !v.Error {
			want = v.MediaType
		}
	}
	if answer != want {
		return false
	}
	ct, _, _ := mime.ParseMediaType(x.contentType)
	q, _ := url.ParseQuery(x.query)
	switch {
	case o.RPCMethod != "":
		var call struct {
			Method string
			Params json.RawMessage
		}
		if json.Unmarshal(x.body, &call) != nil || call.Method != o.RPCMethod {
			return false
		}
		if o.ParamsByPosition {
			var list []any
			return json.Unmarshal(call.Params, &list) == nil
		}
		return true
	case o.RequestMediaType != "":
		if ct != o.RequestMediaType {
			return false
		}
		for _, a := range o.Arguments {
			if a.In == model.InForm && (q.Has(a.Name) || !bytes.Contains(x.body, []byte(a.Name))) {
				return false
			}
		}
		return true
	case !o.JSONRPC():
		for _, a := range o.Arguments {
			if a.In == model.InQuery && a.Required && !q.Has(a.Name) {
				return false
			}
		}
		return len(x.body) == 0
	}
	return ct == "application/json"
}

// matchesPath reports whether path is an instance of template.
func matchesPath(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if !strings.HasPrefix(ts[i], "{") && ts[i] != ps[i] {
			return false
		}
	}
	return true
}
