package s3sim_test

import (
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qnap-glacier/qnap-glacier/internal/s3sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const userArn = "arn:aws:iam::111122223333:user/automation/photos-user"

// userPolicy allows a backup user's routine on bucket "photos", with the
// ACL header bucket-owner-full-control only.
var userPolicy = json.RawMessage(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketLocation","s3:GetBucketVersioning","s3:GetBucketObjectLockConfiguration","s3:GetBucketPolicy","s3:GetBucketOwnershipControls"],"Resource":"arn:aws:s3:::photos"},
 {"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:GetObjectVersion","s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::photos/*"},
 {"Effect":"Allow","Action":"s3:PutObjectAcl","Resource":"arn:aws:s3:::photos/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`)

// bucketPolicy denies version deletes and compliance retention to the
// user, and every request without TLS.
var bucketPolicy = json.RawMessage(`{"Version":"2012-10-17","Statement":[
 {"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::photos","arn:aws:s3:::photos/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
 {"Effect":"Deny","Principal":{"AWS":"` + userArn + `"},"Action":["s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::photos/*"},
 {"Effect":"Deny","Principal":{"AWS":"` + userArn + `"},"Action":["s3:PutObject","s3:PutObjectRetention"],"Resource":"arn:aws:s3:::photos/*","Condition":{"StringEquals":{"s3:object-lock-mode":"COMPLIANCE"}}}]}`)

func start(t *testing.T, o s3sim.Options) *s3sim.Server {
	o.Bucket = "photos"
	o.Users = []s3sim.User{{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret", Arn: userArn, Policies: []json.RawMessage{userPolicy}}}
	o.BucketPolicy = bucketPolicy
	return s3sim.Start(t, o)
}

// do sends a request signed (in name only) with the user's access key.
func do(t *testing.T, srv *s3sim.Server, method, path string, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261202/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
	req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := srv.Client()
	c.Timeout = 30 * time.Second
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func md5Of(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestServerAllowsTheUsersRoutineAndRefusesWhatThePoliciesDeny(t *testing.T) {
	srv := start(t, s3sim.Options{Versioning: true, ObjectLock: true, DefaultRetention: &s3sim.Retention{Mode: "GOVERNANCE", Days: 90}})

	status, _ := do(t, srv, "PUT", "/photos/a.jpg", "hello", map[string]string{"Content-MD5": md5Of("hello"), "X-Amz-Acl": "bucket-owner-full-control"})
	assert.Equal(t, 200, status, "upload with bucket-owner-full-control")
	status, body := do(t, srv, "GET", "/photos/a.jpg", "", nil)
	assert.Equal(t, 200, status)
	assert.Equal(t, "hello", body)

	status, body = do(t, srv, "PUT", "/photos/b.jpg", "x", map[string]string{"Content-MD5": md5Of("x"), "X-Amz-Acl": "private"})
	assert.Equal(t, 400, status)
	assert.Contains(t, body, "AccessControlListNotSupported")

	status, body = do(t, srv, "PUT", "/photos/c.jpg", "x", nil)
	assert.Equal(t, 400, status, "upload without Content-MD5 under a default retention")
	assert.Contains(t, body, "InvalidRequest")

	status, body = do(t, srv, "PUT", "/photos/d.jpg", "x", map[string]string{"Content-MD5": md5Of("x"),
		"X-Amz-Object-Lock-Mode": "COMPLIANCE", "X-Amz-Object-Lock-Retain-Until-Date": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)})
	assert.Equal(t, 403, status, "compliance retention")
	assert.Contains(t, body, "s3:PutObject")

	status, _ = do(t, srv, "GET", "/photos?versions", "", nil)
	assert.Equal(t, 403, status, "ListBucketVersions is not in the user's policy")

	var version string
	for _, e := range srv.Log() {
		if e.Method == "PUT" && e.Path == "/photos/a.jpg" {
			assert.Equal(t, []string{"s3:PutObject", "s3:PutObjectAcl"}, e.Actions())
			assert.False(t, e.Refused(), "%s", e)
		}
	}
	status, _ = do(t, srv, "HEAD", "/photos/a.jpg", "", nil)
	require.Equal(t, 200, status)
	_ = version

	status, body = do(t, srv, "DELETE", "/photos/a.jpg?versionId=1", "", nil)
	assert.Equal(t, 403, status, "version delete")
	assert.Contains(t, body, "explicit deny")

	status, _ = do(t, srv, "DELETE", "/photos/a.jpg", "", nil)
	assert.Equal(t, 204, status, "a plain delete adds a delete marker")

	status, _ = do(t, srv, "PUT", "/photos?versioning", "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>", nil)
	assert.Equal(t, 403, status, "bucket configuration")

	var refused, allowed int
	for _, e := range srv.Log() {
		if e.Refused() {
			refused++
		} else {
			allowed++
		}
	}
	assert.Equal(t, 5, refused, "%v", srv.Log())
}

func TestServerRefusesPlainHTTPWhereThePolicyRequiresTLS(t *testing.T) {
	srv := start(t, s3sim.Options{PlainHTTP: true})
	status, body := do(t, srv, "GET", "/photos", "", nil)
	assert.Equal(t, 403, status)
	assert.Contains(t, body, "explicit deny")
}

func TestServerAnswersUnsignedRequestsAccessDenied(t *testing.T) {
	srv := start(t, s3sim.Options{})
	resp, err := srv.Client().Get(srv.URL + "/photos")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 403, resp.StatusCode)
}

func TestServerAnswersBucketConfigurationFromOptions(t *testing.T) {
	good := start(t, s3sim.Options{Region: "eu-west-1", Versioning: true, ObjectLock: true, DefaultRetention: &s3sim.Retention{Mode: "GOVERNANCE", Days: 90}})
	status, body := do(t, good, "GET", "/photos?location", "", nil)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, ">eu-west-1</LocationConstraint>")
	status, body = do(t, good, "GET", "/photos?versioning", "", nil)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "<Status>Enabled</Status>")
	status, body = do(t, good, "GET", "/photos?object-lock", "", nil)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "<Mode>GOVERNANCE</Mode><Days>90</Days>")
	status, body = do(t, good, "GET", "/photos?ownershipControls", "", nil)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "BucketOwnerEnforced")
	status, body = do(t, good, "GET", "/photos?policy", "", nil)
	assert.Equal(t, 200, status)
	assert.JSONEq(t, string(bucketPolicy), body)

	// Seeded faults: versioning off, no Object Lock, ACLs enabled.
	bad := start(t, s3sim.Options{ACLsEnabled: true})
	status, body = do(t, bad, "GET", "/photos?versioning", "", nil)
	assert.Equal(t, 200, status)
	assert.NotContains(t, body, "Enabled")
	status, body = do(t, bad, "GET", "/photos?object-lock", "", nil)
	assert.Equal(t, 404, status)
	assert.Contains(t, body, "ObjectLockConfigurationNotFoundError")
	status, body = do(t, bad, "GET", "/photos?ownershipControls", "", nil)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "ObjectWriter")
	status, body = do(t, bad, "PUT", "/photos/x", "x", map[string]string{"X-Amz-Acl": "private"})
	assert.Equal(t, 403, status, "ACLs enabled: S3 takes the ACL header, and the policy decides (it grants bucket-owner-full-control only)")
	assert.Contains(t, body, "s3:PutObjectAcl")
}

func TestProxyReachesTheServerByAWSHostNamesOnly(t *testing.T) {
	srv := start(t, s3sim.Options{})
	proxy, err := url.Parse(srv.ProxyURL)
	require.NoError(t, err)
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		Proxy:           http.ProxyURL(proxy),
		TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()},
	}}
	get := func(u string) (*http.Response, error) {
		req, err := http.NewRequest("GET", u, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261202/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
		return c.Do(req)
	}
	resp, err := get("https://photos.s3.us-east-1.amazonaws.com/?list-type=2")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, "virtual-hosted bucket through the proxy")
	log := srv.Log()
	require.NotEmpty(t, log)
	assert.Equal(t, "/photos/", log[len(log)-1].Path)
	assert.Equal(t, []string{"s3:ListBucket"}, log[len(log)-1].Actions())

	_, err = get("https://example.com/")
	assert.Error(t, err, "the proxy tunnels *.amazonaws.com only")
}
