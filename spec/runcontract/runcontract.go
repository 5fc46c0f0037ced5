// Package runcontract yields the contract a binary runs with (issue 17,
// item 1): the embedded one by default, a generated contract folder
// (--contract DIR), or a Slate page generated in memory at start
// (--page PATH [--overlay PATH]). Watcher reloads a page when it changes
// (nebeus-mock --watch).
//
// Whatever the source, the result is the same generated model (spec/model,
// via schemas.Load) and OpenAPI document the committed contract is: the
// binaries restate nothing of it.
package runcontract

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec"
	"github.com/nebeus/nebeus-contract/spec/generate"
)

// MaxFileBytes bounds every input file read (page, include, overlay,
// decisions): a 10 MB page is read, a runaway file is refused with a
// clear error instead of filling memory.
const MaxFileBytes = 16 << 20

// Options name the contract's source. The zero value is the embedded
// contract.
type Options struct {
	// Page is a Slate page (its includes resolve to includes/_NAME.md
	// beside it), generated in memory.
	Page string
	// Overlay is the decision overlay applied to Page; "" for none. The
	// decisions record it cites is DECISIONS.md beside it, when there.
	Overlay string
	// Contract is a folder nebeus-contract generate --out wrote (its
	// schemas/ and spec/openapi.*), or such a schemas folder itself.
	Contract string
}

// Check refuses options that contradict each other.
func (o Options) Check() error {
	switch {
	case o.Page != "" && o.Contract != "":
		return errors.New("--page and --contract both given: the contract comes from one of them")
	case o.Overlay != "" && o.Page == "":
		return errors.New("--overlay needs --page: it applies to a page")
	}
	return nil
}

// Loaded is a contract ready to run with.
type Loaded struct {
	Contract *schemas.Contract
	// OpenAPIYAML and OpenAPIJSON are the OpenAPI document of the same
	// contract; nil when a --contract folder has none.
	OpenAPIYAML, OpenAPIJSON []byte
	// Warnings are the generator's, each with its file and line (page
	// sources only); print them once.
	Warnings []string
	// Source says where the contract comes from, for banners and logs.
	Source string
}

// Load yields the contract o names.
func Load(o Options) (*Loaded, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	switch {
	case o.Page != "":
		return loadPage(o)
	case o.Contract != "":
		return loadDir(o.Contract)
	}
	c, err := schemas.Default()
	if err != nil {
		return nil, err
	}
	return &Loaded{Contract: c, OpenAPIYAML: spec.OpenAPIYAML, OpenAPIJSON: spec.OpenAPIJSON, Source: "embedded contract"}, nil
}

// decisions is the decisions record beside the overlay, "" when none (as
// nebeus-contract generate finds it).
func (o Options) decisions() string {
	if o.Overlay == "" {
		return ""
	}
	d := filepath.Join(filepath.Dir(o.Overlay), "DECISIONS.md")
	if st, err := os.Stat(d); err == nil && st.Mode().IsRegular() {
		return d
	}
	return ""
}

func loadPage(o Options) (*Loaded, error) {
	for _, f := range o.inputs() {
		if err := checkSize(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	// The page and the overlay must be there; a missing include is the
	// reader's to report (with the line that names it).
	for _, f := range []string{o.Page, o.Overlay} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("%s: %w", f, unwrapPath(err))
		}
	}
	res, err := generate.Build(generate.Options{Page: o.Page, Overlay: o.Overlay, Decisions: o.decisions(), Root: filepath.Dir(o.Page)})
	var warnings []string
	if res != nil {
		for _, w := range res.Warnings {
			warnings = append(warnings, w.Error())
		}
	}
	if err != nil {
		// The warnings often say why (an include missing left the page
		// without the section the error is about): they go with it.
		msg := err.Error()
		if len(warnings) > 0 {
			msg += "\n" + strings.Join(warnings, "\n")
		}
		return nil, fmt.Errorf("%s: %s", o.Page, msg)
	}
	fsys := fstest.MapFS{}
	for p, b := range res.Files {
		if name, ok := strings.CutPrefix(p, "schemas/"); ok {
			fsys[name] = &fstest.MapFile{Data: b, Mode: 0o444}
		}
	}
	c, err := schemas.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Page, err)
	}
	src := "page " + o.Page
	if o.Overlay != "" {
		src += " with overlay " + o.Overlay
	} else {
		src += " (no overlay: --overlay PATH names one)"
	}
	return &Loaded{Contract: c, OpenAPIYAML: res.Files["spec/openapi.yaml"], OpenAPIJSON: res.Files["spec/openapi.json"],
		Warnings: warnings, Source: src}, nil
}

