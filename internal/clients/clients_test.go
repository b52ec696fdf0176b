// Package clients_test runs real backup clients (rclone, restic) against
// a local S3 bucket (internal/s3sim) that decides every request with the
// user policy and bucket policy that cdk synth writes for a bucket
// target, with the settings of docs/clients.md.
package clients_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qnap-glacier/qnap-glacier/internal/clients"
	"github.com/qnap-glacier/qnap-glacier/internal/s3sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The account, region and key of docs/clients.md's examples.
const (
	account   = "111122223333"
	region    = "eu-west-1"
	target    = clients.Target
	bucket    = "family-photos-111122223333-eu-west-1"
	accessKey = "AKIAIOSFODNN7EXAMPLE"
	secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// bucketTemplate reads the template that cdk synth writes, with no
// profile (environment-agnostic), for the bucket target "family-photos"
// with the given settings: the app's own tests hold the file equal to the
// app's output (clients.Setting.TemplateFile).
func bucketTemplate(t *testing.T, s clients.Setting) s3sim.Template {
	t.Helper()
	doc, err := os.ReadFile(s.TemplateFile())
	require.NoError(t, err)
	tt, err := s3sim.FromTemplate(doc, account, region)
	require.NoError(t, err)
	require.Equal(t, bucket, tt.Bucket)
	return tt
}

// bucketTemplates reads the template of every setting, by name.
func bucketTemplates(t *testing.T) map[string]s3sim.Template {
	t.Helper()
	out := map[string]s3sim.Template{}
	for _, s := range clients.Settings {
		out[s.Name] = bucketTemplate(t, s)
	}
	return out
}

// docBlocks returns the fenced code blocks of docs/clients.md that follow
// a "<!-- clients: NAME -->" marker, by name.
func docBlocks(t *testing.T) map[string]string {
	t.Helper()
	text, err := os.ReadFile("../../docs/clients.md")
	require.NoError(t, err)
	out := map[string]string{}
	for _, m := range regexp.MustCompile("(?s)<!-- clients: ([^>]+?) -->\n```[a-z]*\n(.*?)```").FindAllStringSubmatch(string(text), -1) {
		out[m[1]] = m[2]
	}
	for _, name := range []string{"rclone.conf", "rclone routine", "restic env", "restic routine", "current rclone"} {
		require.Contains(t, out, name, "docs/clients.md has the block %q", name)
	}
	return out
}

// commands splits a shell block into commands, one a line, comments and
// blank lines dropped. The guide's commands need no quoting.
func commands(block string) [][]string {
	var out [][]string
	for _, line := range strings.Split(block, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if f := strings.Fields(line); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// skipInShort skips a test that runs the clients under go test -short,
// the quick loop; go test ./... runs it.
func skipInShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: runs rclone and restic; go test ./... runs it")
	}
}

// need skips the test under -short, and when a client binary is missing.
func need(t *testing.T, bins ...string) {
	t.Helper()
	skipInShort(t)
	for _, b := range bins {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("%s not found: install it with apt-get install rclone restic", b)
		}
	}
}

// cmdTimeout bounds each client command.
const cmdTimeout = 3 * time.Minute

// run runs a client command with env, returning its combined output and
// whether it succeeded.
func run(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %s: %w", cmdTimeout, err)
	}
	return out.String(), err
}

// baseEnv is a clean environment: a HOME of its own, no proxy, nothing
// from the caller's AWS, rclone or restic settings.
func baseEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TMPDIR=" + t.TempDir(), "NO_PROXY=127.0.0.1", "XDG_CACHE_HOME=" + filepath.Join(home, ".cache")}
}

// photos writes the folder to back up: small files, one file large
// enough for a multipart upload with a 5 MiB cutoff, and a nested one.
func photos(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, size int) {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		b := make([]byte, size)
		_, err := rand.Read(b)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, b, 0o644))
	}
	write("2026/beach.jpg", 300<<10)
	write("2026/forest.jpg", 150<<10)
	write("2025/old.jpg", 10<<10)
	write("video/holiday.mp4", 12<<20)
	write("notes.txt", 100)
	return dir
}

