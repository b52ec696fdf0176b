// Package s3sim is a local S3 server for tests that answers as a real
// Amazon S3 bucket does where backup clients and checks notice: an
// in-memory S3 (gofakes3) behind a front that authorizes every request
// with the IAM actions AWS authorizes it with, decided against the given
// IAM policies by an evaluator that is not this project's code
// (@cloud-copilot/iam-simulate, run by node from the repository's
// node_modules), and that adds the bucket behaviours gofakes3 lacks.
//
// Start serves one bucket on 127.0.0.1 (HTTPS by default, so the
// aws:SecureTransport condition is true as it is against AWS):
//
//	srv := s3sim.Start(t, s3sim.Options{
//		Bucket:           "photos",
//		Versioning:       true,
//		ObjectLock:       true,
//		DefaultRetention: &s3sim.Retention{Mode: "GOVERNANCE", Days: 90},
//		Users: []s3sim.User{{AccessKeyID: "AKIA...", SecretAccessKey: "...",
//			Arn: "arn:aws:iam::111122223333:user/photos-user", Policies: []json.RawMessage{userPolicy}}},
//		BucketPolicy: bucketPolicy,
//	})
//	// srv.URL is the endpoint (https://127.0.0.1:<port>, path style),
//	// srv.CACertFile the certificate to trust (SSL_CERT_FILE for a Go
//	// client such as rclone or restic, CertPool() in Go), srv.Client() an
//	// http.Client that trusts it, and srv.ProxyURL an HTTPS_PROXY through
//	// which a client configured for AWS itself (no endpoint setting,
//	// virtual-hosted <bucket>.s3.<region>.amazonaws.com) reaches the
//	// server without resolving a name or leaving 127.0.0.1.
//	// srv.Log() lists each request with its authorizations and answer.
//
// To seed faults, give Options that differ from a good bucket: Versioning
// false, no DefaultRetention, ACLsEnabled, or policies of your own (a
// Template's UserPolicies and BucketPolicy are plain JSON to edit).
//
// [FromTemplate] reads the user's policies and the bucket policy of a
// synthesized CloudFormation template, with its intrinsic functions
// resolved, so a test decides with exactly what cdk synth wrote.
//
// What it does as the bucket does:
//   - every request is mapped to its IAM actions (the ACL, tagging, Object
//     Lock, copy-source and bypass headers add theirs; a multi-object delete
//     is one authorization per key), each decided by the evaluator with the
//     user's identity policies and the bucket policy; any decision other
//     than Allowed answers 403 AccessDenied naming the action. A request
//     that cannot be mapped answers 501 NotImplemented and fails the test
//     that started the server;
//   - with ACLs disabled (the default: ObjectOwnership BucketOwnerEnforced)
//     an ACL header other than bucket-owner-full-control, or a grant header,
//     answers 400 AccessControlListNotSupported (checked before the
//     policies);
//   - with Object Lock, an upload (PutObject, UploadPart) with neither
//     Content-MD5 nor an x-amz-checksum-* / x-amz-sdk-checksum-algorithm
//     header answers 400 InvalidRequest when a default retention is set or
//     the upload carries Object Lock headers; each new version gets the
//     default retention, and deleting a version before its retention ends
//     answers 403 AccessDenied unless governance bypass is asked for (and
//     authorized);
//   - GetBucketLocation answers Options.Region; GetObjectLockConfiguration,
//     GetBucketOwnershipControls and GetBucketPolicy answer from Options;
//     GetBucketVersioning reflects Options.Versioning; CreateBucket of the
//     served bucket answers as AWS does for a bucket you own.
//
// What it does not do: verify signatures (the access key ID in the
// credential scope picks the user), serve more than the one bucket's
// configuration, or implement lifecycle, encryption, public access block,
// legal holds and restores beyond authorizing them (501 once allowed).
//
// Traffic goes to 127.0.0.1 only; the server and the node process stop
// when the test ends.
package s3sim

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Options describe the served bucket and who may use it.
type Options struct {
	// Bucket is the name of the one bucket served; it exists from the
	// start. Required.
	Bucket string
	// Region is the bucket's region (GetBucketLocation). Default us-east-1.
	Region string
	// Partition builds ARNs. Default "aws".
	Partition string
	// Account is the account that owns the bucket and the users. Default
	// 111122223333.
	Account string
	// Versioning turns versioning on. Default off, as S3's.
	Versioning bool
	// ObjectLock turns Object Lock on for the bucket.
	ObjectLock bool
	// DefaultRetention is the bucket's default Object Lock retention; it
	// needs ObjectLock. Default none.
	DefaultRetention *Retention
	// ACLsEnabled leaves ACLs enabled (ObjectOwnership ObjectWriter).
	// Default false: BucketOwnerEnforced, ACLs disabled, S3's default for
	// new buckets since April 2023.
	ACLsEnabled bool
	// Users are the IAM users whose access keys the server accepts.
	Users []User
	// BucketPolicy is the bucket policy document (JSON); nil for none.
	BucketPolicy json.RawMessage
	// PlainHTTP serves http:// instead of https:// (aws:SecureTransport is
	// then false, as it is for a plain-HTTP request to AWS).
	PlainHTTP bool
	// NodeModules is the node_modules folder holding
	// @cloud-copilot/iam-simulate. Default: the first found above the
	// working directory.
	NodeModules string
}

