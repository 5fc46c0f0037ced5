package generate

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Overlay is an OpenAPI Overlay 1.0 document whose targets are JSONPath
// expressions into the Model (not into the OpenAPI output: the model feeds
// both the schemas and the OpenAPI document). Every action carries the id of
// the contract decision it records in "x-decision"; the generator stamps that
// id on each node it updates, which is how a violation finds its decision.
type Overlay struct {
	File    string
	Version string
	Title   string
	Actions []Action
}

// Action is one overlay action.
type Action struct {
	Target      string
	Description string
	Decision    string
	Update      any
	Remove      bool
	Line        int
}

var decisionID = regexp.MustCompile(`^[TSM][0-9]+$`)

// LoadOverlay reads and checks an overlay file.
func LoadOverlay(path string) (*Overlay, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	return ParseOverlay(path, b)
}

// ParseOverlay parses overlay source; file names it in messages.
func ParseOverlay(file string, src []byte) (*Overlay, error) {
	var doc struct {
		Overlay string `yaml:"overlay"`
		Info    struct {
			Title   string `yaml:"title"`
			Version string `yaml:"version"`
		} `yaml:"info"`
		Actions []yaml.Node `yaml:"actions"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s:%d: overlay is not valid YAML: %v", file, yamlErrLine(err), err)
	}
	if !strings.HasPrefix(doc.Overlay, "1.") {
		return nil, fmt.Errorf("%s:1: overlay: want an OpenAPI Overlay 1.x document (overlay: 1.0.0), got %q", file, doc.Overlay)
	}
	o := &Overlay{File: file, Version: doc.Overlay, Title: doc.Info.Title}
	for _, n := range doc.Actions {
		var a struct {
			Target      string    `yaml:"target"`
			Description string    `yaml:"description"`
			Decision    string    `yaml:"x-decision"`
			Update      yaml.Node `yaml:"update"`
			Remove      bool      `yaml:"remove"`
		}
		if err := n.Decode(&a); err != nil {
			return nil, fmt.Errorf("%s:%d: overlay action: %v", file, n.Line, err)
		}
		act := Action{Target: a.Target, Description: a.Description, Decision: a.Decision, Remove: a.Remove, Line: n.Line}
		if !decisionID.MatchString(a.Decision) {
			return nil, fmt.Errorf("%s:%d: overlay action on %q: x-decision %q is not a decision id like T1 or S5", file, n.Line, a.Target, a.Decision)
		}
		if _, err := parsePath(a.Target); err != nil {
			return nil, fmt.Errorf("%s:%d: overlay action: target %q: %v", file, n.Line, a.Target, err)
		}
		if a.Update.Kind != 0 {
			var v any
			if err := a.Update.Decode(&v); err != nil {
				return nil, fmt.Errorf("%s:%d: overlay action update: %v", file, a.Update.Line, err)
			}
			act.Update = normalize(v)
		}
		if act.Update == nil && !act.Remove {
			return nil, fmt.Errorf("%s:%d: overlay action on %q has neither update nor remove", file, n.Line, a.Target)
		}
		o.Actions = append(o.Actions, act)
	}
	return o, nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 1
}

// normalize turns YAML's map[string]any/[]any/int into the JSON tree types.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case int:
		return jsonNumber(strconv.Itoa(x))
	case float64:
		return jsonNumber(strconv.FormatFloat(x, 'g', -1, 64))
	}
	return v
}

// Apply edits m in place, action by action. A target that matches nothing is
// an error: an overlay that silently stops applying would drop a decision.
func (o *Overlay) Apply(m Model) error {
	for _, a := range o.Actions {
		path, _ := parsePath(a.Target)
		matches := find(m, path)
		if len(matches) == 0 {
			return fmt.Errorf("%s:%d: overlay action (%s) target %q matches nothing in the contract model", o.File, a.Line, a.Decision, a.Target)
		}
		for _, mt := range matches {
			if a.Remove {
				mt.remove()
				continue
			}
			target, ok := mt.get().(map[string]any)
			upd, uok := a.Update.(map[string]any)
			if !ok || !uok {
				mt.set(deepCopy(a.Update))
				continue
			}
			if err := o.checkProperties(a, target, upd); err != nil {
				return err
			}
			mergeInto(target, stripNew(deepCopy(upd)).(map[string]any))
			if _, has := target["x-decision"]; !has {
				target["x-decision"] = a.Decision
			}
		}
	}
	return nil
}

// newMarker marks a property an overlay action adds on purpose (logout's
// session_id, S2); it is not written to the outputs.
const newMarker = "x-new"

// checkProperties refuses an update of a property the target schema does
// not have, unless the action says it adds it: an argument renamed or
// removed in the page would otherwise get a stray new property, and the
// decision would silently stop applying to the real one.
func (o *Overlay) checkProperties(a Action, target, upd map[string]any) error {
	have, ok := target["properties"].(map[string]any)
	want, ok2 := upd["properties"].(map[string]any)
	if ok && ok2 {
		for _, k := range sortedKeys(want) {
			w, _ := want[k].(map[string]any)
			if _, exists := have[k]; exists {
				if hm, ok := have[k].(map[string]any); ok && w != nil {
					if err := o.checkProperties(a, hm, w); err != nil {
						return err
					}
				}
				continue
			}
			if w != nil && w[newMarker] == true {
				continue
			}
			return fmt.Errorf("%s:%d: overlay action (%s) on %q updates property %q, which the page does not document (renamed or removed?); have %s. Update the overlay, or mark an added property with %s: true",
				o.File, a.Line, a.Decision, a.Target, k, strings.Join(sortedKeys(have), ", "), newMarker)
		}
	}
	for k, w := range upd {
		wm, ok := w.(map[string]any)
		hm, ok2 := target[k].(map[string]any)
		if k != "properties" && ok && ok2 {
			if err := o.checkProperties(a, hm, wm); err != nil {
				return err
			}
		}
	}
	return nil
}

// stripNew removes the newMarker stamps.
func stripNew(v any) any {
	switch x := v.(type) {
	case map[string]any:
		delete(x, newMarker)
		for k, e := range x {
			x[k] = stripNew(e)
		}
	case []any:
		for i, e := range x {
			x[i] = stripNew(e)
		}
	}
	return v
}

func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		dm, dok := dst[k].(map[string]any)
		sm, sok := v.(map[string]any)
		if dok && sok {
			mergeInto(dm, sm)
			continue
		}
		da, aok := dst[k].([]any)
		sa, saok := v.([]any)
		if aok && saok {
			dst[k] = append(da, sa...)
			continue
		}
		dst[k] = v
	}
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// The JSONPath subset targets need: $, .name, .*, ['name'], ["name"], [*], [N].
type segment struct {
	name  string
	index int
	wild  bool
	isIdx bool
}

var dotName = regexp.MustCompile(`^[A-Za-z0-9_$-]+`)

func parsePath(p string) ([]segment, error) {
	if !strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("a JSONPath starts with $")
	}
	var segs []segment
	rest := p[1:]
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, ".*"):
			segs = append(segs, segment{wild: true})
			rest = rest[2:]
		case strings.HasPrefix(rest, "."):
			n := dotName.FindString(rest[1:])
			if n == "" {
				return nil, fmt.Errorf("empty name after . at %q", rest)
			}
			segs = append(segs, segment{name: n})
			rest = rest[1+len(n):]
		case strings.HasPrefix(rest, "[*]"):
			segs = append(segs, segment{wild: true})
			rest = rest[3:]
		case strings.HasPrefix(rest, "['") || strings.HasPrefix(rest, `["`):
			q := rest[1]
			end := strings.IndexByte(rest[2:], q)
			if end < 0 || !strings.HasPrefix(rest[2+end+1:], "]") {
				return nil, fmt.Errorf("unclosed bracket at %q", rest)
			}
			segs = append(segs, segment{name: rest[2 : 2+end]})
			rest = rest[2+end+2:]
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed bracket at %q", rest)
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil {
				return nil, fmt.Errorf("unsupported selector %q (supported: .name, .*, ['name'], [*], [N])", rest[:end+1])
			}
			segs = append(segs, segment{index: n, isIdx: true})
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("unexpected %q", rest)
		}
	}
	return segs, nil
}

