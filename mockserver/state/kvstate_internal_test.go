package state

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestDecodedAccountsStayBounded: the memo of decoded accounts holds at
// most maxDecodedBytes of records, however many distinct ones are read,
// and answers for a record exactly what decoding it answers.
func TestDecodedAccountsStayBounded(t *testing.T) {
	big := strings.Repeat("x", 900)
	for i := range 5000 {
		rec, _ := json.Marshal(kvAccount{Login: fmt.Sprintf("u%d@example.com", i), Identifier: big, Country: i})
		b := append([]byte(fmt.Sprintf("%016x", i+1)), rec...)
		n, a, ok := decodeAccount(b)
		again, a2, ok2 := decodeAccount(b)
		if !ok || !ok2 || n != int64(i+1) || again != n || a.Country != i || a2.Login != a.Login {
			t.Fatalf("record %d: %d %+v %v / %d %+v %v", i, n, a, ok, again, a2, ok2)
		}
		decodedAccounts.RLock()
		size := decodedAccounts.bytes
		decodedAccounts.RUnlock()
		if size > maxDecodedBytes {
			t.Fatalf("the memo holds %d bytes after %d records, past %d", size, i+1, maxDecodedBytes)
		}
	}
}
