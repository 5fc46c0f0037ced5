package request

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// HTTPOperationHandler serves an operation that is not JSON-RPC (a GET of
// an image, say): its path and query arguments are checked against its
// request schema, and the answer is its documented variant, chosen by
// Prefer like any other, in the variant's media type.
func (s *Path) HTTPOperationHandler(op *ops.Operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex, ok := s.beginExchange(w, r, op)
		if !ok {
			return
		}
		defer ex.record()
		info := ex.info

		want := op.Method
		if r.Method != want && !(r.Method == http.MethodHead && want == http.MethodGet) {
			w.Header().Set("Allow", want)
			ex.fail(w, wire.NullID, wire.ErrMethodOf(r.Method, []string{want}))
			return
		}
		form, rerr := s.formFields(w, r, op.Operation)
		if rerr != nil {
			ex.fail(w, wire.NullID, rerr)
			return
		}
		args := httpArguments(op.Operation, r, form)
		ex.reqDecoded = args
		ex.reqRaw, _ = json.Marshal(args)
		vs, err := s.Contract.Validate(op.Request, args)
		if err != nil {
			s.Log.Error("validating request", "op", op.ID, "err", err)
			ex.fail(w, wire.NullID, wire.ErrInternal())
			return
		}
		ex.violations = schemas.Failures(vs)
		if n := len(ex.violations); n > 0 {
			w.Header().Set("X-Mock-Violations", strconv.Itoa(n))
			ex.fail(w, wire.NullID, wire.ErrArguments(ops.ViolationText(ex.violations)))
			return
		}
		pref, ok := s.accept(w, r, ex, wire.NullID)
		if !ok {
			return
		}
		name := firstNonEmpty(pref.Variant, ops.VariantSuccess)
		vr, ok := op.Variant(name)
		if !ok && len(op.Variants) > 0 {
			vr = op.Variants[0]
		}
		if len(pref.Applied) > 0 {
			w.Header().Set("Preference-Applied", strings.Join(pref.Applied, ", "))
		}
		if delay := min(pref.Delay, ops.MaxDelay); delay > 0 && !ops.Sleep(r.Context(), delay) {
			ex.status, info.status = statusClientGone, statusClientGone
			return
		}
		info.Outcome = metrics.OutcomeSuccess
		if vr.Error {
			info.Outcome = metrics.OutcomeError
		}
		if len(op.Variants) > 0 && (vr.Shape == model.ShapeBinary || !strings.Contains(vr.MediaType, "json")) {
			ex.writeBinary(w, r, vr.MediaType)
			return
		}
		out, err := op.Encode(vr, vr.Shape, wire.NullID, nil)
		if err != nil {
			ex.fail(w, wire.NullID, wire.ErrInternal())
			return
		}
		ex.write(w, http.StatusOK, out)
	})
}

// writeBinary answers a binary variant (an image, a PDF the page
// documents but cannot show): a placeholder of its media type (T3).
func (ex *exchange) writeBinary(w http.ResponseWriter, r *http.Request, mediaType string) {
	body := ops.Placeholder(mediaType)
	ex.status = http.StatusOK
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// formFields are the fields of a plain HTTP operation's form body (issue
// 17: its RequestMediaType), url-encoded or multipart as the request's
// Content-Type says, read within the body limit (T5: 413 above it); nil
// for an operation without one.
func (s *Path) formFields(w http.ResponseWriter, r *http.Request, o model.Operation) (url.Values, *wire.Error) {
	if o.RequestMediaType == "" || r.Body == nil {
		return nil, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxBody)
	mt, _, _ := mime.ParseMediaType(wire.Header(r.Header, "Content-Type"))
	var err error
	switch mt {
	case model.MediaMultipart:
		if err = r.ParseMultipartForm(s.MaxBody); err == nil {
			defer r.MultipartForm.RemoveAll()
			return url.Values(r.MultipartForm.Value), nil
		}
	case model.MediaForm:
		if err = r.ParseForm(); err == nil {
			return r.PostForm, nil
		}
	default:
		return url.Values{}, nil // no fields: the request schema names those missing
	}
	if _, big := errors.AsType[*http.MaxBytesError](err); big {
		return nil, wire.ErrTooLarge(s.MaxBody)
	}
	return nil, wire.ErrArguments("the form body cannot be read: " + wire.ErrText(err))
}

// httpArguments are a plain HTTP operation's arguments: its path values,
// query parameters and form fields, each as the JSON type its argument
// declares (a query string and a form carry only text).
func httpArguments(o model.Operation, r *http.Request, form url.Values) map[string]any {
	args := map[string]any{}
	q := r.URL.Query()
	for _, a := range o.Arguments {
		raw, ok := r.PathValue(a.Name), false
		switch {
		case raw != "":
			ok = true
		case a.In == model.InForm:
			if form.Has(a.Name) {
				raw, ok = form.Get(a.Name), true
			}
		case q.Has(a.Name):
			raw, ok = q.Get(a.Name), true
		}
		if !ok {
			continue
		}
		args[a.Name] = typed(a.Type, raw)
	}
	for _, pp := range o.PathParams {
		if _, done := args[pp.Name]; !done {
			if v := r.PathValue(pp.Name); v != "" {
				args[pp.Name] = v
			}
		}
	}
	return args
}

// typed reads a path or query value as the JSON type t names; a value that
// is not of that type stays a string, and the request schema reports it.
func typed(t, raw string) any {
	switch t {
	case "integer", "number":
		if _, err := strconv.ParseFloat(raw, 64); err == nil && len(raw) <= 32 {
			return json.Number(raw)
		}
	case "boolean":
		if b, err := strconv.ParseBool(raw); err == nil {
			return b
		}
	case "object", "array", "null":
		// A query cannot carry JSON otherwise: the value's JSON text (as
		// the suite sends it, issue 17: a page's Parameters table types an
		// argument of a GET as an object or array).
		if v, err := schemas.Decode([]byte(raw)); err == nil && jsonKind(v) == t {
			return v
		}
	}
	return raw
}

// jsonKind is the JSON Schema type name of a decoded value's kind.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case nil:
		return "null"
	}
	return ""
}
