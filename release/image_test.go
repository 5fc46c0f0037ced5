// Package release holds what turns the binaries into things users install
// (issue 20): the container images' Containerfiles, tested here through the
// Makefile targets that build them. The archives of make dist come from
// GoReleaser (.goreleaser.yaml at the root).
package release

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testVersion is stamped into the binaries the tests build (make VERSION=...).
const testVersion = "v0.0.0-release-test"

// requireContainers: .ci/run sets it where it installed podman or buildah, so
// a skipped image test would hide a failure.
const requireContainers = "NEBEUS_REQUIRE_CONTAINERS"

// binaries are the images' entry points, one image each.
var binaries = []string{"nebeus-mock", "nebeus-conformance"}

var (
	contextOnce sync.Once
	contextDir  string
	contextErr  error
)

// imageContext runs make image-context once for the package: the static
// linux binaries stamped with testVersion and the CA bundle.
func imageContext(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("release binaries are checked on linux only (they are run here)")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not found: the release targets are make targets")
	}
	contextOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nebeus-image-context-")
		if err != nil {
			contextErr = err
			return
		}
		contextDir = dir
		contextErr = runMake(nil, "image-context", "IMAGE_CONTEXT="+dir, "VERSION="+testVersion)
	})
	if contextErr != nil {
		t.Fatal(contextErr)
	}
	return contextDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if contextDir != "" {
		os.RemoveAll(contextDir)
	}
	os.Exit(code)
}