// sameTree reports the differences between two folders' files.
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	files := func(root string) map[string][]byte {
		out := map[string][]byte{}
		require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[rel] = b
			return err
		}))
		return out
	}
	w, g := files(want), files(got)
	require.NotEmpty(t, w)
	for name, b := range w {
		if assert.Contains(t, g, name, "restored") {
			assert.True(t, bytes.Equal(b, g[name]), "%s restored with other content", name)
		}
	}
	for name := range g {
		assert.Contains(t, w, name, "restored a file that is not in the source")
	}
}

// refused returns the log entries that the bucket refused: by policy,
// for an ACL, for a missing checksum, or unmapped.
func refused(log []s3sim.Entry) []s3sim.Entry {
	var out []s3sim.Entry
	for _, e := range log {
		if e.Refused() || e.Unmapped != "" || e.Code == "AccessControlListNotSupported" || e.Code == "InvalidRequest" || e.Status == 403 {
			out = append(out, e)
		}
	}
	return out
}

// summary counts a log's requests by IAM action.
func summary(log []s3sim.Entry) string {
	counts := map[string]int{}
	for _, e := range log {
		counts[strings.Join(e.Actions(), "+")]++
	}
	b, _ := json.Marshal(counts)
	return fmt.Sprintf("%d requests %s", len(log), b)
}

// rcloneEnv runs rclone with the guide's config as written: it talks to
// AWS's own host names (<bucket>.s3.eu-west-1.amazonaws.com), which reach
// the local server through its proxy on 127.0.0.1, trusting the server's
// certificate.
func rcloneEnv(t *testing.T, srv *s3sim.Server, conf string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rclone.conf")
	require.NoError(t, os.WriteFile(path, []byte(conf), 0o600))
	return append(baseEnv(t),
		"RCLONE_CONFIG="+path,
		"HTTPS_PROXY="+srv.ProxyURL,
		"SSL_CERT_FILE="+srv.CACertFile,
		// A 12 MiB file goes up in three parts (rclone's default cutoff is
		// 200 MiB).
		"RCLONE_S3_UPLOAD_CUTOFF=5M",
		"RCLONE_RETRIES=1", "RCLONE_LOW_LEVEL_RETRIES=1",
	)
}

// rcloneRoutine runs the guide's rclone routine with binary and config
// conf, deleting a photo before sync, and checks the restore.
func rcloneRoutine(t *testing.T, srv *s3sim.Server, binary, conf string, docs map[string]string) {
	t.Helper()
	src, restore := photos(t), t.TempDir()
	env := rcloneEnv(t, srv, conf)
	// The guide's way to find rclone.conf.
	out, err := run(t, env, binary, "config", "file")
	require.NoError(t, err, out)
	assert.Contains(t, out, "rclone.conf", "rclone config file names the config")
	repl := strings.NewReplacer("/share/Photos", src, "/share/Restore", restore)
	for _, c := range commands(docs["rclone routine"]) {
		require.Equal(t, "rclone", c[0])
		args := strings.Fields(repl.Replace(strings.Join(c[1:], " ")))
		if args[0] == "sync" {
			require.NoError(t, os.Remove(filepath.Join(src, "2026/forest.jpg")))
		}
		before := len(srv.Log())
		out, err := run(t, env, binary, args...)
		log := srv.Log()[before:]
		t.Logf("rclone %s: %s", args[0], summary(log))
		if !assert.NoError(t, err, "rclone %s:\n%s", strings.Join(args, " "), out) {
			for _, e := range log {
				t.Log(e)
			}
		}
		if args[0] == "lsd" {
			assert.Contains(t, out, bucket)
		}
	}
	sameTree(t, src, restore)
	for _, e := range refused(srv.Log()) {
		t.Errorf("refused: %s", e)
	}
	var deletes, multipart int
	for _, e := range srv.Log() {
		if e.Method == "DELETE" && strings.HasSuffix(e.Path, "/forest.jpg") && e.Status == 204 {
			deletes++
		}
		if e.Method == "POST" && strings.Contains(e.Query, "uploads") {
			multipart++
		}
	}
	assert.Equal(t, 1, deletes, "sync deleted the removed photo")
	assert.Equal(t, 1, multipart, "the large file went up in parts")
}