// loadDir loads a generated folder: DIR/schemas with DIR/spec/openapi.*,
// or a schemas folder itself (what nebeus-conformance --contract took).
func loadDir(dir string) (*Loaded, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--contract %s: %w", dir, unwrapPath(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--contract %s: not a folder (want what nebeus-contract generate --out wrote)", dir)
	}
	schemaDir, specDir := filepath.Join(dir, "schemas"), filepath.Join(dir, "spec")
	if _, err := os.Stat(filepath.Join(schemaDir, "index.json")); err != nil {
		schemaDir, specDir = dir, filepath.Join(dir, "..", "spec")
		if _, err := os.Stat(filepath.Join(dir, "index.json")); err != nil {
			return nil, fmt.Errorf("--contract %s: no schemas/index.json nor index.json in it (want what nebeus-contract generate --out wrote)", dir)
		}
	}
	c, err := schemas.Load(os.DirFS(schemaDir))
	if err != nil {
		return nil, fmt.Errorf("--contract %s: %w", dir, err)
	}
	l := &Loaded{Contract: c, Source: "contract " + dir}
	// The OpenAPI document is optional: a schemas folder alone still
	// drives the mock and the suite.
	l.OpenAPIYAML, _ = readCapped(filepath.Join(specDir, "openapi.yaml"))
	l.OpenAPIJSON, _ = readCapped(filepath.Join(specDir, "openapi.json"))
	return l, nil
}

// inputs are the files a page contract is generated from: the page, every
// include beside it, the overlay and the decisions record.
func (o Options) inputs() []string {
	if o.Page == "" {
		return nil
	}
	files := []string{o.Page}
	incs, _ := filepath.Glob(filepath.Join(filepath.Dir(o.Page), "includes", "_*.md"))
	sort.Strings(incs)
	files = append(files, incs...)
	if o.Overlay != "" {
		files = append(files, o.Overlay)
	}
	if d := o.decisions(); d != "" {
		files = append(files, d)
	}
	return files
}

// Hash is a digest of every input of a page contract: it changes when any
// of them does. A file that cannot be read counts as its error.
func (o Options) Hash() ([32]byte, error) {
	h := sha256.New()
	for _, f := range o.inputs() {
		b, err := readCapped(f)
		fmt.Fprintf(h, "%s\x00%d\x00", f, len(b))
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				return [32]byte{}, err
			}
			io.WriteString(h, "missing\x00")
		}
		h.Write(b)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

func checkSize(f string) error {
	st, err := os.Stat(f)
	if err != nil {
		return err
	}
	if st.Size() > MaxFileBytes {
		return fmt.Errorf("%s: %d bytes, over the %d MiB an input may have", f, st.Size(), MaxFileBytes>>20)
	}
	return nil
}

// readCapped reads f, refusing one over MaxFileBytes without reading it
// all.
func readCapped(f string) ([]byte, error) {
	fh, err := os.Open(f)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var b bytes.Buffer
	n, err := io.Copy(&b, io.LimitReader(fh, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if n > MaxFileBytes {
		return nil, fmt.Errorf("%s: over the %d MiB an input may have", f, MaxFileBytes>>20)
	}
	return b.Bytes(), nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