// User is an IAM user: the access key it signs with, its ARN and the
// identity policies (JSON documents) attached to it.
type User struct {
	AccessKeyID     string
	SecretAccessKey string
	Arn             string
	Policies        []json.RawMessage
}

// Retention is an Object Lock retention: Mode GOVERNANCE or COMPLIANCE,
// for Days.
type Retention struct {
	Mode string
	Days int
}

// Entry is one request as the server saw and answered it.
type Entry struct {
	Method string
	// Path is the URL path ("/bucket/key"), Query the raw query.
	Path, Query string
	// User is the ARN of the signing user ("" when unsigned or unknown).
	User string
	// Authz are the authorizations the request needed, with decisions.
	Authz []Authz
	// Unmapped says why the request could not be mapped to IAM actions.
	Unmapped string
	// Status is the HTTP status answered; Code the S3 error code, if any.
	Status int
	Code   string
}

// Refused reports whether the policies refused the request.
func (e Entry) Refused() bool {
	for _, a := range e.Authz {
		if a.Decision != "Allowed" {
			return true
		}
	}
	return false
}

// Actions lists the request's IAM actions.
func (e Entry) Actions() []string {
	out := make([]string, len(e.Authz))
	for i, a := range e.Authz {
		out[i] = a.Action
	}
	return out
}

func (e Entry) String() string {
	s := fmt.Sprintf("%s %s", e.Method, e.Path)
	if e.Query != "" {
		s += "?" + e.Query
	}
	var as []string
	for _, a := range e.Authz {
		as = append(as, a.Action+"="+a.Decision)
	}
	s += fmt.Sprintf(" [%s] -> %d %s", strings.Join(as, " "), e.Status, e.Code)
	if e.Unmapped != "" {
		s += " (unmapped: " + e.Unmapped + ")"
	}
	return s
}

// Server is a running simulated bucket.
type Server struct {
	// URL is the endpoint, "https://127.0.0.1:<port>" (http:// with
	// PlainHTTP).
	URL string
	// CACertFile is a PEM file with the certificate to trust (empty with
	// PlainHTTP). It is valid for 127.0.0.1 and for the S3 host names of
	// the region (s3.<region>.amazonaws.com, s3.amazonaws.com, and the
	// virtual-hosted <bucket>. names under both).
	CACertFile string
	// ProxyURL is an HTTP proxy on 127.0.0.1 ("http://127.0.0.1:<port>")
	// that tunnels CONNECT requests for *.amazonaws.com:443 to this server
	// and refuses everything else, so a client configured for AWS itself
	// (no endpoint setting, virtual-hosted bucket names) reaches the
	// server with HTTPS_PROXY set, resolving no name and sending nothing
	// beyond 127.0.0.1. Empty with PlainHTTP.
	ProxyURL string

	opts    Options
	http    *httptest.Server
	proxy   *httptest.Server
	faker   http.Handler
	backend *s3mem.Backend
	eval    *session
	users   map[string]User

	mu     sync.Mutex
	log    []Entry
	locks  map[string]lock   // "key\x00version" -> retention
	etags  map[string]string // "key\x00version" -> multipart ETag
	errors []string
}