func TestRclone160CompletesTheRoutineWithTheGuidesSettings(t *testing.T) {
	need(t, "rclone")
	docs := docBlocks(t)
	tts := bucketTemplates(t)
	t.Parallel()
	for _, s := range clients.Settings {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			srv := s3sim.Start(t, tts[s.Name].Options(accessKey, secretKey))
			rcloneRoutine(t, srv, "rclone", docs["rclone.conf"], docs)
			t.Logf("rclone routine (%s): %s in %s", s.Name, summary(srv.Log()), time.Since(start).Round(time.Millisecond))
		})
	}
}

func TestRclone160WithoutTheACLSettingCannotUpload(t *testing.T) {
	need(t, "rclone")
	docs := docBlocks(t)
	conf := docs["rclone.conf"]
	require.Contains(t, conf, "acl = bucket-owner-full-control\n")
	conf = strings.Replace(conf, "acl = bucket-owner-full-control\n", "", 1)
	tt := bucketTemplate(t, clients.Settings[1])
	t.Parallel()
	srv := s3sim.Start(t, tt.Options(accessKey, secretKey))
	env := rcloneEnv(t, srv, conf)
	out, err := run(t, env, "rclone", "copy", photos(t), "backup:"+bucket+"/photos")
	require.Error(t, err, "rclone 1.60 without acl uploaded:\n%s", out)
	assert.Contains(t, out, "AccessControlListNotSupported")
	var acl int
	for _, e := range srv.Log() {
		if e.Code == "AccessControlListNotSupported" {
			acl++
			// The bucket policy would refuse it as well: only
			// bucket-owner-full-control is granted.
			assert.True(t, e.Refused(), "%s", e)
		}
	}
	assert.Positive(t, acl)
}

func TestRcloneWithoutNoCheckBucketIsRefusedCreateBucket(t *testing.T) {
	need(t, "rclone")
	docs := docBlocks(t)
	conf := docs["rclone.conf"]
	require.Contains(t, conf, "no_check_bucket = true\n")
	conf = strings.Replace(conf, "no_check_bucket = true\n", "", 1)
	tt := bucketTemplate(t, clients.Settings[0])
	t.Parallel()
	srv := s3sim.Start(t, tt.Options(accessKey, secretKey))
	src := photos(t)
	out, err := run(t, rcloneEnv(t, srv, conf), "rclone", "copyto", filepath.Join(src, "notes.txt"), "backup:"+bucket+"/notes.txt")
	require.Error(t, err, "copyto without no_check_bucket:\n%s", out)
	assert.Contains(t, out, "AccessDenied")
	var createBucket int
	for _, e := range srv.Log() {
		for _, a := range e.Authz {
			if a.Action == "s3:CreateBucket" && a.Decision != "Allowed" {
				createBucket++
			}
		}
	}
	assert.Positive(t, createBucket, "refused s3:CreateBucket")
}

// currentRclone finds a current rclone: $QNAP_GLACIER_RCLONE_CURRENT, or
// the GOBIN of the guide's go install command.
func currentRclone(t *testing.T, docs map[string]string) string {
	t.Helper()
	if p := os.Getenv("QNAP_GLACIER_RCLONE_CURRENT"); p != "" {
		return p
	}
	c := commands(docs["current rclone"])
	require.Len(t, c, 1)
	require.True(t, strings.HasPrefix(c[0][0], "GOBIN=$HOME/"), "the guide's go install sets GOBIN under $HOME: %v", c[0])
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	p := filepath.Join(home, strings.TrimPrefix(c[0][0], "GOBIN=$HOME/"), "rclone")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no current rclone at %s: build it with the command under Development in docs/clients.md, or set QNAP_GLACIER_RCLONE_CURRENT", p)
	}
	return p
}

func TestCurrentRcloneCompletesTheRoutineWithNoACLSetting(t *testing.T) {
	skipInShort(t)
	docs := docBlocks(t)
	binary := currentRclone(t, docs)
	out, err := run(t, baseEnv(t), binary, "version")
	require.NoError(t, err, out)
	t.Logf("current rclone: %s", strings.SplitN(out, "\n", 2)[0])
	m := regexp.MustCompile(`github.com/rclone/rclone@(v[0-9.]+)`).FindStringSubmatch(docs["current rclone"])
	require.NotNil(t, m, "the guide's go install names a version")
	if os.Getenv("QNAP_GLACIER_RCLONE_CURRENT") == "" {
		assert.Contains(t, out, "rclone "+m[1], "the binary the guide's command builds is the version it names")
	}
	conf := strings.Replace(docs["rclone.conf"], "acl = bucket-owner-full-control\n", "", 1)
	require.NotContains(t, conf, "acl")
	tts := bucketTemplates(t)
	t.Parallel()
	for _, s := range clients.Settings {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			srv := s3sim.Start(t, tts[s.Name].Options(accessKey, secretKey))
			rcloneRoutine(t, srv, binary, conf, docs)
			for _, e := range srv.Log() {
				if len(e.Authz) > 0 && e.Authz[0].Context["s3:x-amz-acl"] != nil {
					t.Errorf("sent an ACL: %s", e)
				}
			}
			t.Logf("current rclone routine (%s): %s", s.Name, summary(srv.Log()))
		})
	}
}

