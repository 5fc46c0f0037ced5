package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nebeus/nebeus-contract/internal/version"
	"github.com/nebeus/nebeus-contract/spec/generate"
)

const usage = `nebeus-contract: the Nebeus API contract, generated from its Slate page.

Usage:
  nebeus-contract generate [--page PATH] [--overlay PATH] [--decisions PATH] [--out DIR] [--strict]
  nebeus-contract check    [--page PATH] [--overlay PATH] [--decisions PATH] [--out DIR] [--strict]
  nebeus-contract validate --schema NAME [--contract DIR] [FILE|-]
  nebeus-contract list     [--contract DIR]
  nebeus-contract diff     [--overlay PATH] [--old-overlay PATH] [--new-overlay PATH] [--format text|json] OLD NEW
  nebeus-contract --version

Run "nebeus-contract COMMAND --help" for a command's flags.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2}
	}
	switch args[0] {
	case "generate":
		return runGenerate(args[1:], stdout, stderr, false)
	case "check":
		return runGenerate(args[1:], stdout, stderr, true)
	case "validate":
		return runValidate(args[1:], stdin, stdout, stderr)
	case "list":
		return runList(args[1:], stdout, stderr)
	case "diff":
		return runDiff(args[1:], stdout, stderr)
	case "--version", "-version", "version":
		fmt.Fprint(stdout, version.Line("nebeus-contract"))
		return nil
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{code: 2, msg: fmt.Sprintf("unknown command %q", args[0])}
}

func runGenerate(args []string, stdout, stderr io.Writer, check bool) error {
	name := "generate"
	if check {
		name = "check"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	page := fs.String("page", "spec/source/index.html.md", "the Slate page (includes resolve to includes/_NAME.md beside it)")
	overlay := fs.String("overlay", "spec/overlay.yaml", `the decision overlay (OpenAPI Overlay 1.0); "" for none. The default applies to the default page only, and only when it is there`)
	decisions := fs.String("decisions", "", "the record of the decisions, whose ids and titles the model carries (default: DECISIONS.md beside the overlay, when there)")
	out := fs.String("out", ".", "output root: schemas/ and spec/openapi.{yaml,json} are written under it")
	strict := fs.Bool("strict", false, "treat warnings (unparseable examples, endpoint disagreements) as errors")
	fs.Usage = func() {
		if check {
			fmt.Fprintln(stderr, "nebeus-contract check: exit 1 when the committed outputs differ from what the page and overlay generate.")
		} else {
			fmt.Fprintln(stderr, "nebeus-contract generate: write schemas/ and spec/openapi.{yaml,json} from the Slate page and the overlay.")
		}
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return &exitError{code: 2}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	switch {
	case given["overlay"]:
	case given["page"]:
		// Issue 17 item 1: the default overlay holds this project's
		// decisions about its own page; another page gets none unless
		// named.
		fmt.Fprintf(stderr, "note: no overlay for %s (--overlay PATH names one)\n", *page)
		*overlay = ""
	case !fileExists(*overlay):
		// Run outside the repository, the default overlay (a relative
		// path) is not there: no overlay, said once.
		fmt.Fprintf(stderr, "note: no overlay (the default %s is not there; --overlay PATH names one)\n", *overlay)
		*overlay = ""
	}
	if *decisions == "" && *overlay != "" {
		if d := filepath.Join(filepath.Dir(*overlay), "DECISIONS.md"); fileExists(d) {
			*decisions = d
		}
	}
	res, err := generate.Build(generate.Options{Page: *page, Overlay: *overlay, Decisions: *decisions, Root: *out, Strict: *strict})
	if res != nil {
		for _, w := range res.Warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
	}
	if err != nil {
		return &exitError{code: 1, msg: "error: " + strings.ReplaceAll(err.Error(), "\n", "\nerror: ")}
	}
	if check {
		drift, err := res.Check(*out)
		if err != nil {
			return err
		}
		if len(drift) > 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "%d generated file(s) out of date:\n", len(drift))
			for _, d := range drift {
				fmt.Fprintf(&b, "  %s\n", d)
			}
			return &exitError{code: 1, msg: strings.TrimSuffix(b.String(), "\n")}
		}
		fmt.Fprintf(stdout, "contract up to date: %d files\n", len(res.Files))
		return nil
	}
	// --out names the folder to fill: it need not exist yet.
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := res.Write(*out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d files under %s\n", len(res.Files), *out)
	return nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
