package state

import (
	"context"
	"testing"

	"github.com/nebeus/nebeus-contract/internal/testutil"
)

// TestRedisRestartDropsEveryStaleConnection: once a connection of the
// pool fails (Redis killed and started again on its port), the others
// dialled before it are not tried one call each: the next call dials
// anew and answers.
func TestRedisRestartDropsEveryStaleConnection(t *testing.T) {
	r := testutil.StartRedisServer(t)
	st, err := openRedis(r.URL, pipeDeadline)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	ctx := context.Background()
	// Eight connections held at once, then back in the pool, idle.
	var conns []interface{ Close() error }
	for range 8 {
		c, err := st.pool.GetContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Do("PING"); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if n := st.pool.IdleCount(); n != 8 {
		t.Fatalf("%d idle connections, want 8", n)
	}
	r.Kill()
	r.Restart()
	failed := 0
	for range 8 {
		if err := st.ping(ctx); err != nil {
			failed++
		}
	}
	if failed > 1 {
		t.Errorf("%d of 8 pings after a restart failed; want the first at most", failed)
	}
}