type lock struct {
	mode  string
	until time.Time
}

// Start serves the bucket until the test ends. Problems starting it fail
// the test at once.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Bucket == "" {
		t.Fatal("s3sim: Options.Bucket is required")
	}
	if o.DefaultRetention != nil && !o.ObjectLock {
		t.Fatal("s3sim: Options.DefaultRetention needs ObjectLock")
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Partition == "" {
		o.Partition = "aws"
	}
	if o.Account == "" {
		o.Account = "111122223333"
	}
	nm := o.NodeModules
	if nm == "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		if nm, err = findNodeModules(wd); err != nil {
			t.Fatal(err)
		}
	}
	users := map[string][]json.RawMessage{}
	byKey := map[string]User{}
	for _, u := range o.Users {
		if u.AccessKeyID == "" || u.Arn == "" {
			t.Fatalf("s3sim: a user needs AccessKeyID and Arn: %+v", u)
		}
		byKey[u.AccessKeyID] = u
		users[u.Arn] = append(users[u.Arn], u.Policies...)
	}
	var rp json.RawMessage
	if len(o.BucketPolicy) > 0 {
		rp = o.BucketPolicy
	}
	eval, err := newSession(nm, map[string]any{"users": users, "resourcePolicy": rp, "accountId": o.Account})
	if err != nil {
		t.Fatal(err)
	}
	backend := s3mem.New()
	if err := backend.CreateBucket(o.Bucket); err != nil {
		eval.close()
		t.Fatal(err)
	}
	if o.Versioning {
		if err := backend.SetVersioningConfiguration(o.Bucket, gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled}); err != nil {
			eval.close()
			t.Fatal(err)
		}
	}
	s := &Server{opts: o, backend: backend, eval: eval, users: byKey, locks: map[string]lock{}}
	s.faker = gofakes3.New(backend, gofakes3.WithTimeSkewLimit(0)).Server()
	s.http = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// A client that refuses the certificate says so itself.
	s.http.Config.ErrorLog = log.New(io.Discard, "", 0)
	if o.PlainHTTP {
		s.http.Start()
	} else {
		cert, certPEM, err := selfSignedCert(o.Region)
		if err != nil {
			eval.close()
			t.Fatal(err)
		}
		s.http.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.http.StartTLS()
		s.CACertFile = filepath.Join(t.TempDir(), "s3sim-ca.pem")
		if err := os.WriteFile(s.CACertFile, certPEM, 0o644); err != nil {
			t.Fatal(err)
		}
		s.proxy = httptest.NewServer(http.HandlerFunc(s.connect))
		s.ProxyURL = s.proxy.URL
	}
	s.URL = s.http.URL
	t.Cleanup(func() {
		if s.proxy != nil {
			s.proxy.CloseClientConnections()
			s.proxy.Close()
		}
		s.http.CloseClientConnections()
		s.http.Close()
		eval.close()
		for _, e := range s.Log() {
			if e.Unmapped != "" {
				t.Errorf("s3sim: a request could not be mapped to IAM actions: %s", e)
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, msg := range s.errors {
			t.Errorf("s3sim: %s", msg)
		}
	})
	return s
}

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.http.Client() }

// CertPool returns a pool holding the server's certificate (nil with
// PlainHTTP).
func (s *Server) CertPool() *x509.CertPool {
	if s.opts.PlainHTTP {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.http.Certificate())
	return p
}

