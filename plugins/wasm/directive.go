package wasm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// BuildDirective is the go:generate line with which a plugin written in
// Go builds its module, as `riposte plugin init` writes it:
//
//	//go:generate env GOOS=wasip1 GOARCH=wasm go build … -o NAME.wasm .
//
// `riposte plugin test` and the seed's tests build modules with it.
type BuildDirective struct {
	File   string   // the Go file that holds it, as FindBuildDirective was given it
	Env    []string // VAR=value pairs env adds to the environment
	Args   []string // the arguments of the go command: build, its flags, -o NAME.wasm, the package
	Output int      // the index in Args of the module's file name
}

// Module is the module's file name as the directive writes it: relative
// to the directive's folder, slash-separated.
func (d BuildDirective) Module() string { return d.Args[d.Output] }

// FindBuildDirective finds the directive that builds a module among the
// Go files of dir, tests aside, in the order of their names. It reports
// false when none has one.
func FindBuildDirective(dir string) (BuildDirective, bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return BuildDirective{}, false, err
	}
	slices.Sort(files)
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := os.Open(file)
		if err != nil {
			return BuildDirective{}, false, err
		}
		d, ok, err := ScanBuildDirective(f, file)
		f.Close()
		if err != nil || ok {
			return d, ok, err
		}
	}
	return BuildDirective{}, false, nil
}

// ScanBuildDirective reads the go:generate lines of a Go file, named name
// in messages, and returns the first that builds a module.
func ScanBuildDirective(r io.Reader, name string) (BuildDirective, bool, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "//go:generate ")
		if !ok {
			continue
		}
		words, err := SplitDirective(line)
		if err != nil {
			return BuildDirective{}, false, fmt.Errorf("%s: //go:generate %s: %w", name, line, err)
		}
		if d, ok := ParseBuildDirective(words); ok {
			d.File = name
			return d, true, nil
		}
	}
	return BuildDirective{}, false, sc.Err()
}

// ParseBuildDirective recognises the words of a module's build:
// env VAR=value… go build … -o NAME.wasm ….
func ParseBuildDirective(words []string) (BuildDirective, bool) {
	if len(words) == 0 || words[0] != "env" {
		return BuildDirective{}, false
	}
	var d BuildDirective
	i := 1
	for ; i < len(words) && strings.Contains(words[i], "="); i++ {
		d.Env = append(d.Env, words[i])
	}
	if i+1 >= len(words) || words[i] != "go" || words[i+1] != "build" {
		return BuildDirective{}, false
	}
	d.Args = words[i+1:]
	o := slices.Index(d.Args, "-o")
	if o < 0 || o+1 >= len(d.Args) || !strings.HasSuffix(d.Args[o+1], ".wasm") {
		return BuildDirective{}, false
	}
	d.Output = o + 1
	return d, true
}

// SplitDirective splits a go:generate line into words as `go generate`
// does: on spaces and tabs, a double-quoted word being one Go string.
func SplitDirective(line string) ([]string, error) {
	var words []string
	for line = strings.TrimLeft(line, " \t"); line != ""; line = strings.TrimLeft(line, " \t") {
		if line[0] != '"' {
			end := strings.IndexAny(line, " \t")
			if end < 0 {
				end = len(line)
			}
			words, line = append(words, line[:end]), line[end:]
			continue
		}
		quoted, err := strconv.QuotedPrefix(line)
		if err != nil {
			return nil, errors.New("unterminated quoted string")
		}
		word, _ := strconv.Unquote(quoted)
		words, line = append(words, word), line[len(quoted):]
	}
	return words, nil
}