// runMake runs a target of the repository's Makefile, outside any make
// that runs the tests (its MAKEFLAGS are not passed on).
func runMake(extraEnv []string, args ...string) error {
	cmd := exec.Command("make", append([]string{"-s", "-C", ".."}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MAKEFLAGS=") && !strings.HasPrefix(kv, "MFLAGS=") && !strings.HasPrefix(kv, "MAKELEVEL=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, extraEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("make %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// Issue 20: the binaries the images hold are static (CGO_ENABLED=0: no
// dynamic loader, no shared library, so FROM scratch runs them) and say the
// version the build stamped.
func TestImageBinariesAreStaticAndStamped(t *testing.T) {
	dir := imageContext(t)
	for _, b := range binaries {
		p := filepath.Join(dir, b)
		f, err := elf.Open(p)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP || prog.Type == elf.PT_DYNAMIC {
				t.Errorf("%s is dynamically linked (program header %v): built with cgo?", b, prog.Type)
			}
		}
		if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
			t.Errorf("%s needs shared libraries %v", b, libs)
		}
		f.Close()
		out, err := exec.Command(p, "--version").CombinedOutput()
		if err != nil {
			t.Fatalf("%s --version: %v\n%s", b, err, out)
		}
		if want := b + " " + testVersion + " ("; !strings.HasPrefix(string(out), want) {
			t.Errorf("%s --version printed %q, want it to start with %q (the stamped version)", b, out, want)
		}
	}
}

// Issue 20: the binaries users unpack need nothing from this repository
// (the contract and the fixtures are built in): started in an empty folder
// with no NEBEUS_* variable, the mock serves, and the suite finds it
// conforming; given a page of their own in that folder (items 4 and 17.1:
// --page, its include beside it), both read that page instead.
func TestImageBinariesWorkOutsideTheRepository(t *testing.T) {
	dir := imageContext(t)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEBEUS_") {
			env = append(env, kv)
		}
	}
	t.Run("embedded contract", func(t *testing.T) {
		work := t.TempDir()
		base := startUnpackedMock(t, dir, work, env)
		resp, err := http.Post(base+"/get_countries/1.0/json", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("get_countries: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		runUnpackedSuite(t, dir, work, env, "--base-url", base, "--label-filter", "readonly")
	})
	t.Run("a page given at run time", func(t *testing.T) {
		work := t.TempDir()
		src := filepath.Join("..", "spec", "runcontract", "testdata", "widgets")
		for _, f := range []string{"index.html.md", "overlay.yaml", filepath.Join("includes", "_errors.md")} {
			b, err := os.ReadFile(filepath.Join(src, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(work, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(work, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		page := []string{"--page", "index.html.md", "--overlay", "overlay.yaml"}
		base := startUnpackedMock(t, dir, work, env, page...)
		out := runUnpackedSuite(t, dir, work, env, append(page, "--base-url", base, "--steps", "0")...)
		if !strings.Contains(out, "widgets_get") || strings.Contains(out, "signup") {
			t.Errorf("the suite did not check the page's operations:\n%s", out)
		}
	})
}

// startUnpackedMock starts the mock binary in dir from the folder work, on
// a free loopback port, and returns its base URL from its banner.
func startUnpackedMock(t *testing.T, dir, work string, env []string, args ...string) string {
	t.Helper()
	mock := exec.Command(filepath.Join(dir, "nebeus-mock"), append([]string{"--addr", "127.0.0.1:0", "--log-level", "error"}, args...)...)
	mock.Dir, mock.Env = work, env
	stdout, err := mock.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mock.Process.Signal(syscall.SIGTERM)
		mock.Wait()
	})
	baseURL := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "nebeus-mock: listening on "); ok {
				baseURL <- u
			}
		}
	}()
	select {
	case base := <-baseURL:
		return base
	case <-time.After(30 * time.Second):
		t.Fatal("the mock printed no banner within 30s")
		return ""
	}
}

// runUnpackedSuite runs the conformance binary in dir from the folder work
// and returns its output; it must conform.
func runUnpackedSuite(t *testing.T, dir, work string, env []string, args ...string) string {
	t.Helper()
	suite := exec.Command(filepath.Join(dir, "nebeus-conformance"), append([]string{"--no-color", "--seed", "1"}, args...)...)
	suite.Dir, suite.Env = work, env
	out, err := suite.CombinedOutput()
	if err != nil {
		t.Fatalf("nebeus-conformance against the unpacked mock: %v\n%s", err, out)
	}
	return string(out)
}

// containerTool is podman or buildah, run against a private store under
// dir (vfs: no overlay mounts needed, no daemon), so the test touches no
// image the machine has.
func containerTool(t *testing.T, dir string) []string {
	t.Helper()
	for _, name := range []string{"podman", "buildah"} {
		if p, err := exec.LookPath(name); err == nil {
			return []string{p, "--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "runroot"), "--storage-driver", "vfs"}
		}
	}
	msg := "container image test SKIPPED: neither podman nor buildah found (apt-get install podman)"
	if os.Getenv(requireContainers) != "" {
		t.Fatalf("%s, but %s is set", msg, requireContainers)
	}
	t.Skip(msg)
	return nil
}

// imageConfig is the part of an image's configuration the test checks.
type imageConfig struct {
	OS     string `json:"os"`
	Config struct {
		User         string              `json:"User"`
		Env          []string            `json:"Env"`
		Entrypoint   []string            `json:"Entrypoint"`
		Cmd          []string            `json:"Cmd"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
		Labels       map[string]string   `json:"Labels"`
	} `json:"config"`
}

// imageFile is a regular file of an image's layers.
type imageFile struct {
	mode int64
	data []byte
}

// Issue 20: make images builds the nebeus-mock and nebeus-conformance
// images FROM scratch: each holds its static binary and the CA bundle and
// nothing else (no base image's files), runs as a non-root user, and has
// the binary as its entry point.
func TestImages(t *testing.T) {
	ctx := imageContext(t)
	store := t.TempDir()
	tool := containerTool(t, store)
	t.Cleanup(func() {
		// Before the store's folder goes: images and layers removed by
		// the tool that wrote them (a rootless one maps their owners).
		rm := append(slices.Clone(tool), "rmi", "--all", "--force")
		exec.Command(rm[0], rm[1:]...).Run()
	})
	if err := runMake(nil, "images", "IMAGE_CONTEXT="+ctx, "VERSION="+testVersion, "CONTAINER_TOOL="+strings.Join(tool, " ")); err != nil {
		t.Fatal(err)
	}
	crt, err := os.ReadFile(filepath.Join(ctx, "ca-certificates.crt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range binaries {
		t.Run(b, func(t *testing.T) {
			bin, err := os.ReadFile(filepath.Join(ctx, b))
			if err != nil {
				t.Fatal(err)
			}
			archive := filepath.Join(store, b+".tar")
			ref := "localhost/" + b + ":" + testVersion
			export := append(slices.Clone(tool), "save", "--format", "docker-archive", "-o", archive, ref)
			if filepath.Base(tool[0]) == "buildah" {
				export = append(slices.Clone(tool), "push", ref, "docker-archive:"+archive)
			}
			if out, err := exec.Command(export[0], export[1:]...).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", strings.Join(export, " "), err, out)
			}
			cfg, files := readDockerArchive(t, archive)

			want := map[string][]byte{b: bin, "etc/ssl/certs/ca-certificates.crt": crt}
			for name, f := range files {
				w, ok := want[name]
				switch {
				case !ok:
					t.Errorf("the image holds %s, which no Containerfile line puts there (a base image?)", name)
				case !bytes.Equal(f.data, w):
					t.Errorf("the image's %s is not the file of make image-context", name)
				}
			}
			for name := range want {
				if _, ok := files[name]; !ok {
					t.Errorf("the image lacks %s", name)
				}
			}
			if f, ok := files[b]; ok && f.mode&0o005 != 0o005 {
				t.Errorf("%s has mode %o: the non-root user cannot run it", b, f.mode)
			}

			if cfg.OS != "linux" {
				t.Errorf("os %q", cfg.OS)
			}
			uid, _, _ := strings.Cut(cfg.Config.User, ":")
			if uid == "" || uid == "0" || uid == "root" {
				t.Errorf("the image runs as %q: want a non-root user", cfg.Config.User)
			}
			if !slices.Equal(cfg.Config.Entrypoint, []string{"/" + b}) || len(cfg.Config.Cmd) != 0 {
				t.Errorf("entrypoint %q cmd %q, want [/%s] and no cmd (arguments go to the binary)", cfg.Config.Entrypoint, cfg.Config.Cmd, b)
			}
			if v := cfg.Config.Labels["org.opencontainers.image.version"]; v != testVersion {
				t.Errorf("version label %q, want %q", v, testVersion)
			}
			if b == "nebeus-mock" {
				// A container's loopback is its own: the mock listens on every
				// interface there, on the port the image exposes.
				if !slices.Contains(cfg.Config.Env, "NEBEUS_MOCK_ADDR=0.0.0.0:8080") {
					t.Errorf("env %q lacks NEBEUS_MOCK_ADDR=0.0.0.0:8080", cfg.Config.Env)
				}
				if _, ok := cfg.Config.ExposedPorts["8080/tcp"]; !ok {
					t.Errorf("exposed ports %v lack 8080/tcp", cfg.Config.ExposedPorts)
				}
			}
		})
	}
}

// readDockerArchive reads an image saved as a docker-archive: its
// configuration and the regular files of its layers, applied in order.
func readDockerArchive(t *testing.T, archive string) (imageConfig, map[string]imageFile) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", archive, err)
		}
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			entries[h.Name] = b
		}
	}
	var manifest []struct {
		Config string
		Layers []string
	}
	if err := json.Unmarshal(entries["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("%s: manifest.json: %v (%d images)", archive, err, len(manifest))
	}
	var cfg imageConfig
	if err := json.Unmarshal(entries[manifest[0].Config], &cfg); err != nil {
		t.Fatalf("%s: config %s: %v", archive, manifest[0].Config, err)
	}
	files := map[string]imageFile{}
	for _, l := range manifest[0].Layers {
		layer, ok := entries[l]
		if !ok {
			t.Fatalf("%s: layer %s missing", archive, l)
		}
		var r io.Reader = bytes.NewReader(layer)
		if bytes.HasPrefix(layer, []byte{0x1f, 0x8b}) {
			if r, err = gzip.NewReader(r); err != nil {
				t.Fatal(err)
			}
		}
		lr := tar.NewReader(r)
		for {
			h, err := lr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: layer %s: %v", archive, l, err)
			}
			name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
			switch {
			case strings.HasPrefix(path.Base(name), ".wh."):
				delete(files, path.Join(path.Dir(name), strings.TrimPrefix(path.Base(name), ".wh.")))
			case h.Typeflag == tar.TypeDir:
			case h.Typeflag == tar.TypeReg:
				b, err := io.ReadAll(lr)
				if err != nil {
					t.Fatal(err)
				}
				files[name] = imageFile{mode: h.Mode, data: b}
			default: // a link or a device: nothing a Containerfile line here makes
				files[name] = imageFile{mode: h.Mode}
			}
		}
	}
	return cfg, files
}
