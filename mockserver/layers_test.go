package mockserver_test

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/nebeus/nebeus-contract/"

// layers are the mock's packages from the bottom up (issue 21): a package
// may import only packages of the layers below its own, so imports point one
// way and the packages of one layer stand beside each other. A new package
// under mockserver/ must be placed here.
var layers = [][]string{
	{"mockserver/state", "mockserver/hostcheck", "mockserver/metrics", "mockserver/web"},
	{"mockserver/wire"},
	{"mockserver/framing", "mockserver/session", "mockserver/journal", "mockserver/namespace"},
	{"mockserver/ops", "mockserver/cors"},
	{"mockserver/faults", "mockserver/proxy"},
	{"mockserver/control", "mockserver/request"},
	{"mockserver/console"},
	{"mockserver"},
	{"mockserver/browsertest", "mockserver/loadtest"},
}

// TestImportsPointOneWay fails when a package under mockserver/ imports a
// package of its own layer or of one above, when a package is missing from
// the layers, or when anything under mockserver/ reaches the conformance
// suite (the checks both share live in internal/contractcheck).
func TestImportsPointOneWay(t *testing.T) {
	layer := map[string]int{}
	for i, l := range layers {
		for _, p := range l {
			layer[p] = i
		}
	}
	var found []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			return nil
		}
		pkg, err := build.ImportDir(path, 0)
		if _, ok := err.(*build.NoGoError); ok {
			return nil
		}
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(filepath.Join("mockserver", path))
		found = append(found, rel)
		own, ok := layer[rel]
		if !ok {
			t.Errorf("%s is in no layer of layers: place it", rel)
			return nil
		}
		for _, imp := range pkg.Imports {
			dep, ok := strings.CutPrefix(imp, module)
			if !ok || !strings.HasPrefix(dep, "mockserver") {
				continue
			}
			if l, ok := layer[dep]; ok && l >= own {
				t.Errorf("%s imports %s: a package may import only the layers below its own", rel, dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range layer {
		if !slices.Contains(found, p) {
			t.Errorf("layers names %s, which is not a package under mockserver/", p)
		}
	}
	for _, p := range found {
		if chain := reaches(t, p, "conformance", map[string]bool{}); chain != nil {
			t.Errorf("%s imports the conformance suite: %s", p, strings.Join(chain, " -> "))
		}
	}
}

// reaches returns an import chain from the module's package p to a package
// under target, following only the module's own packages, or nil.
func reaches(t *testing.T, p, target string, seen map[string]bool) []string {
	t.Helper()
	if p == target || strings.HasPrefix(p, target+"/") {
		return []string{p}
	}
	if seen[p] {
		return nil
	}
	seen[p] = true
	pkg, err := build.ImportDir(filepath.Join("..", filepath.FromSlash(p)), 0)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	for _, imp := range pkg.Imports {
		if dep, ok := strings.CutPrefix(imp, module); ok {
			if chain := reaches(t, dep, target, seen); chain != nil {
				return append([]string{p}, chain...)
			}
		}
	}
	return nil
}
