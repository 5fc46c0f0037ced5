package schemas

// Hooks for the external tests: the quick check's verdict and jsonschema's
// own, so that the two can be compared (check.go).

// QuickVerdict is the quick check's answer for v against schema: "valid",
// "invalid" or "unsure"; "" when the schema has no quick check.
func (c *Contract) QuickVerdict(schema string, v any) string {
	q := c.quick[schema]
	if q == nil {
		return ""
	}
	return q.run(v).String()
}

// JSONSchemaValid reports whether jsonschema/v5 alone finds v valid
// against schema, without the number guard or the quick check.
func (c *Contract) JSONSchemaValid(schema string, v any) bool {
	return c.compiled[schema].Validate(v) == nil
}

// QuickUnsure reports whether schema's quick check is never sure at its
// root (a keyword it does not implement).
func (c *Contract) QuickUnsure(schema string) bool {
	q := c.quick[schema]
	return q == nil || q.unsure
}

// HasUncheckable reports whether v holds a number Checkable refuses.
var HasUncheckable = hasUncheckable
