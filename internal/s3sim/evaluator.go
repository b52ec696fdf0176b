package s3sim

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

//go:embed evaluator.js
var evaluatorJS []byte

// iamSimulate is the npm package that decides every request.
const iamSimulate = "@cloud-copilot/iam-simulate"

// evalTimeout bounds the wait for one decision.
const evalTimeout = 20 * time.Second

// evaluator is one node process running evaluator.js, shared by every
// Server of a test binary: starting node with iam-simulate costs about
// 0.4 s of CPU, once instead of once per Server. Calls are serialized.
type evaluator struct {
	mu       sync.Mutex
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	lines    chan string
	nextID   int
	sessions int
	stderr   *lockedBuffer
}

// session is one Server's policies in the shared evaluator.
type session struct {
	e  *evaluator
	id int
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf) < 1<<16 {
		b.buf = append(b.buf, p...)
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// findNodeModules walks up from dir to the first node_modules holding
// iam-simulate.
func findNodeModules(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for range 32 {
		nm := filepath.Join(dir, "node_modules")
		if _, err := os.Stat(filepath.Join(nm, filepath.FromSlash(iamSimulate), "package.json")); err == nil {
			return nm, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("s3sim: %s not found in a node_modules above %s: run npm ci in the repository root", iamSimulate, dir)
}

var shared struct {
	once sync.Once
	e    *evaluator
	err  error
}

// newSession gives the policies of every user and the bucket policy
// (setup) to the shared evaluator, starting it on first use.
func newSession(nodeModules string, setup map[string]any) (*session, error) {
	shared.once.Do(func() { shared.e, shared.err = startEvaluator(nodeModules) })
	if shared.err != nil {
		return nil, shared.err
	}
	e := shared.e
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sessions++
	msg := map[string]any{"session": e.sessions, "setup": setup}
	line, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	if _, err := e.roundTrip(line); err != nil {
		return nil, err
	}
	return &session{e: e, id: e.sessions}, nil
}

// startEvaluator starts node on evaluator.js. The process lives as long
// as the test binary: it ends when its input closes with the binary's
// exit.
func startEvaluator(nodeModules string) (*evaluator, error) {
	dir, err := os.MkdirTemp("", "s3sim-evaluator-")
	if err != nil {
		return nil, err
	}
	// node has read the script once it has answered the first message.
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "evaluator.js")
	if err := os.WriteFile(script, evaluatorJS, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("node", script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+nodeModules)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	e := &evaluator{cmd: cmd, stdin: stdin, lines: make(chan string, 16), stderr: &lockedBuffer{}}
	cmd.Stderr = e.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("s3sim: starting node: %w", err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			e.lines <- sc.Text()
		}
		close(e.lines)
	}()
	if _, err := e.roundTrip([]byte(`{"ping":true}`)); err != nil {
		stdin.Close()
		return nil, err
	}
	return e, nil
}

type evalReply struct {
	ID       int    `json:"id"`
	Decision string `json:"decision"`
	Error    string `json:"error"`
}

func (e *evaluator) roundTrip(line []byte) (evalReply, error) {
	if _, err := e.stdin.Write(append(line, '\n')); err != nil {
		return evalReply{}, fmt.Errorf("s3sim: evaluator: %w (stderr: %s)", err, e.stderr.String())
	}
	select {
	case l, ok := <-e.lines:
		if !ok {
			return evalReply{}, fmt.Errorf("s3sim: evaluator exited (stderr: %s)", e.stderr.String())
		}
		var r evalReply
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			return evalReply{}, fmt.Errorf("s3sim: evaluator answered %q: %w", l, err)
		}
		if r.Error != "" {
			return r, errors.New("s3sim: evaluator: " + r.Error)
		}
		return r, nil
	case <-time.After(evalTimeout):
		return evalReply{}, fmt.Errorf("s3sim: evaluator gave no answer in %s (stderr: %s)", evalTimeout, e.stderr.String())
	}
}

// decide returns "Allowed", "ExplicitlyDenied" or "ImplicitlyDenied".
func (s *session) decide(principal, action, resource string, context map[string]any) (string, error) {
	e := s.e
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextID++
	line, err := json.Marshal(map[string]any{"session": s.id, "id": e.nextID, "principal": principal, "action": action, "resource": resource, "context": context})
	if err != nil {
		return "", err
	}
	r, err := e.roundTrip(line)
	if err != nil {
		return "", err
	}
	if r.ID != e.nextID {
		return "", fmt.Errorf("s3sim: evaluator answered request %d, want %d", r.ID, e.nextID)
	}
	return r.Decision, nil
}

// close drops the session's policies from the evaluator.
func (s *session) close() {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	line, _ := json.Marshal(map[string]any{"session": s.id, "drop": true})
	s.e.roundTrip(line)
}
