package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/runcontract"
)

func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	schema := fs.String("schema", "", `schema NAME to validate against (see "nebeus-contract list"), e.g. signin.response or signup.request`)
	dir := fs.String("contract", "", "a contract generate --out DIR wrote (DIR or DIR/schemas) to read instead of the embedded contract")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "nebeus-contract validate --schema NAME [FILE|-]: validate one JSON payload; prints every violation with its JSON pointer and decision id. Exit 0 valid, 1 invalid.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return &exitError{code: 2}
	}
	if *schema == "" || fs.NArg() > 1 {
		fs.Usage()
		return &exitError{code: 2, msg: "validate: --schema NAME and at most one FILE are required"}
	}
	c, err := generatedContract(*dir)
	if err != nil {
		return err
	}
	in, name := stdin, "stdin"
	if f := fs.Arg(0); f != "" && f != "-" {
		b, err := os.Open(f)
		if err != nil {
			return &exitError{code: 2, msg: "validate: " + err.Error()}
		}
		defer b.Close()
		in, name = b, f
	}
	body, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	v, err := schemas.Decode(body)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: not valid JSON: %v", name, err)}
	}
	if _, ok := c.Raw(*schema); !ok {
		return &exitError{code: 2, msg: fmt.Sprintf("validate: no schema %q; \"nebeus-contract list\" shows them", *schema)}
	}
	var vs []schemas.Violation
	// An operation's response schema is checked variant by variant, so the
	// report names the closest documented variant (T4).
	if op, ok := responseOp(c, *schema); ok {
		var variant string
		variant, vs, err = c.ValidateResponse(op, v)
		if err == nil && len(schemas.Failures(vs)) > 0 {
			fmt.Fprintf(stdout, "%s: closest documented variant: %s\n", name, variant)
		}
	} else {
		vs, err = c.Validate(*schema, v)
	}
	if err != nil {
		return err
	}
	for _, x := range vs {
		fmt.Fprintf(stdout, "%s: %s\n", name, x)
	}
	if n := len(schemas.Failures(vs)); n > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: %d violation(s) of %s", name, n, *schema)}
	}
	fmt.Fprintf(stdout, "%s: valid against %s\n", name, *schema)
	return nil
}

func responseOp(c *schemas.Contract, schema string) (string, bool) {
	for _, o := range c.Operations() {
		if o.Response == schema {
			return o.ID, true
		}
	}
	return "", false
}

func runList(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("contract", "", "a contract generate --out DIR wrote (DIR or DIR/schemas) to read instead of the embedded contract")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return &exitError{code: 2}
	}
	c, err := generatedContract(*dir)
	if err != nil {
		return err
	}
	for _, o := range c.Operations() {
		fmt.Fprintf(stdout, "%s %s %s (%s, %s)\n  request:  %s\n  response: %s\n", o.ID, o.Method, o.Path, o.Title, o.Protocol, o.Request, o.Response)
		for _, v := range o.Variants {
			fmt.Fprintf(stdout, "    variant %-10s %-40s shape %-8s %s\n", v.Name, v.Schema, v.Shape, v.MediaType)
		}
	}
	fmt.Fprintf(stdout, "definitions: %v\n", c.Index().Definitions)
	return nil
}

// generatedContract is the contract in dir (what generate --out DIR wrote,
// or its schemas/ folder), or the embedded one, as the mock and the suite
// read --contract (runcontract).
func generatedContract(dir string) (*schemas.Contract, error) {
	l, err := runcontract.Load(runcontract.Options{Contract: dir})
	if err != nil {
		return nil, &exitError{code: 2, msg: err.Error()}
	}
	return l.Contract, nil
}
