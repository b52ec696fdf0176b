// Package contract proves offline what CloudFormation runs at deploy time:
// it runs a custom-resource handler asset exactly as the cloud assembly
// holds it, with Node and the real AWS SDK, against a local fake of the AWS
// endpoint, and feeds it CloudFormation events built from a synthesized
// template. Template assertions cannot see a handler fail; this can.
package contract

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
)

// Request is one HTTP request the fake endpoint received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// JSON decodes the request's body.
func (r Request) JSON() (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		return nil, fmt.Errorf("%s %s: body %q is not a JSON object: %w", r.Method, r.Path, r.Body, err)
	}
	return m, nil
}

// Response is what a custom-resource handler answered CloudFormation.
type Response struct {
	Status             string
	Reason             string
	PhysicalResourceId string
	StackId            string
	RequestId          string
	LogicalResourceId  string
	NoEcho             bool
	Data               map[string]any
}

// responsePath is where the fake takes CloudFormation responses; every
// other path is an AWS API request.
const responsePath = "/cloudformation-response/"

// Fake is a local HTTP server that plays an AWS REST endpoint (Glacier's
// here) and CloudFormation's response URL. It records every request and
// answers success unless told to fail a request.
type Fake struct {
	srv *httptest.Server

	mu        sync.Mutex
	requests  []Request
	responses map[string]Response // by RequestId
	answers   map[string]answer   // by "METHOD path"
	all       *answer             // FailAll's, before any other
}

// answer is a canned HTTP answer: a JSON body, or an AWS error when code
// is set.
type answer struct {
	status        int
	body          any
	code, message string
}

// NewFake starts a fake endpoint on 127.0.0.1.
func NewFake() *Fake {
	f := &Fake{responses: map[string]Response{}, answers: map[string]answer{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the fake's base URL, for AWS_ENDPOINT_URL_<SERVICE>.
func (f *Fake) URL() string { return f.srv.URL }

// ResponseURL is the URL a handler should answer the event with requestID
// on.
func (f *Fake) ResponseURL(requestID string) string {
	return f.srv.URL + responsePath + requestID
}

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// Fail makes the fake answer method and path with an AWS JSON error until
// Heal is called.
func (f *Fake) Fail(method, path string, status int, code, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[method+" "+path] = answer{status: status, code: code, message: message}
}

// Answer makes the fake answer method and path with status and body as
// JSON until Heal is called.
func (f *Fake) Answer(method, path string, status int, body any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[method+" "+path] = answer{status: status, body: body}
}

// FailAll makes the fake answer every API request with an AWS JSON error
// until Heal is called: an account the service refuses as a whole.
func (f *Fake) FailAll(status int, code, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.all = &answer{status: status, code: code, message: message}
}

// Heal forgets every Fail, FailAll and Answer: the fake answers every
// request with success again.
func (f *Fake) Heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.answers)
	f.all = nil
}

// Take returns the API requests received since the last Take.
func (f *Fake) Take() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

// Response returns the handler's answer to the event with requestID.
func (f *Fake) Response(requestID string) (Response, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.responses[requestID]
	return r, ok
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	if id, ok := strings.CutPrefix(r.URL.Path, responsePath); ok {
		var resp Response
		if r.Method != http.MethodPut || json.Unmarshal(body, &resp) != nil {
			http.Error(w, "CloudFormation takes a PUT of a JSON response", http.StatusBadRequest)
			return
		}
		f.responses[id] = resp
		return
	}

	f.requests = append(f.requests, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body,
	})
	a, ok := f.answers[r.Method+" "+r.URL.Path]
	if f.all != nil {
		a, ok = *f.all, true
	}
	if ok {
		w.Header().Set("Content-Type", "application/json")
		if a.code != "" {
			// AWS JSON protocols name the error in this header and in the body.
			w.Header().Set("X-Amzn-Errortype", a.code)
			w.WriteHeader(a.status)
			json.NewEncoder(w).Encode(map[string]string{"code": a.code, "message": a.message, "type": "Client"})
			return
		}
		w.WriteHeader(a.status)
		json.NewEncoder(w).Encode(a.body)
		return
	}
	// SNS speaks the AWS query protocol: a form with Action=Publish, and
	// an XML answer.
	if r.Method == http.MethodPost && r.URL.Path == "/" {
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") == "Publish" {
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">`+
				`<PublishResult><MessageId>%d</MessageId></PublishResult>`+
				`<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></PublishResponse>`, len(f.requests))
			return
		}
	}
	// Glacier answers CreateVault with 201 and the vault's location, and
	// every other call the stack makes with 204 and no body.
	if r.Method == http.MethodPut && strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 2 {
		w.Header().Set("Location", r.URL.Path)
		w.WriteHeader(http.StatusCreated)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
