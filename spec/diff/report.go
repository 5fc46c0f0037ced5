package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// Counts is how many changes there are of each level.
type Counts struct {
	Breaking    int `json:"breaking"`
	Warning     int `json:"warning"`
	NonBreaking int `json:"nonBreaking"`
	Info        int `json:"info"`
}

// Count counts changes by level.
func Count(changes []Change) Counts {
	var c Counts
	for _, x := range changes {
		switch x.Level {
		case Breaking:
			c.Breaking++
		case Warning:
			c.Warning++
		case NonBreaking:
			c.NonBreaking++
		case Info:
			c.Info++
		}
	}
	return c
}

func (c Counts) String() string {
	return fmt.Sprintf("%d breaking, %d warning, %d not breaking, %d info", c.Breaking, c.Warning, c.NonBreaking, c.Info)
}

// Sorted returns the changes grouped by level (breaking first, then warning,
// non-breaking, info), page order kept within a level.
func Sorted(changes []Change) []Change {
	out := append([]Change(nil), changes...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Level.rank() < out[j].Level.rank() })
	return out
}

// WriteText writes one line per change, breaking first, in aligned columns
// LEVEL RULE OP[.TARGET] FILE:LINE MESSAGE, then the summary line.
func WriteText(w io.Writer, changes []Change) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range Sorted(changes) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Level, c.Rule, c.Subject(), c.Where(), c.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, Count(changes))
	return err
}

// Report is the JSON form: the changes (breaking first) and their counts.
type Report struct {
	Changes []Change `json:"changes"`
	Counts
}

// WriteJSON writes the Report, indented.
func WriteJSON(w io.Writer, changes []Change) error {
	r := Report{Changes: Sorted(changes), Counts: Count(changes)}
	if r.Changes == nil {
		r.Changes = []Change{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
