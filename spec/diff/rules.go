package diff

// Rule is one kind of change and what it means for clients.
type Rule struct {
	ID    string
	Level Level
	// Kind is what it is about: KindOperation, KindArgument, KindVariant or
	// KindField.
	Kind        string
	Description string
}

// Rules is every rule Compare applies, by target. Ids are oasdiff's
// (checker/rules.go) where our model has the same thing; the others follow
// their style. Levels follow oasdiff too, with two exceptions made for this
// contract: a changed pattern or format of an argument is breaking (oasdiff
// only warns on a changed pattern: we cannot tell that the new one accepts
// every value the old one did), and so is a newly set request bound (oasdiff
// warns on max-set and min-set).
var Rules = []Rule{
	// Operations, matched by id.
	{"api-removed", Breaking, KindOperation, "an operation removed"},
	{"endpoint-added", NonBreaking, KindOperation, "a new operation"},
	{"api-path-changed", Breaking, KindOperation, "same operation id, new path"},
	{"api-path-param-renamed", Info, KindOperation, "a path parameter renamed: the same template, the same URLs for clients (oasdiff ignores the names)"},
	{"api-method-changed", Breaking, KindOperation, "same operation id, new HTTP method"},
	{"api-protocol-changed", Breaking, KindOperation, "jsonrpc <-> plain http"},
	{"request-body-became-required", Breaking, KindOperation, "params may no longer be omitted (T2)"},
	{"request-body-became-optional", NonBreaking, KindOperation, "params may now be omitted (T2)"},
	{"api-path-param-example-changed", Info, KindOperation, "a path template's example value changed"},
	{"api-title-changed", Info, KindOperation, "the section title changed"},
	{"api-description-changed", Info, KindOperation, "the description changed"},
	{"api-decision-changed", Info, KindOperation, "the decision id changed"},
	{"api-safe-changed", Info, KindOperation, "the overlay's x-safe changed (what the suite calls under readonly)"},

	// Arguments (request properties), matched by name.
	{"new-required-request-property", Breaking, KindArgument, "a new required argument"},
	{"new-optional-request-property", NonBreaking, KindArgument, "a new optional argument"},
	{"request-property-removed", Warning, KindArgument, "an argument removed: clients may still send it (oasdiff: warning)"},
	{"request-property-became-required", Breaking, KindArgument, "an optional argument made required"},
	{"request-property-became-optional", NonBreaking, KindArgument, "a required argument made optional"},
	{"request-property-type-changed", Breaking, KindArgument, "the argument's type changed"},
	{"request-property-type-generalized", NonBreaking, KindArgument, "the type widened (integer -> number, or any)"},
	{"request-property-location-changed", Breaking, KindArgument, "moved between params, path and query"},
	{"request-property-error-key-changed", Breaking, KindArgument, "the key its errors are reported under changed (S5): clients key their form errors by it"},
	{"request-property-min-length-increased", Breaking, KindArgument, "minLength raised"},
	{"request-property-min-length-set", Breaking, KindArgument, "minLength set where there was none"},
	{"request-property-min-length-decreased", NonBreaking, KindArgument, "minLength lowered"},
	{"request-property-min-length-unset", NonBreaking, KindArgument, "minLength removed"},
	{"request-property-max-length-decreased", Breaking, KindArgument, "maxLength lowered"},
	{"request-property-max-length-set", Breaking, KindArgument, "maxLength set where there was none"},
	{"request-property-max-length-increased", NonBreaking, KindArgument, "maxLength raised"},
	{"request-property-max-length-unset", NonBreaking, KindArgument, "maxLength removed"},
	{"request-property-min-increased", Breaking, KindArgument, "minimum raised"},
	{"request-property-min-set", Breaking, KindArgument, "minimum set where there was none"},
	{"request-property-min-decreased", NonBreaking, KindArgument, "minimum lowered"},
	{"request-property-min-unset", NonBreaking, KindArgument, "minimum removed"},
	{"request-property-max-decreased", Breaking, KindArgument, "maximum lowered"},
	{"request-property-max-set", Breaking, KindArgument, "maximum set where there was none"},
	{"request-property-max-increased", NonBreaking, KindArgument, "maximum raised"},
	{"request-property-max-unset", NonBreaking, KindArgument, "maximum removed"},
	{"request-property-pattern-added", Breaking, KindArgument, "a pattern added"},
	{"request-property-pattern-changed", Breaking, KindArgument, "the pattern changed"},
	{"request-property-pattern-removed", NonBreaking, KindArgument, "the pattern removed"},
	{"request-property-format-added", Breaking, KindArgument, "a format added (email, ...)"},
	{"request-property-format-changed", Breaking, KindArgument, "the format changed"},
	{"request-property-format-removed", NonBreaking, KindArgument, "the format removed"},
	{"request-property-became-enum", Breaking, KindArgument, "restricted to a list of values"},
	{"request-property-enum-value-removed", Breaking, KindArgument, "an allowed value removed (enum narrowed)"},
	{"request-property-enum-value-added", NonBreaking, KindArgument, "an allowed value added (enum widened)"},
	{"request-property-enum-removed", NonBreaking, KindArgument, "no longer restricted to a list of values"},
	{"request-property-doc-type-changed", Info, KindArgument, "the Type cell changed, the schema type did not"},
	{"request-property-secret-changed", Info, KindArgument, "whether the value is secret (never logged) changed"},
	{"request-property-description-changed", Info, KindArgument, "the description changed"},
	{"request-property-decision-changed", Info, KindArgument, "the decision id changed"},

	// Response variants, matched by name.
	{"response-variant-removed", Breaking, KindVariant, "a documented response removed"},
	{"response-variant-added", NonBreaking, KindVariant, "a documented response added"},
	{"response-variant-kind-changed", Breaking, KindVariant, "a success variant became an error one, or back"},
	{"response-shape-changed", Breaking, KindVariant, "array of one envelope / bare envelope / bare body changed (T4)"},
	{"response-media-type-changed", Breaking, KindVariant, "the body's media type changed"},
	{"response-variant-label-changed", Info, KindVariant, "the example's label changed"},
	{"response-example-changed", Info, KindVariant, "the documented example changed"},
	{"response-variant-decision-changed", Info, KindVariant, "the decision id changed"},

	// Documented fields of a variant (response properties), matched by
	// pointer. A change the client only sees more narrowly is not breaking.
	{"response-required-property-removed", Breaking, KindField, "a required field removed"},
	{"response-optional-property-removed", Warning, KindField, "an optional field removed: clients already cope with its absence (oasdiff: warning)"},
	{"response-required-property-added", NonBreaking, KindField, "a new field (T6: additive fields are compatible)"},
	{"response-optional-property-added", NonBreaking, KindField, "a new optional field"},
	{"response-property-became-optional", Breaking, KindField, "a field may now be missing"},
	{"response-property-became-required", NonBreaking, KindField, "a field is now always present"},
	{"response-property-type-changed", Breaking, KindField, "the field's type changed"},
	{"response-property-type-generalized", Breaking, KindField, "the type widened (integer -> number, or any)"},
	{"response-property-type-specialized", NonBreaking, KindField, "the type narrowed (number -> integer, any -> a type)"},
	{"response-property-const-changed", Breaking, KindField, "its fixed text or value changed"},
	{"response-property-const-removed", Breaking, KindField, "no longer a fixed value"},
	{"response-property-const-added", NonBreaking, KindField, "now a fixed value"},
	{"response-property-enum-value-added", Warning, KindField, "a value added: clients may not expect it (oasdiff: warning)"},
	{"response-property-enum-removed", Warning, KindField, "no longer restricted to a list of values"},
	{"response-property-enum-value-removed", NonBreaking, KindField, "a value no longer sent"},
	{"response-property-became-enum", NonBreaking, KindField, "now restricted to a list of values"},
	{"response-property-min-decreased", Breaking, KindField, "minimum lowered: smaller values may come"},
	{"response-property-min-unset", Breaking, KindField, "minimum removed"},
	{"response-property-min-increased", NonBreaking, KindField, "minimum raised"},
	{"response-property-min-set", NonBreaking, KindField, "minimum set"},
	{"response-property-min-length-decreased", Breaking, KindField, "minLength lowered: shorter values may come"},
	{"response-property-min-length-unset", Breaking, KindField, "minLength removed"},
	{"response-property-min-length-increased", NonBreaking, KindField, "minLength raised"},
	{"response-property-min-length-set", NonBreaking, KindField, "minLength set"},
	{"response-property-pattern-added", NonBreaking, KindField, "a pattern added (oasdiff: info)"},
	{"response-property-pattern-changed", NonBreaking, KindField, "the pattern changed (oasdiff: info)"},
	{"response-property-pattern-removed", NonBreaking, KindField, "the pattern removed (oasdiff: info)"},
	{"response-property-secret-changed", Info, KindField, "whether the value is secret changed"},
	{"response-property-description-changed", Info, KindField, "the description changed"},
	{"response-property-decision-changed", Info, KindField, "the decision id changed"},
}

var ruleByID = func() map[string]Rule {
	m := make(map[string]Rule, len(Rules))
	for _, r := range Rules {
		if _, dup := m[r.ID]; dup {
			panic("diff: rule " + r.ID + " listed twice")
		}
		m[r.ID] = r
	}
	return m
}()

// RuleByID returns a rule by its id.
func RuleByID(id string) (Rule, bool) {
	r, ok := ruleByID[id]
	return r, ok
}
