package slate

import (
	"regexp"
	"strings"
)

var (
	errorLabel   = regexp.MustCompile(`(?i)\b(unsuccessful(ly)?|not\s+successful|errors?|failure|failed|fail(s)?|invalid|denied|rejected|forbidden|unauthori[sz]ed|not\s+found|bad\s+request|wrong|incorrect|[45]\d\d)\b`)
	successLabel = regexp.MustCompile(`(?i)\b(success(ful(ly)?)?|succeeded|succeeds|ok|200|201|204)\b`)
	requestLabel = regexp.MustCompile(`(?i)\b(requests?|call|payload|body|params|parameters)\b`)
	replyLabel   = regexp.MustCompile(`(?i)\b(responses?|results?|returns?|returned|reply|replies|answer|output)\b`)
	// The same in Chinese and Russian (no \b: Go's is ASCII only).
	errorLabelIntl   = regexp.MustCompile(`(?i)失败|错误|异常|ошибк|неудач|неверн|отказ`)
	successLabelIntl = regexp.MustCompile(`(?i)成功|正常|успе`)
	requestLabelIntl = regexp.MustCompile(`(?i)请求|запрос`)
	replyLabelIntl   = regexp.MustCompile(`(?i)返回|响应|结果|ответ|результат`)
)

// labelKind says what a label says: "error", "success", "request" or ""
// (neither: ambiguous).
func labelKind(label string) string {
	request := requestLabel.MatchString(label) || requestLabelIntl.MatchString(label)
	reply := replyLabel.MatchString(label) || replyLabelIntl.MatchString(label)
	isError := errorLabel.MatchString(label) || errorLabelIntl.MatchString(label)
	switch {
	case request && !reply && !isError:
		return "request"
	case isError:
		return "error"
	case successLabel.MatchString(label) || successLabelIntl.MatchString(label):
		return "success"
	}
	return ""
}

// isCall reports whether v is a request: a JSON-RPC call object (params, or
// method with jsonrpc, and no result or error), or an array of one.
func isCall(v any) bool {
	if a, ok := v.([]any); ok && len(a) == 1 {
		v = a[0]
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, params := m["params"]
	_, method := m["method"]
	_, rpc := m["jsonrpc"]
	_, result := m["result"]
	_, errm := m["error"]
	return (params || (method && rpc)) && !result && !errm
}

// LooksLikeError reports whether a response example is an error by its
// content: a status of "error" (or fail, failed, failure), an error member,
// or success false, at the top level, in a JSON-RPC result, or in the one
// element of an array.
func LooksLikeError(v any) bool {
	if a, ok := v.([]any); ok && len(a) == 1 {
		v = a[0]
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	if r, ok := m["result"].(map[string]any); ok && objLooksLikeError(r) {
		return true
	}
	return objLooksLikeError(m)
}

func objLooksLikeError(m map[string]any) bool {
	if s, ok := m["status"].(string); ok {
		switch strings.ToLower(s) {
		case "error", "fail", "failed", "failure":
			return true
		}
	}
	if e, ok := m["error"]; ok && e != nil && e != false {
		return true
	}
	if e, ok := m["errors"]; ok && e != nil {
		if _, isStatus := m["status"]; isStatus || len(m) <= 2 {
			return true
		}
	}
	if b, ok := m["success"].(bool); ok && !b {
		return true
	}
	return false
}
