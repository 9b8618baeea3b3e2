//go:build ignore

// Command uncovered-mutants runs the mutants that gremlins reports NOT COVERED.
//
// gremlins decides whether a mutant is covered from go test's cover profile, whose
// blocks hold statements. The expression of a switch's case clause and a package-level
// declaration lie in no block, so gremlins reports their mutants NOT COVERED without
// running them, even where every test reaches them. This command applies each of those
// mutants itself, in a copy of the module, runs the package's tests, and prints one of:
//
//	KILLED      the tests fail (or time out)
//	LIVED       the tests pass: a behaviour no test checks, or an equivalent mutant
//	NOT VIABLE  the mutant does not compile (+ between strings, a constant overflow)
//
// Usage, from the module's root (scripts/mutation.sh runs it after gremlins):
//
//	go run scripts/uncovered-mutants.go bench-out/mutation-mesh.json .
//	go run scripts/uncovered-mutants.go bench-out/mutation-webhook.json ./webhook
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// results is the part of gremlins' JSON output this command reads.
type results struct {
	Files []struct {
		Name      string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

type mutant struct {
	file, kind   string
	line, column int
}

func (m mutant) String() string {
	return fmt.Sprintf("%s at %s:%d:%d", m.kind, m.file, m.line, m.column)
}

// swaps are gremlins' mutators, operator by operator.
var swaps = map[string]map[string]string{
	"CONDITIONALS_BOUNDARY": {"<": "<=", "<=": "<", ">": ">=", ">=": ">"},
	"CONDITIONALS_NEGATION": {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"},
	"ARITHMETIC_BASE":       {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*"},
	"INCREMENT_DECREMENT":   {"++": "--", "--": "++"},
	"INVERT_LOGICAL":        {"&&": "||", "||": "&&"},
}

const workers = 2

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/uncovered-mutants.go GREMLINS-OUTPUT.json PACKAGE-DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "uncovered-mutants:", err)
		os.Exit(1)
	}
}

func run(resultsFile, pkg string) error {
	b, err := os.ReadFile(resultsFile)
	if err != nil {
		return err
	}
	var r results
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: %w", resultsFile, err)
	}
	var todo []mutant
	count := map[string]int{} // by status, gremlins' and ours together
	for _, f := range r.Files {
		for _, m := range f.Mutations {
			switch m.Status {
			case "NOT COVERED":
				todo = append(todo, mutant{file: filepath.Join(pkg, f.Name), kind: m.Type, line: m.Line, column: m.Column})
			case "TIMED OUT":
				count["KILLED"]++ // as gremlins counts it
			default:
				count[m.Status]++
			}
		}
	}
	fmt.Printf("%d mutants gremlins did not run\n", len(todo))

	if len(todo) > 0 {
		if err := runAll(todo, pkg, count); err != nil {
			return err
		}
	}
	killed, lived := count["KILLED"], count["LIVED"]
	fmt.Printf("%s, all mutants: killed %d, lived %d, not viable %d, errors %d; efficacy %.1f%%\n",
		pkg, killed, lived, count["NOT VIABLE"], count["ERROR"], 100*float64(killed)/float64(max(killed+lived, 1)))
	if count["ERROR"] > 0 {
		return errors.New("some mutants could not be applied")
	}
	return nil
}

// runAll applies and tests each mutant, two at a time, adding their statuses to count.
func runAll(todo []mutant, pkg string, count map[string]int) error {
	// Each worker mutates its own copy of the module, so that the tree stays as it is.
	copies := make([]string, workers)
	for i := range copies {
		dir, err := os.MkdirTemp("", "uncovered-mutants-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := copyModule(dir); err != nil {
			return err
		}
		copies[i] = dir
	}
	start := time.Now()
	if status, out := test(copies[0], pkg, 10*time.Minute); status != "LIVED" {
		return fmt.Errorf("the tests fail before any mutation:\n%s", out)
	}
	timeout := 4*time.Since(start) + 30*time.Second // gremlins' coefficient, and room for the build

	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		next = make(chan mutant)
	)
	for _, dir := range copies {
		wg.Go(func() {
			for m := range next {
				status, detail, err := apply(dir, pkg, m, timeout)
				if err != nil {
					status, detail = "ERROR", ": "+err.Error()
				}
				mu.Lock()
				fmt.Printf("%s: %s%s\n", m, status, detail)
				count[status]++
				mu.Unlock()
			}
		})
	}
	for _, m := range todo {
		next <- m
	}
	close(next)
	wg.Wait()
	return nil
}

// copyModule copies the module's files, without .git and bench-out, into dir.
func copyModule(dir string) error {
	entries, err := os.ReadDir(".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == ".git" || e.Name() == "bench-out" {
			continue
		}
		if out, err := exec.Command("cp", "-R", e.Name(), dir).CombinedOutput(); err != nil {
			return fmt.Errorf("copying the module: %v: %s", err, out)
		}
	}
	return nil
}

// apply mutates m in the copy dir, tests the package, and puts the file back.
func apply(dir, pkg string, m mutant, timeout time.Duration) (status, detail string, err error) {
	path := filepath.Join(dir, m.file)
	src, err := os.ReadFile(path)
	if err != nil {
		return "", "", err
	}
	defer func() {
		if werr := os.WriteFile(path, src, 0o644); werr != nil && err == nil {
			err = werr
		}
	}()
	at, err := offset(src, m.line, m.column)
	if err != nil {
		return "", "", err
	}
	op, to := "", ""
	for from, repl := range swaps[m.kind] { // the longest operator at the position
		if bytes.HasPrefix(src[at:], []byte(from)) && len(from) > len(op) {
			op, to = from, repl
		}
	}
	if op == "" {
		return "", "", fmt.Errorf("no %s operator at %d:%d", m.kind, m.line, m.column)
	}
	mutated := append(append(append([]byte{}, src[:at]...), to...), src[at+len(op):]...)
	if err := os.WriteFile(path, mutated, 0o644); err != nil {
		return "", "", err
	}
	build := exec.Command("go", "build", pkg)
	build.Dir = dir
	if build.Run() != nil {
		return "NOT VIABLE", "", nil
	}
	var out []byte
	status, out = test(dir, pkg, timeout)
	if status == "KILLED" { // by which test, so that a kill can be checked
		if i := bytes.Index(out, []byte("--- FAIL: ")); i >= 0 {
			name, _, _ := bytes.Cut(out[i+len("--- FAIL: "):], []byte(" "))
			detail = " by " + string(name)
		} else if bytes.Contains(out, []byte("panic: test timed out")) {
			detail = " by timeout"
		}
	}
	return status, detail, nil
}

// test runs the package's tests in dir: LIVED if they pass, else KILLED.
func test(dir, pkg string, timeout time.Duration) (string, []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-failfast", "-timeout", timeout.String(), pkg)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "KILLED", out
	}
	return "LIVED", out
}

// offset is the byte offset of line:column (both from 1, column in bytes).
func offset(src []byte, line, column int) (int, error) {
	at := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[at:], '\n')
		if i < 0 {
			return 0, fmt.Errorf("no line %d", line)
		}
		at += i + 1
	}
	if at+column-1 >= len(src) {
		return 0, fmt.Errorf("no column %d on line %d", column, line)
	}
	return at + column - 1, nil
}