// Log returns the requests served so far, in order.
func (s *Server) Log() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Entry(nil), s.log...)
}

// ResetLog forgets the requests served so far.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// credential matches the access key ID of a SigV4 credential scope.
var credential = regexp.MustCompile(`Credential=([^/,\s]+)/`)

func (s *Server) userOf(r *http.Request) (User, string) {
	id := ""
	if m := credential.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		id = m[1]
	} else if c := r.URL.Query().Get("X-Amz-Credential"); c != "" {
		id, _, _ = strings.Cut(c, "/")
	}
	if id == "" {
		return User{}, "AccessDenied"
	}
	u, ok := s.users[id]
	if !ok {
		return User{}, "InvalidAccessKeyId"
	}
	return u, ""
}

// recorder keeps the status and the start of an error body (or of every
// body, with keepBody), and lets the server fix headers before they go.
type recorder struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	keepBody bool
	// beforeHeader runs once, before the status line is written.
	beforeHeader func(h http.Header)
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
		if r.beforeHeader != nil {
			r.beforeHeader(r.Header())
		}
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	if (r.status >= 300 || r.keepBody) && r.body.Len() < 4096 {
		r.body.Write(p)
	}
	return r.ResponseWriter.Write(p)
}

var errorCode = regexp.MustCompile(`<Code>([^<]+)</Code>`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	e := Entry{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	rec := &recorder{ResponseWriter: w}
	defer func() {
		e.Status = rec.status
		if e.Status == 0 {
			e.Status = http.StatusOK
		}
		if e.Code == "" {
			if m := errorCode.FindSubmatch(rec.body.Bytes()); m != nil {
				e.Code = string(m[1])
			}
		}
		s.mu.Lock()
		s.log = append(s.log, e)
		s.mu.Unlock()
	}()
	w.Header().Set("x-amz-request-id", fmt.Sprintf("%016X", now.UnixNano()))

	// The AWS SDKs name the operation in an x-id parameter that S3
	// ignores (x-id=PutObject).
	if r.URL.Query().Has("x-id") {
		var keep []string
		for _, p := range strings.Split(r.URL.RawQuery, "&") {
			if k, _, _ := strings.Cut(p, "="); k != "x-id" {
				keep = append(keep, p)
			}
		}
		r.URL.RawQuery = strings.Join(keep, "&")
		e.Query = r.URL.RawQuery
	}
	if b := s.virtualHostBucket(r.Host); b != "" {
		r.URL.Path = "/" + b + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = "/" + b + r.URL.RawPath
		}
		e.Path = r.URL.Path
	}

	user, problem := s.userOf(r)
	if problem != "" {
		e.Code = problem
		s.fail(rec, r, http.StatusForbidden, problem, "The request is unsigned or its access key is not known to this server.")
		return
	}
	e.User = user.Arn

	var body []byte
	t := parseTarget(r)
	if needsBody(r, t) {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			s.fail(rec, r, http.StatusBadRequest, "IncompleteBody", err.Error())
			return
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}

	// Another bucket does not exist: S3 says so whatever the policies.
	if t.bucket != "" && t.bucket != s.opts.Bucket && !(r.Method == http.MethodPut && t.key == "" && len(t.query) == 0) {
		e.Code = "NoSuchBucket"
		s.fail(rec, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}

	authz, err := authorizations(r, s.opts.Partition, body, now)
	if err != nil {
		e.Unmapped = err.Error()
		e.Code = "NotImplemented"
		s.fail(rec, r, http.StatusNotImplemented, "NotImplemented", "s3sim cannot map this request to IAM actions: "+err.Error())
		return
	}
	for i := range authz {
		d, err := s.eval.decide(user.Arn, authz[i].Action, authz[i].Resource, authz[i].Context)
		if err != nil {
			s.mu.Lock()
			s.errors = append(s.errors, fmt.Sprintf("%s %s: %s: %v", r.Method, r.URL, authz[i].Action, err))
			s.mu.Unlock()
			d = "Error"
		}
		authz[i].Decision = d
	}
	e.Authz = authz

	// ACLs disabled: S3 refuses the request for the ACL before it looks
	// at the policies.
	if !s.opts.ACLsEnabled && !aclAccepted(r, t) {
		s.fail(rec, r, http.StatusBadRequest, "AccessControlListNotSupported", "The bucket does not allow ACLs")
		return
	}
	for _, a := range authz {
		if a.Decision != "Allowed" {
			how := "because no identity-based policy allows the " + a.Action + " action"
			if a.Decision == "ExplicitlyDenied" {
				how = "with an explicit deny in a resource-based policy or an identity-based policy"
			}
			s.fail(rec, r, http.StatusForbidden, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: %s on resource: \"%s\" %s", user.Arn, a.Action, a.Resource, how))
			return
		}
	}
	s.handle(rec, r, t, body, now)
	if rec.status == 0 {
		// A HEAD answered without a body: run the header fixes too.
		rec.WriteHeader(http.StatusOK)
	}
}

