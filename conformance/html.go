package conformance

import (
	"bytes"
	"html/template"
	"strings"
)

// htmlReport is the report for people: one HTML file, no external asset
// (styles inline, no script), opening with the verdict and the findings,
// then the coverage, the checks, the specs skipped after a failure, the
// T6 warnings and every spec's outcome. html/template escapes every text
// it shows (a deployment's answer may hold markup).
func htmlReport(sj SummaryJSON) ([]byte, error) {
	var b bytes.Buffer
	if err := htmlPage.Execute(&b, sj); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"ptr":   pointerText,
	"lines": func(l []string) string { return strings.Join(l, "\n") },
	"state": func(s string) string {
		switch s {
		case "passed":
			return "pass"
		case "skipped", "pending":
			return "skip"
		}
		return "fail"
	},
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nebeus conformance: {{.Verdict}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 75em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.verdict { display: inline-block; padding: .2em .6em; border-radius: .3em; color: #fff; }
.yes { background: #2e7d32; } .no { background: #c62828; }
pre { background: #f5f5f5; padding: .6em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: .2em .6em; text-align: left; }
.finding { border-left: 4px solid #c62828; padding-left: 1em; margin: 1.5em 0; }
.pass { color: #2e7d32; } .fail { color: #c62828; } .skip { color: #777; }
dt { font-weight: bold; } dd { margin: 0 0 .5em 1em; }
</style>
</head>
<body>
<h1>Nebeus conformance <span class="verdict {{if .Conforms}}yes{{else}}no{{end}}">{{.Verdict}}</span></h1>
<pre>{{.Header}}</pre>
<p>Specs: {{.Specs.Passed}} passed, {{.Specs.Failed}} failed, {{.Specs.Skipped}} skipped.
{{if .NotRun}}Incomplete: {{.NotRun}} specs not run, the run's --max-time was reached.
{{end}}{{if .FailFastNotRun}}Stopped at the first failure (--fail-fast): {{.FailFastNotRun}} specs not run.
{{end}}Findings: {{len .Findings}} (one a root cause, with every spec it broke).</p>

<h2 id="findings">Findings</h2>
{{if not .Findings}}<p>None.</p>{{end}}
{{range .Findings}}<div class="finding" id="{{.ID}}">
<h3>{{.ID}} [{{.Decision}}] {{.Operation}}: {{.Title}} at {{ptr .Pointer}}</h3>
<dl>
<dt>expected</dt><dd>{{.Expected}}</dd>
<dt>got</dt><dd>{{.Got}}</dd>
{{if .Request}}<dt>request</dt><dd><pre>{{.Request}}</pre></dd>{{end}}
{{if .Repro}}<dt>repro (sh; every call from scratch, the failing one last)</dt><dd><pre>{{lines .Repro}}</pre></dd>{{end}}
{{if .Response}}<dt>response</dt><dd><pre>{{.Response}}</pre></dd>{{end}}
<dt>broke {{len .Specs}} spec(s) ({{.Occurrences}} failed checks)</dt>
<dd><ul>{{range .Specs}}<li>{{.}}</li>{{end}}</ul></dd>
</dl>
</div>
{{end}}

<h2 id="coverage">Contract coverage</h2>
<table>
<tr><th>operation</th><th>exercised</th><th>variants</th><th>fields</th><th>decisions</th></tr>
{{range .Coverage.Operations}}<tr><td>{{.Operation}}</td><td>{{if .Exercised}}yes{{else}}<span class="fail">no</span>{{end}}</td><td>{{.Variants}}</td><td>{{.Fields}}</td><td>{{range .Decisions}}{{.}} {{end}}</td></tr>
{{end}}<tr><th>total</th><td></td><td>{{.Coverage.Variants}}</td><td>{{.Coverage.Fields}}</td><td>{{.Coverage.Decisions}} decisions</td></tr>
</table>
{{if .Coverage.Unexercised}}<p>The run left {{len .Coverage.Unexercised}} part(s) of the contract unexercised:</p>
<ul>{{range .Coverage.Unexercised}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>The run exercised the whole contract.</p>{{end}}

<h2 id="checks">Checks per operation and decision</h2>
<table>
<tr><th>operation</th><th>decision</th><th>passed</th><th>failed</th><th>warned</th><th>skipped</th></tr>
{{range .Checks}}<tr><td>{{.Operation}}</td><td>{{.Decision}}</td><td>{{.Passed}}</td><td{{if .Failed}} class="fail"{{end}}>{{.Failed}}</td><td>{{.Warned}}</td><td>{{.Skipped}}</td></tr>
{{end}}</table>

{{if .SkippedAfter}}<h2 id="skipped">Skipped after a failure</h2>
<ul>{{range .SkippedAfter}}<li>{{.Spec}}<br><small>after {{.Cause}}{{range .Findings}} <a href="#{{.}}">{{.}}</a>{{end}}</small></li>{{end}}</ul>{{end}}

{{if .Warnings}}<h2 id="warnings">Warnings (T6: fields beyond the contract; not failures)</h2>
<ul>{{range .Warnings}}<li>{{.Operation}} {{.Pointer}}: {{.Got}}</li>{{end}}</ul>{{end}}

<h2 id="specs">Specs</h2>
<table>
<tr><th>operation</th><th>decision</th><th>spec</th><th>outcome</th></tr>
{{range .SpecResults}}<tr><td>{{.Operation}}</td><td>{{.Decision}}</td><td>{{if .Container}}{{.Container}} {{end}}{{.Spec}}</td><td class="{{state .State}}">{{.State}}{{range .Findings}} <a href="#{{.}}">{{.}}</a>{{end}}{{if .Cause}}<br><small>{{.Cause}}</small>{{end}}</td></tr>
{{end}}</table>
</body>
</html>
`))
