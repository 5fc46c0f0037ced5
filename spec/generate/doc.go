// Package generate turns a parsed Slate page and the decision overlay into the
// contract: JSON Schemas (draft 2020-12) under schemas/ and an OpenAPI 3.0.3
// document under spec/.
//
// The pipeline is page -> model -> overlay -> outputs. The model is a plain
// JSON tree (see Model) so that the overlay, an OpenAPI Overlay 1.0 document,
// can edit it with JSONPath targets; both outputs are then derived from the
// one edited model, so the schemas and the OpenAPI document cannot disagree.
package generate