// resticEnv is the guide's restic environment as written (the password
// file aside), reaching the local server through its proxy and trusting
// its certificate.
func resticEnv(t *testing.T, srv *s3sim.Server, docs map[string]string) []string {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "restic-password")
	require.NoError(t, os.WriteFile(pw, []byte("correct horse battery staple"), 0o600))
	env := baseEnv(t)
	for _, c := range commands(docs["restic env"]) {
		require.Equal(t, "export", c[0])
		require.Len(t, c, 2)
		env = append(env, strings.Replace(c[1], "/root/.restic-password", pw, 1))
	}
	return append(env, "HTTPS_PROXY="+srv.ProxyURL, "SSL_CERT_FILE="+srv.CACertFile, "RESTIC_CACHE_DIR="+t.TempDir())
}

func TestRestic014CompletesTheRoutineWithTheGuidesSettings(t *testing.T) {
	need(t, "restic")
	docs := docBlocks(t)
	tts := bucketTemplates(t)
	t.Parallel()
	for _, s := range clients.Settings {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			srv := s3sim.Start(t, tts[s.Name].Options(accessKey, secretKey))
			env := resticEnv(t, srv, docs)
			src, restore := photos(t), t.TempDir()
			repl := strings.NewReplacer("/share/Photos", src, "/share/Restore", restore)
			for _, c := range commands(docs["restic routine"]) {
				require.Equal(t, "restic", c[0])
				args := strings.Fields(repl.Replace(strings.Join(c[1:], " ")))
				runs := 1
				if args[0] == "backup" {
					runs = 2 // a second backup after a change
				}
				for i := range runs {
					if i == 1 {
						require.NoError(t, os.WriteFile(filepath.Join(src, "2026/new.jpg"), []byte("a new photo"), 0o644))
					}
					before := len(srv.Log())
					out, err := run(t, env, "restic", args...)
					log := srv.Log()[before:]
					t.Logf("restic %s: %s", args[0], summary(log))
					if !assert.NoError(t, err, "restic %s:\n%s", strings.Join(args, " "), out) {
						for _, e := range log {
							t.Log(e)
						}
					}
					if args[0] == "snapshots" {
						assert.Contains(t, out, "2 snapshots")
					}
				}
			}
			sameTree(t, src, filepath.Join(restore, src))
			for _, e := range refused(srv.Log()) {
				t.Errorf("refused: %s", e)
			}
			t.Logf("restic routine (%s): %s in %s", s.Name, summary(srv.Log()), time.Since(start).Round(time.Millisecond))
		})
	}
}