// s3Hosts are the region's S3 endpoints, path style.
func s3Hosts(region string) []string {
	return []string{"s3." + region + ".amazonaws.com", "s3.dualstack." + region + ".amazonaws.com", "s3.amazonaws.com"}
}

// virtualHostBucket returns the bucket a virtual-hosted request names in
// its Host ("<bucket>.s3.<region>.amazonaws.com"), or "".
func (s *Server) virtualHostBucket(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, suffix := range s3Hosts(s.opts.Region) {
		if b, ok := strings.CutSuffix(host, "."+suffix); ok && b != "" {
			return b
		}
	}
	return ""
}

// connectTimeout bounds a tunnel's life.
const connectTimeout = 10 * time.Minute

// connect is the proxy: it tunnels CONNECT *.amazonaws.com:443 to the
// server, and refuses anything else.
func (s *Server) connect(w http.ResponseWriter, r *http.Request) {
	host, port, err := net.SplitHostPort(r.Host)
	if r.Method != http.MethodConnect || err != nil || port != "443" || !strings.HasSuffix(host, ".amazonaws.com") {
		http.Error(w, "s3sim proxy: only CONNECT to *.amazonaws.com:443 is tunnelled (to 127.0.0.1)", http.StatusForbidden)
		return
	}
	up, err := net.DialTimeout("tcp", s.http.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "s3sim proxy: cannot hijack", http.StatusInternalServerError)
		return
	}
	down, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	deadline := time.Now().Add(connectTimeout)
	up.SetDeadline(deadline)
	down.SetDeadline(deadline)
	down.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, buf); up.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { io.Copy(down, up); done <- struct{}{} }()
	<-done
	<-done
	up.Close()
	down.Close()
}

// needsBody says whether the request's body decides what is authorized.
func needsBody(r *http.Request, t target) bool {
	return (r.Method == http.MethodPost && t.key == "" && t.has("delete")) ||
		(r.Method == http.MethodPut && t.key != "" && (t.has("retention") || t.has("legal-hold")))
}

// aclAccepted says whether a bucket with ACLs disabled accepts the
// request's ACL headers: none, or bucket-owner-full-control alone.
func aclAccepted(r *http.Request, t target) bool {
	if hasGrant(r) {
		return false
	}
	if v := r.Header.Get("X-Amz-Acl"); v != "" && v != "bucket-owner-full-control" {
		return false
	}
	if t.has("acl") && r.Method == http.MethodPut && r.Header.Get("X-Amz-Acl") == "" {
		return false // an ACL in the body
	}
	return true
}

func hasChecksum(r *http.Request) bool {
	if r.Header.Get("Content-Md5") != "" || r.Header.Get("X-Amz-Sdk-Checksum-Algorithm") != "" {
		return true
	}
	for k := range r.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-checksum-") {
			return true
		}
	}
	return false
}

