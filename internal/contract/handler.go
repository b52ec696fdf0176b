package contract

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
	"strings"
	"sync"
	"time"
)

//go:embed runner.js
var runnerJS []byte

// Handler is a custom-resource handler asset running in one Node process,
// as Lambda runs it: loaded once, then fed one event at a time.
type Handler struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // the runner's stdout, closed when it exits
	logs   *syncBuffer
	runner string
}

// invokeTimeout bounds one event: a handler that never answers fails the
// test instead of hanging it. Lambda would stop it after the function's
// timeout (2 minutes for AwsCustomResource).
const invokeTimeout = 60 * time.Second

// HandlerEnv is the environment a handler runs with: only what a Lambda
// function would have, pointed at the fake endpoint. Nothing from the
// caller's environment (a real AWS profile, say) reaches it.
func HandlerEnv(nodeModules, region string, endpoints map[string]string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.TempDir(),
		"NODE_PATH=" + nodeModules,
		"AWS_REGION=" + region,
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	for service, url := range endpoints {
		env = append(env, "AWS_ENDPOINT_URL_"+strings.ToUpper(service)+"="+url)
	}
	return env
}

// StartHandler starts Node on the handler (as "file.export", the Lambda
// function's Handler property) in assetDir: an asset directory of the
// cloud assembly, or a directory holding a function's inline code.
func StartHandler(assetDir, handler string, env []string) (*Handler, error) {
	if !strings.Contains(handler, ".") {
		return nil, fmt.Errorf("handler %q: want file.export", handler)
	}
	tmp, err := os.CreateTemp("", "contract-runner-*.js")
	if err != nil {
		return nil, err
	}
	if _, err := tmp.Write(runnerJS); err != nil {
		tmp.Close()
		return nil, err
	}
	tmp.Close()
	abs, err := filepath.Abs(assetDir)
	if err != nil {
		return nil, err
	}
	h := &Handler{logs: &syncBuffer{}, runner: tmp.Name()}
	h.cmd = exec.Command("node", tmp.Name(), abs, handler)
	h.cmd.Env = env
	h.cmd.Stderr = h.logs
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := h.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := h.cmd.Start(); err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("start node: %w", err)
	}
	h.lines = make(chan string)
	go func() {
		defer close(h.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
	}()
	return h, nil
}

// Invoke sends one event and waits until the handler has finished with it
// (and so has answered CloudFormation, if it did).
func (h *Handler) Invoke(event map[string]any) error {
	_, err := h.Call(event)
	return err
}

// Call sends one event and returns what the handler returned, as JSON.
func (h *Handler) Call(event map[string]any) (json.RawMessage, error) {
	b, err := json.Marshal(event)
	if err != nil {
		return nil, err
	}
	if _, err := h.stdin.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("send event: %w; handler logs:\n%s", err, h.Logs())
	}
	select {
	case line, ok := <-h.lines:
		if !ok {
			return nil, fmt.Errorf("handler stopped; its logs:\n%s", h.Logs())
		}
		result, done := strings.CutPrefix(line, "done ")
		if !done {
			return nil, fmt.Errorf("handler threw: %s", strings.TrimPrefix(line, "error "))
		}
		return json.RawMessage(result), nil
	case <-time.After(invokeTimeout):
		h.cmd.Process.Kill()
		return nil, fmt.Errorf("handler did not finish within %v; its logs:\n%s", invokeTimeout, h.Logs())
	}
}

// Logs is what the handler has logged so far.
func (h *Handler) Logs() string { return h.logs.String() }

// Close stops the handler.
func (h *Handler) Close() error {
	defer os.Remove(h.runner)
	h.stdin.Close()
	err := h.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Errorf("handler exited: %w; logs:\n%s", err, h.Logs())
	}
	return err
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