// userRequest sends a request to the local bucket with the user's access
// key in its credential scope (the server picks the user by it and does
// not check signatures), path style.
func userRequest(t *testing.T, srv *s3sim.Server, method, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/20261202/"+region+"/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=0")
	req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
	if body != "" {
		sum := md5.Sum([]byte(body))
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	}
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

func TestTheBucketStillRefusesWhatWouldDestroyOrUnprotectBackups(t *testing.T) {
	skipInShort(t)
	docs := docBlocks(t)
	tts := bucketTemplates(t)
	t.Parallel()
	for _, s := range clients.Settings {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			tt := tts[s.Name]
			srv := s3sim.Start(t, tt.Options(accessKey, secretKey))
			protectDays := 0
			if tt.DefaultRetention != nil {
				protectDays = tt.DefaultRetention.Days
			}
			obj := "/" + bucket + "/photos/a.jpg"
			status, _ := userRequest(t, srv, "PUT", obj, "a photo", map[string]string{"X-Amz-Acl": "bucket-owner-full-control"})
			require.Equal(t, 200, status, "the user uploads")
			status, listing := userRequest(t, srv, "GET", "/"+bucket+"?versions", "", nil)
			require.Equal(t, 200, status, "the user lists versions")
			m := regexp.MustCompile(`<VersionId>([^<]+)</VersionId>`).FindStringSubmatch(listing)
			require.NotNil(t, m, listing)
			version := url.QueryEscape(m[1])

			day := 24 * time.Hour
			until := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }
			retention := func(mode string, d time.Duration) string {
				return "<Retention><Mode>" + mode + "</Mode><RetainUntilDate>" + until(d) + "</RetainUntilDate></Retention>"
			}
			bucketPath := "/" + bucket
			cases := []struct {
				name, method, path, body string
				hdr                      map[string]string
				action                   string
				status                   int
			}{
				{"version delete", "DELETE", obj + "?versionId=" + version, "", nil, "s3:DeleteObjectVersion", 403},
				{"version delete with governance bypass", "DELETE", obj + "?versionId=" + version, "", map[string]string{"X-Amz-Bypass-Governance-Retention": "true"}, "s3:BypassGovernanceRetention", 403},
				{"multi-object version delete", "POST", bucketPath + "?delete", "<Delete><Object><Key>photos/a.jpg</Key><VersionId>" + m[1] + "</VersionId></Object></Delete>", nil, "s3:DeleteObjectVersion", 403},
				{"legal hold", "PUT", obj + "?legal-hold", "<LegalHold><Status>ON</Status></LegalHold>", nil, "s3:PutObjectLegalHold", 403},
				{"upload in compliance mode", "PUT", bucketPath + "/photos/b.jpg", "b", map[string]string{"X-Amz-Object-Lock-Mode": "COMPLIANCE", "X-Amz-Object-Lock-Retain-Until-Date": until(day)}, "s3:PutObject", 403},
				{"upload locked past protectArchivesDays", "PUT", bucketPath + "/photos/c.jpg", "c", map[string]string{"X-Amz-Object-Lock-Mode": "GOVERNANCE", "X-Amz-Object-Lock-Retain-Until-Date": until(time.Duration(protectDays+2) * day)}, "s3:PutObject", 403},
				{"retention in compliance mode", "PUT", obj + "?retention&versionId=" + version, retention("COMPLIANCE", day), nil, "s3:PutObjectRetention", 403},
				{"retention past protectArchivesDays", "PUT", obj + "?retention&versionId=" + version, retention("GOVERNANCE", time.Duration(protectDays+2)*day), nil, "s3:PutObjectRetention", 403},
				{"an object ACL other than bucket-owner-full-control", "PUT", bucketPath + "/photos/d.jpg", "d", map[string]string{"X-Amz-Acl": "public-read"}, "s3:PutObjectAcl", 400},
				{"an ACL on an existing object", "PUT", obj + "?acl", "", map[string]string{"X-Amz-Acl": "private"}, "s3:PutObjectAcl", 400},
				{"create the bucket", "PUT", bucketPath, "", nil, "s3:CreateBucket", 403},
				{"suspend versioning", "PUT", bucketPath + "?versioning", "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>", nil, "s3:PutBucketVersioning", 403},
				{"replace the bucket policy", "PUT", bucketPath + "?policy", `{"Version":"2012-10-17","Statement":[]}`, nil, "s3:PutBucketPolicy", 403},
				{"delete the bucket policy", "DELETE", bucketPath + "?policy", "", nil, "s3:DeleteBucketPolicy", 403},
				{"replace the lifecycle", "PUT", bucketPath + "?lifecycle", "<LifecycleConfiguration/>", nil, "s3:PutLifecycleConfiguration", 403},
				{"delete the lifecycle", "DELETE", bucketPath + "?lifecycle", "", nil, "s3:PutLifecycleConfiguration", 403},
				{"change Object Lock", "PUT", bucketPath + "?object-lock", "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>", nil, "s3:PutBucketObjectLockConfiguration", 403},
				{"change encryption", "PUT", bucketPath + "?encryption", "<ServerSideEncryptionConfiguration/>", nil, "s3:PutEncryptionConfiguration", 403},
				{"open public access", "DELETE", bucketPath + "?publicAccessBlock", "", nil, "s3:PutBucketPublicAccessBlock", 403},
				{"enable ACLs", "PUT", bucketPath + "?ownershipControls", "<OwnershipControls/>", nil, "s3:PutBucketOwnershipControls", 403},
				{"a bucket ACL", "PUT", bucketPath + "?acl", "", map[string]string{"X-Amz-Acl": "bucket-owner-full-control"}, "s3:PutBucketAcl", 403},
				{"redirect notifications", "PUT", bucketPath + "?notification", "<NotificationConfiguration/>", nil, "s3:PutBucketNotification", 403},
				{"delete the bucket", "DELETE", bucketPath, "", nil, "s3:DeleteBucket", 403},
			}
			for _, c := range cases {
				before := len(srv.Log())
				status, body := userRequest(t, srv, c.method, c.path, c.body, c.hdr)
				log := srv.Log()[before:]
				require.Len(t, log, 1)
				e := log[0]
				assert.Equal(t, c.status, status, "%s: %s\n%s", c.name, e, body)
				decided := false
				for _, a := range e.Authz {
					if a.Action == c.action {
						decided = true
						assert.NotEqual(t, "Allowed", a.Decision, "%s: %s", c.name, e)
					}
				}
				assert.True(t, decided, "%s: %s was not authorized: %s", c.name, c.action, e)
			}

			// Positive controls: what the user may do still works.
			status, body := userRequest(t, srv, "DELETE", obj, "", nil)
			assert.Equal(t, 204, status, "a plain delete adds a delete marker: %s", body)
			if protectDays > 0 {
				status, body = userRequest(t, srv, "PUT", bucketPath+"/photos/e.jpg", "e", map[string]string{"X-Amz-Object-Lock-Mode": "GOVERNANCE", "X-Amz-Object-Lock-Retain-Until-Date": until(time.Duration(protectDays-1) * day)})
				assert.Equal(t, 200, status, "an upload with a governance retention within protectArchivesDays: %s", body)
				// Shortening the default retention needs governance bypass,
				// which the user never has.
				status, body = userRequest(t, srv, "PUT", obj+"?retention&versionId="+version, retention("GOVERNANCE", day), nil)
				assert.Equal(t, 403, status, "shortening a retention: %s", body)
			}
			status, body = userRequest(t, srv, "GET", obj+"?versionId="+version, "", nil)
			assert.Equal(t, 200, status, "the old version is still there: %s", body)
			assert.Equal(t, "a photo", body)

			// And through rclone: cleanup-hidden needs version deletes.
			if _, err := exec.LookPath("rclone"); err == nil {
				before := len(srv.Log())
				out, err := run(t, rcloneEnv(t, srv, docs["rclone.conf"]), "rclone", "backend", "cleanup-hidden", "backup:"+bucket)
				assert.Error(t, err, "rclone backend cleanup-hidden deleted old versions:\n%s", out)
				denied := 0
				for _, e := range srv.Log()[before:] {
					for _, a := range e.Authz {
						if a.Action == "s3:DeleteObjectVersion" && a.Decision == "ExplicitlyDenied" {
							denied++
						}
					}
				}
				assert.Positive(t, denied, "cleanup-hidden asked for s3:DeleteObjectVersion and was refused:\n%s", out)
			}
		})
	}
}

func TestTheGuideNamesTheVersionsTheTestsRan(t *testing.T) {
	need(t, "rclone", "restic")
	t.Parallel()
	text, err := os.ReadFile("../../docs/clients.md")
	require.NoError(t, err)
	lines := strings.SplitN(string(text), "\n", 4)
	require.Len(t, lines, 4)
	assert.Regexp(t, `^\*For [^*]+\*$`, lines[2], "the guide says whom it is for right under its title")
	for _, c := range []struct{ bin, pattern string }{
		{"rclone", `rclone v(\d+\.\d+\.\d+)`},
		{"restic", `restic (\d+\.\d+\.\d+)`},
	} {
		out, err := run(t, baseEnv(t), c.bin, "version")
		require.NoError(t, err, out)
		m := regexp.MustCompile(c.pattern).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		assert.Contains(t, string(text), "| "+c.bin+" | "+m[1]+" ", "docs/clients.md's table of tested versions names %s %s, the one the tests ran", c.bin, m[1])
	}
}
