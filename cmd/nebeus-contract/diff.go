package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nebeus/nebeus-contract/spec/diff"
	"github.com/nebeus/nebeus-contract/spec/generate"
	"github.com/nebeus/nebeus-contract/spec/model"
)

const diffUsage = `nebeus-contract diff [flags] OLD NEW: list every change from OLD to NEW, classified for clients.

OLD and NEW are each a Slate page (.md; generated in memory with the overlay)
or a generated contract: a directory holding schemas/index.json, a schemas/
directory, or an index.json file. Output: one line per change, breaking first:
  LEVEL  RULE  OP[.argument|.variant[/field]]  FILE:LINE  message
then "N breaking, W warning, M not breaking, K info".
Exit 1 when a change breaks clients, 0 otherwise, 2 on a usage error or an
unreadable input.

Flags:
`

func runDiff(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	overlay := fs.String("overlay", "spec/overlay.yaml", `the decision overlay applied to both pages; "" for none`)
	oldOverlay := fs.String("old-overlay", "", `the overlay for OLD when it is a page (default: --overlay); "" for none`)
	newOverlay := fs.String("new-overlay", "", `the overlay for NEW when it is a page (default: --overlay); "" for none`)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprint(stderr, diffUsage)
		fs.PrintDefaults()
	}
	// Flags may come before, between or after OLD and NEW.
	var pos []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				return nil
			}
			return &exitError{code: 2}
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		if i := len(rest) - len(left) - 1; i >= 0 && rest[i] == "--" {
			pos = append(pos, left...)
			break
		}
		pos, rest = append(pos, left[0]), left[1:]
	}
	if len(pos) != 2 {
		fs.Usage()
		return &exitError{code: 2, msg: fmt.Sprintf("diff: want OLD and NEW, got %d argument(s)", len(pos))}
	}
	if *format != "text" && *format != "json" {
		return &exitError{code: 2, msg: fmt.Sprintf("diff: --format %q: want text or json", *format)}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["overlay"] && !fileExists(*overlay) && (!set["old-overlay"] || !set["new-overlay"]) {
		// Issue 17 item 1: outside the repository the default overlay is
		// not there: no overlay, said once.
		fmt.Fprintf(stderr, "note: no overlay (the default %s is not there; --overlay PATH names one)\n", *overlay)
		*overlay = ""
	}
	overlays := [2]string{*overlay, *overlay}
	if set["old-overlay"] {
		overlays[0] = *oldOverlay
	}
	if set["new-overlay"] {
		overlays[1] = *newOverlay
	}

	warned := map[string]bool{}
	var contracts [2]*model.Contract
	for i := range contracts {
		c, warnings, err := loadContract(pos[i], overlays[i])
		for _, w := range warnings {
			if !warned[w] {
				warned[w] = true
				fmt.Fprintln(stderr, "warning:", w)
			}
		}
		if err != nil {
			return &exitError{code: 2, msg: "error: " + strings.ReplaceAll(err.Error(), "\n", "\nerror: ")}
		}
		contracts[i] = c
	}

	changes := diff.Compare(contracts[0], contracts[1])
	var err error
	if *format == "json" {
		err = diff.WriteJSON(stdout, changes)
	} else {
		err = diff.WriteText(stdout, changes)
	}
	if err != nil {
		return err
	}
	if diff.Count(changes).Breaking > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// loadContract reads one side of a diff: a page (generated in memory with
// overlay), a directory holding schemas/index.json or index.json, or an
// index.json file. The error names the input; a page's keeps its file:line.
func loadContract(path, overlay string) (*model.Contract, []string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	if st.IsDir() {
		for _, p := range []string{filepath.Join(path, "schemas", model.IndexFile), filepath.Join(path, model.IndexFile)} {
			if fileExists(p) {
				c, err := readIndex(p)
				return c, nil, err
			}
		}
		return nil, nil, fmt.Errorf("%s: a directory with neither schemas/%s nor %s in it", path, model.IndexFile, model.IndexFile)
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		c, err := readIndex(path)
		return c, nil, err
	}
	return buildPage(path, overlay)
}

func buildPage(page, overlay string) (*model.Contract, []string, error) {
	if overlay != "" {
		if _, err := os.Stat(overlay); err != nil {
			return nil, nil, fmt.Errorf("overlay %s (for %s): %w", overlay, page, unwrapPath(err))
		}
	}
	var decisions string
	if overlay != "" {
		if d := filepath.Join(filepath.Dir(overlay), "DECISIONS.md"); fileExists(d) {
			decisions = d
		}
	}
	res, err := generate.Build(generate.Options{Page: page, Overlay: overlay, Decisions: decisions, Root: "."})
	var warnings []string
	if res != nil {
		for _, w := range res.Warnings {
			warnings = append(warnings, fmt.Sprint(w))
		}
	}
	if err != nil {
		msg := err.Error()
		if !strings.Contains(msg, page) && !strings.Contains(msg, filepath.ToSlash(page)) {
			msg = page + ": " + msg
		}
		return nil, warnings, errors.New(msg)
	}
	b, ok := res.Files["schemas/"+model.IndexFile]
	if !ok {
		return nil, warnings, fmt.Errorf("%s: the generator gave no schemas/%s", page, model.IndexFile)
	}
	c, err := decodeIndex(b, page+" (generated "+model.IndexFile+")")
	return c, warnings, err
}

func readIndex(path string) (*model.Contract, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	return decodeIndex(b, path)
}

// decodeIndex decodes a contract index, refusing JSON that is not one.
func decodeIndex(b []byte, name string) (*model.Contract, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("%s: not a contract index: %s", name, jsonError(b, err))
	}
	if _, ok := top["operations"]; !ok {
		return nil, fmt.Errorf("%s: not a contract index: no \"operations\"", name)
	}
	var c model.Contract
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: not a contract index: %s", name, jsonError(b, err))
	}
	return &c, nil
}

// jsonError is err with the line of a syntax error.
func jsonError(b []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		return fmt.Sprintf("line %d: %v", line, err)
	}
	return err.Error()
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
