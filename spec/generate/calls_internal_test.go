package generate

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

// What a page's curl commands send (issue 17): the method, the URL, JSON
// in --data, form fields of -d a=b and -F a=b, the query's names.
func TestCurlCalls(t *testing.T) {
	tests := []struct {
		name, sample string
		want         sentCall
	}{
		{"JSON-RPC in --data", `curl -X POST --data '{"jsonrpc":"2.0","method":"eth_blockNumber","params":[],"id":83}' http://localhost:8545`,
			sentCall{Method: "POST", URL: "http://localhost:8545", HasJSON: true, JSON: map[string]any{"jsonrpc": "2.0", "method": "eth_blockNumber", "params": []any{}, "id": json83}}},
		{"form fields, continued lines", "curl https://api.example.com/v1/messages \\\n  -u ACCOUNT:TOKEN \\\n  -d to=+34600111222 \\\n  -d body=\"Hi there\"",
			sentCall{Method: "POST", URL: "https://api.example.com/v1/messages", Form: []string{"to", "body"}}},
		{"one -d with several fields", `curl -d 'a=1&b=%20x' https://h/x`, sentCall{Method: "POST", URL: "https://h/x", Form: []string{"a", "b"}}},
		{"--data-urlencode", `curl --data-urlencode "q=a&b" https://h/search`, sentCall{Method: "POST", URL: "https://h/search", Form: []string{"q"}}},
		{"multipart", `curl -F name=Customers -F "file=@list.csv" https://h/lists`, sentCall{Method: "POST", URL: "https://h/lists", Form: []string{"name", "file"}, Multipart: true}},
		{"query", `curl -X POST "https://h/v2/current?city=Madrid&units=metric"`, sentCall{Method: "POST", URL: "https://h/v2/current?city=Madrid&units=metric", Query: []string{"city", "units"}}},
		{"-G moves the data to the query", `curl -G https://h/s -d q=x`, sentCall{Method: "GET", URL: "https://h/s", Query: []string{"q"}}},
		{"a GET with headers", `curl -H "Authorization: Bearer x" https://h/me # who am I`, sentCall{Method: "GET", URL: "https://h/me"}},
		{"a continuation without its backslash, a host:port URL", "curl -X POST\n-H \"Content-Type: application/json\" \\\n-d '{\"a\":1}' localhost:8545",
			sentCall{Method: "POST", URL: "localhost:8545", HasJSON: true, JSON: map[string]any{"a": json1}}},
		{"--request=PUT, -dJSON", `curl --request=PUT -d'{"a":1}' https://h/x`, sentCall{Method: "PUT", URL: "https://h/x", HasJSON: true, JSON: map[string]any{"a": json1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := curlCalls([]slate.Sample{{Lang: "shell", Line: 10, Text: tt.sample}})
			if len(got) != 1 {
				t.Fatalf("%d calls: %+v", len(got), got)
			}
			tt.want.Line = 10
			if !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("got  %+v\nwant %+v", got[0], tt.want)
			}
		})
	}
	if got := curlCalls([]slate.Sample{{Text: "echo hello\nhttp POST /x a=1"}}); len(got) != 0 {
		t.Errorf("no curl, yet %+v", got)
	}
}

var json83, json1 = json.Number("83"), json.Number("1")