type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	RequestID string `xml:"RequestId"`
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	out, _ := xml.Marshal(s3Error{Code: code, Message: msg, RequestID: w.Header().Get("x-amz-request-id")})
	w.Write(append([]byte(xml.Header), out...))
}

func (s *Server) xmlReply(w http.ResponseWriter, v any) {
	out, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Write(append([]byte(xml.Header), out...))
}

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// handle serves an authorized request: the parts gofakes3 lacks here, the
// rest by gofakes3.
func (s *Server) handle(w *recorder, r *http.Request, t target, body []byte, now time.Time) {
	q := t.query
	if t.key == "" {
		switch {
		case r.Method == http.MethodGet && t.has("location"):
			type loc struct {
				XMLName xml.Name `xml:"LocationConstraint"`
				NS      string   `xml:"xmlns,attr"`
				Region  string   `xml:",chardata"`
			}
			region := s.opts.Region
			if region == "us-east-1" {
				region = ""
			}
			s.xmlReply(w, loc{NS: s3NS, Region: region})
			return
		case r.Method == http.MethodGet && t.has("object-lock"):
			if !s.opts.ObjectLock {
				s.fail(w, r, http.StatusNotFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
				return
			}
			type rule struct {
				Mode string `xml:"DefaultRetention>Mode"`
				Days int    `xml:"DefaultRetention>Days"`
			}
			type cfg struct {
				XMLName xml.Name `xml:"ObjectLockConfiguration"`
				NS      string   `xml:"xmlns,attr"`
				Enabled string   `xml:"ObjectLockEnabled"`
				Rule    *rule    `xml:"Rule,omitempty"`
			}
			c := cfg{NS: s3NS, Enabled: "Enabled"}
			if d := s.opts.DefaultRetention; d != nil {
				c.Rule = &rule{Mode: d.Mode, Days: d.Days}
			}
			s.xmlReply(w, c)
			return
		case r.Method == http.MethodGet && t.has("ownershipControls"):
			type cfg struct {
				XMLName   xml.Name `xml:"OwnershipControls"`
				NS        string   `xml:"xmlns,attr"`
				Ownership string   `xml:"Rule>ObjectOwnership"`
			}
			own := "BucketOwnerEnforced"
			if s.opts.ACLsEnabled {
				own = "ObjectWriter"
			}
			s.xmlReply(w, cfg{NS: s3NS, Ownership: own})
			return
		case r.Method == http.MethodGet && t.has("policy"):
			if len(s.opts.BucketPolicy) == 0 {
				s.fail(w, r, http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(s.opts.BucketPolicy)
			return
		case r.Method == http.MethodPut && len(q) == 0:
			if t.bucket == s.opts.Bucket {
				if s.opts.Region == "us-east-1" {
					w.Header().Set("Location", "/"+t.bucket)
					w.WriteHeader(http.StatusOK)
					return
				}
				s.fail(w, r, http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
				return
			}
		case r.Method == http.MethodGet && (t.has("versioning") || t.has("versions") || t.has("uploads") || !hasSubresource(q)):
		case r.Method == http.MethodHead && len(q) == 0:
		case r.Method == http.MethodPost && t.has("delete"):
			if s.lockedDelete(w, r, body, now) {
				return
			}
		case r.Method == http.MethodDelete && len(q) == 0:
		default:
			s.fail(w, r, http.StatusNotImplemented, "NotImplemented", "s3sim does not serve this request")
			return
		}
		s.faker.ServeHTTP(w, r)
		return
	}

	switch r.Method {
	case http.MethodGet, http.MethodHead:
		w.beforeHeader = func(h http.Header) { s.fixETag(h, t.key) }
		switch {
		case t.has("retention"):
			s.getRetention(w, r, t)
			return
		case t.has("acl"), t.has("tagging"), t.has("legal-hold"), t.has("attributes"):
			s.fail(w, r, http.StatusNotImplemented, "NotImplemented", "s3sim does not serve this request")
			return
		}
	case http.MethodPut:
		switch {
		case t.has("acl"):
			w.WriteHeader(http.StatusOK) // bucket-owner-full-control on a bucket with ACLs disabled: nothing changes
			return
		case t.has("retention"):
			s.putRetention(w, r, t, body, now)
			return
		case t.has("tagging"), t.has("legal-hold"):
			s.fail(w, r, http.StatusNotImplemented, "NotImplemented", "s3sim does not serve this request")
			return
		}
		if r.Header.Get("X-Amz-Copy-Source") != "" && q.Get("uploadId") != "" {
			s.fail(w, r, http.StatusNotImplemented, "NotImplemented", "s3sim does not serve UploadPartCopy")
			return
		}
		isUpload := r.Header.Get("X-Amz-Copy-Source") == ""
		lockHeaders := r.Header.Get("X-Amz-Object-Lock-Mode") != "" || r.Header.Get("X-Amz-Object-Lock-Retain-Until-Date") != "" || r.Header.Get("X-Amz-Object-Lock-Legal-Hold") != ""
		if isUpload && s.opts.ObjectLock && (s.opts.DefaultRetention != nil || lockHeaders) && !hasChecksum(r) {
			s.fail(w, r, http.StatusBadRequest, "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters")
			return
		}
		if lockHeaders && !s.opts.ObjectLock {
			s.fail(w, r, http.StatusBadRequest, "InvalidRequest", "Bucket is missing Object Lock Configuration")
			return
		}
		if q.Get("uploadId") == "" {
			s.faker.ServeHTTP(w, r)
			s.recordLock(w, r, t, now)
			// A single-part object (in an unversioned bucket, the same
			// "version" as a multipart one before it) has its MD5 as ETag.
			s.mu.Lock()
			delete(s.etags, t.key+"\x00"+w.Header().Get("x-amz-version-id"))
			s.mu.Unlock()
			return
		}
	case http.MethodPost:
		switch {
		case t.has("restore"):
			s.fail(w, r, http.StatusNotImplemented, "NotImplemented", "s3sim does not serve restores")
			return
		case q.Get("uploadId") != "":
			w.keepBody = true
			s.faker.ServeHTTP(w, r)
			s.recordLock(w, r, t, now)
			s.recordMultipartETag(w, t)
			return
		}
	case http.MethodDelete:
		if t.has("tagging") {
			s.fail(w, r, http.StatusNotImplemented, "NotImplemented", "s3sim does not serve this request")
			return
		}
		if v := q.Get("versionId"); v != "" && q.Get("uploadId") == "" {
			if s.locked(t.key, v, r, now) {
				s.fail(w, r, http.StatusForbidden, "AccessDenied", "Access Denied because object protected by object lock.")
				return
			}
		}
	}
	s.faker.ServeHTTP(w, r)
}

func hasSubresource(q map[string][]string) bool {
	for k := range q {
		if _, ok := bucketSubresources[k]; ok {
			return true
		}
	}
	return false
}

var etagElement = regexp.MustCompile(`<ETag>([^<]+)</ETag>`)

// recordMultipartETag keeps the ETag S3 gives an object assembled from
// parts ("<md5 of the parts' md5s>-<parts>"): gofakes3 answers it to the
// completion but stores the whole object's MD5, and clients (rclone)
// compare the two.
func (s *Server) recordMultipartETag(w *recorder, t target) {
	v := w.Header().Get("x-amz-version-id")
	m := etagElement.FindSubmatch(w.body.Bytes())
	if m == nil || (w.status != 0 && w.status != http.StatusOK) {
		return
	}
	etag := strings.ReplaceAll(string(m[1]), "&#34;", `"`)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.etags == nil {
		s.etags = map[string]string{}
	}
	s.etags[t.key+"\x00"+v] = etag
}

// fixETag answers a multipart object's ETag as S3 does.
func (s *Server) fixETag(h http.Header, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if etag, ok := s.etags[key+"\x00"+h.Get("x-amz-version-id")]; ok {
		h.Set("ETag", etag)
	}
}

// recordLock gives a new version its retention: the upload's Object Lock
// headers, else the bucket's default.
func (s *Server) recordLock(w *recorder, r *http.Request, t target, now time.Time) {
	v := w.Header().Get("x-amz-version-id")
	if !s.opts.ObjectLock || v == "" || (w.status != 0 && w.status != http.StatusOK) {
		return
	}
	var l lock
	if until := r.Header.Get("X-Amz-Object-Lock-Retain-Until-Date"); until != "" {
		u, err := time.Parse(time.RFC3339, until)
		if err != nil {
			return
		}
		l = lock{mode: r.Header.Get("X-Amz-Object-Lock-Mode"), until: u}
	} else if d := s.opts.DefaultRetention; d != nil {
		l = lock{mode: d.Mode, until: now.Add(time.Duration(d.Days) * 24 * time.Hour)}
	} else {
		return
	}
	s.mu.Lock()
	s.locks[t.key+"\x00"+v] = l
	s.mu.Unlock()
}

// locked says whether deleting the version is refused by its retention.
func (s *Server) locked(key, version string, r *http.Request, now time.Time) bool {
	s.mu.Lock()
	l, ok := s.locks[key+"\x00"+version]
	s.mu.Unlock()
	if !ok || !now.Before(l.until) {
		return false
	}
	bypass := strings.EqualFold(r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true")
	return l.mode == "COMPLIANCE" || !bypass
}

// lockedDelete refuses a multi-object delete that names a locked version
// (S3 answers per key; this refuses the whole request).
func (s *Server) lockedDelete(w *recorder, r *http.Request, body []byte, now time.Time) bool {
	var d deleteRequest
	if xml.Unmarshal(body, &d) != nil {
		return false
	}
	for _, o := range d.Objects {
		if o.VersionID != "" && s.locked(o.Key, o.VersionID, r, now) {
			s.fail(w, r, http.StatusForbidden, "AccessDenied", "Access Denied because object protected by object lock.")
			return true
		}
	}
	return false
}

func (s *Server) getRetention(w *recorder, r *http.Request, t target) {
	v := t.query.Get("versionId")
	s.mu.Lock()
	l, ok := s.locks[t.key+"\x00"+v]
	s.mu.Unlock()
	if !ok {
		s.fail(w, r, http.StatusNotFound, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
		return
	}
	s.xmlReply(w, retentionXML{Mode: l.mode, RetainUntilDate: l.until.UTC().Format(time.RFC3339)})
}

func (s *Server) putRetention(w *recorder, r *http.Request, t target, body []byte, now time.Time) {
	if !s.opts.ObjectLock {
		s.fail(w, r, http.StatusBadRequest, "InvalidRequest", "Bucket is missing Object Lock Configuration")
		return
	}
	v := t.query.Get("versionId")
	if v == "" {
		s.fail(w, r, http.StatusNotImplemented, "NotImplemented", "s3sim sets retention on a version only (give versionId)")
		return
	}
	var ret retentionXML
	if err := xml.Unmarshal(body, &ret); err != nil {
		s.fail(w, r, http.StatusBadRequest, "MalformedXML", err.Error())
		return
	}
	until, err := time.Parse(time.RFC3339, ret.RetainUntilDate)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "InvalidArgument", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := t.key + "\x00" + v
	if old, ok := s.locks[key]; ok && now.Before(old.until) && (until.Before(old.until) || ret.Mode != old.mode) {
		bypass := strings.EqualFold(r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true")
		if old.mode == "COMPLIANCE" || !bypass {
			s.fail(w, r, http.StatusForbidden, "AccessDenied", "Access Denied because object protected by object lock.")
			return
		}
	}
	s.locks[key] = lock{mode: ret.Mode, until: until}
	w.WriteHeader(http.StatusOK)
}