type match struct {
	parent any
	key    string
	idx    int
}

func (m match) get() any {
	if p, ok := m.parent.(map[string]any); ok {
		return p[m.key]
	}
	return m.parent.([]any)[m.idx]
}

func (m match) set(v any) {
	if p, ok := m.parent.(map[string]any); ok {
		p[m.key] = v
		return
	}
	m.parent.([]any)[m.idx] = v
}

func (m match) remove() {
	if p, ok := m.parent.(map[string]any); ok {
		delete(p, m.key)
		return
	}
	// Removing from an array leaves null: positions of other matches stay valid.
	m.parent.([]any)[m.idx] = nil
}

func find(root any, path []segment) []match {
	nodes := []match{{parent: map[string]any{"$": root}, key: "$"}}
	for _, s := range path {
		var next []match
		for _, n := range nodes {
			switch v := n.get().(type) {
			case map[string]any:
				if s.wild {
					for _, k := range sortedKeys(v) {
						next = append(next, match{parent: v, key: k})
					}
				} else if _, ok := v[s.name]; ok && !s.isIdx {
					next = append(next, match{parent: v, key: s.name})
				}
			case []any:
				if s.wild {
					for i := range v {
						next = append(next, match{parent: v, idx: i})
					}
				} else if s.isIdx && s.index >= 0 && s.index < len(v) {
					next = append(next, match{parent: v, idx: s.index})
				}
			}
		}
		nodes = next
	}
	return nodes
}
