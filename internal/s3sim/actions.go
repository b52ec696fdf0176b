package s3sim

import (
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Authz is one IAM authorization that AWS makes for a request: the action,
// the resource it applies to, the request's condition keys, and the
// evaluator's decision ("Allowed", "ExplicitlyDenied", "ImplicitlyDenied").
type Authz struct {
	Action   string
	Resource string
	Context  map[string]any
	Decision string
}

// target is what a request names.
type target struct {
	bucket, key string
	query       url.Values
}

func parseTarget(r *http.Request) target {
	p := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(p, "/")
	q := r.URL.Query()
	// The AWS SDK for Go v2 (and others) add "x-id=<Operation>", an
	// operation hint that S3 ignores: it names no subresource.
	q.Del("x-id")
	return target{bucket: bucket, key: key, query: q}
}

func (t target) has(sub string) bool { _, ok := t.query[sub]; return ok }

// bucketSubresources maps a bucket subresource to the actions of GET, PUT
// and DELETE on it (AWS's "Actions, resources, and condition keys for
// Amazon S3"). DELETE of a configuration is authorized as its Put action.
var bucketSubresources = map[string][3]string{
	"policy":            {"s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"},
	"acl":               {"s3:GetBucketAcl", "s3:PutBucketAcl", ""},
	"lifecycle":         {"s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
	"encryption":        {"s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:PutEncryptionConfiguration"},
	"publicAccessBlock": {"s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
	"ownershipControls": {"s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
	"notification":      {"s3:GetBucketNotification", "s3:PutBucketNotification", ""},
	"tagging":           {"s3:GetBucketTagging", "s3:PutBucketTagging", "s3:PutBucketTagging"},
	"versioning":        {"s3:GetBucketVersioning", "s3:PutBucketVersioning", ""},
	"object-lock":       {"s3:GetBucketObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", ""},
	"cors":              {"s3:GetBucketCORS", "s3:PutBucketCORS", "s3:PutBucketCORS"},
	"website":           {"s3:GetBucketWebsite", "s3:PutBucketWebsite", "s3:DeleteBucketWebsite"},
	"logging":           {"s3:GetBucketLogging", "s3:PutBucketLogging", ""},
	"replication":       {"s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration", "s3:PutReplicationConfiguration"},
	"accelerate":        {"s3:GetAccelerateConfiguration", "s3:PutAccelerateConfiguration", ""},
	"requestPayment":    {"s3:GetBucketRequestPayment", "s3:PutBucketRequestPayment", ""},
	"location":          {"s3:GetBucketLocation", "", ""},
	"versions":          {"s3:ListBucketVersions", "", ""},
	"uploads":           {"s3:ListBucketMultipartUploads", "", ""},
	"policyStatus":      {"s3:GetBucketPolicyStatus", "", ""},
}

// objectLockContext adds the Object Lock condition keys of a mode and a
// retain-until date, as S3 computes them at the time of the request.
func objectLockContext(ctx map[string]any, mode, until string, now time.Time) error {
	if mode != "" {
		ctx["s3:object-lock-mode"] = mode
	}
	if until != "" {
		t, err := time.Parse(time.RFC3339, until)
		if err != nil {
			return fmt.Errorf("retain-until date %q: %w", until, err)
		}
		ctx["s3:object-lock-retain-until-date"] = t.UTC().Format(time.RFC3339)
		days := int(math.Ceil(t.Sub(now).Hours() / 24))
		ctx["s3:object-lock-remaining-retention-days"] = fmt.Sprint(days)
	}
	return nil
}

// baseContext holds the global and S3 condition keys every request
// carries.
func baseContext(r *http.Request, now time.Time) map[string]any {
	ctx := map[string]any{
		"aws:SecureTransport": fmt.Sprint(r.TLS != nil),
		"aws:SourceIp":        "127.0.0.1",
		"aws:CurrentTime":     now.UTC().Format(time.RFC3339),
		"aws:EpochTime":       fmt.Sprint(now.Unix()),
		"s3:authType":         "REST-HEADER",
		"s3:signatureversion": "AWS4-HMAC-SHA256",
	}
	if r.URL.Query().Get("X-Amz-Credential") != "" {
		ctx["s3:authType"] = "REST-QUERY-STRING"
	}
	if v := r.Header.Get("X-Amz-Content-Sha256"); v != "" {
		ctx["s3:x-amz-content-sha256"] = v
	}
	if r.TLS != nil {
		ctx["s3:TlsVersion"] = "1.3"
	}
	return ctx
}

// writeHeaderContext adds the condition keys of the headers an upload or
// copy may carry, and returns the extra actions those headers need.
func writeHeaderContext(r *http.Request, ctx map[string]any, now time.Time) (extra []string, err error) {
	h := r.Header
	if v := h.Get("X-Amz-Acl"); v != "" {
		ctx["s3:x-amz-acl"] = v
	}
	grants := false
	for _, g := range []string{"full-control", "read", "read-acp", "write", "write-acp"} {
		if v := h.Get("X-Amz-Grant-" + g); v != "" {
			ctx["s3:x-amz-grant-"+g] = v
			grants = true
		}
	}
	if h.Get("X-Amz-Acl") != "" || grants {
		extra = append(extra, "s3:PutObjectAcl")
	}
	if v := h.Get("X-Amz-Tagging"); v != "" {
		extra = append(extra, "s3:PutObjectTagging")
		if tags, err := url.ParseQuery(v); err == nil {
			keys := make([]string, 0, len(tags))
			for k, vs := range tags {
				keys = append(keys, k)
				ctx["s3:RequestObjectTag/"+k] = vs[0]
			}
			sort.Strings(keys)
			ctx["s3:RequestObjectTagKeys"] = keys
		}
	}
	for hdr, key := range map[string]string{
		"X-Amz-Server-Side-Encryption":                "s3:x-amz-server-side-encryption",
		"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "s3:x-amz-server-side-encryption-aws-kms-key-id",
		"X-Amz-Storage-Class":                         "s3:x-amz-storage-class",
		"X-Amz-Metadata-Directive":                    "s3:x-amz-metadata-directive",
		"X-Amz-Website-Redirect-Location":             "s3:x-amz-website-redirect-location",
	} {
		if v := h.Get(hdr); v != "" {
			ctx[key] = v
		}
	}
	mode, until := h.Get("X-Amz-Object-Lock-Mode"), h.Get("X-Amz-Object-Lock-Retain-Until-Date")
	if mode != "" || until != "" {
		if err := objectLockContext(ctx, mode, until, now); err != nil {
			return nil, err
		}
		extra = append(extra, "s3:PutObjectRetention")
	}
	if v := h.Get("X-Amz-Object-Lock-Legal-Hold"); v != "" {
		ctx["s3:object-lock-legal-hold"] = v
		extra = append(extra, "s3:PutObjectLegalHold")
	}
	return extra, nil
}

// copySource parses x-amz-copy-source ("bucket/key?versionId=v", URL
// encoded, with or without a leading slash).
func copySource(v string) (bucket, key, version string, err error) {
	src, q, _ := strings.Cut(strings.TrimPrefix(v, "/"), "?")
	src, err = url.PathUnescape(src)
	if err != nil {
		return "", "", "", fmt.Errorf("x-amz-copy-source %q: %w", v, err)
	}
	bucket, key, ok := strings.Cut(src, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", "", fmt.Errorf("x-amz-copy-source %q names no bucket and key", v)
	}
	if q != "" {
		vals, err := url.ParseQuery(q)
		if err != nil {
			return "", "", "", fmt.Errorf("x-amz-copy-source %q: %w", v, err)
		}
		version = vals.Get("versionId")
	}
	return bucket, key, version, nil
}

// deleteRequest is the body of a multi-object delete.
type deleteRequest struct {
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

// authorizations maps a request to the IAM authorizations AWS makes for
// it, following the Amazon S3 API reference's "Permissions" section of
// each operation. body is the request body, read only for requests whose
// body decides what is authorized (multi-object delete, retention, legal
// hold). An error means the request cannot be mapped.
func authorizations(r *http.Request, partition string, body []byte, now time.Time) ([]Authz, error) {
	t := parseTarget(r)
	ctx := baseContext(r, now)
	bucketArn := "arn:" + partition + ":s3:::" + t.bucket
	objectArn := func(bucket, key string) string { return "arn:" + partition + ":s3:::" + bucket + "/" + key }
	one := func(action, resource string) []Authz {
		return []Authz{{Action: action, Resource: resource, Context: ctx}}
	}
	q := t.query
	versionID := q.Get("versionId")
	if versionID != "" {
		ctx["s3:versionid"] = versionID
	}

	if t.bucket == "" {
		if r.Method == http.MethodGet {
			return one("s3:ListAllMyBuckets", "*"), nil
		}
		return nil, fmt.Errorf("%s on the service", r.Method)
	}

	if t.key == "" {
		for sub, actions := range bucketSubresources {
			if !t.has(sub) {
				continue
			}
			var a string
			switch r.Method {
			case http.MethodGet, http.MethodHead:
				a = actions[0]
			case http.MethodPut:
				a = actions[1]
			case http.MethodDelete:
				a = actions[2]
			}
			if a == "" {
				return nil, fmt.Errorf("%s ?%s", r.Method, sub)
			}
			if sub == "versions" || sub == "uploads" {
				for _, k := range []string{"prefix", "delimiter", "max-keys"} {
					if q.Has(k) {
						ctx["s3:"+k] = q.Get(k)
					}
				}
			}
			return one(a, bucketArn), nil
		}
		switch r.Method {
		case http.MethodGet:
			if len(q) > 0 && !q.Has("list-type") && !q.Has("prefix") && !q.Has("delimiter") && !q.Has("max-keys") &&
				!q.Has("marker") && !q.Has("continuation-token") && !q.Has("encoding-type") && !q.Has("start-after") && !q.Has("fetch-owner") {
				return nil, fmt.Errorf("GET bucket with query %q", r.URL.RawQuery)
			}
			for _, k := range []string{"prefix", "delimiter", "max-keys"} {
				if q.Has(k) {
					ctx["s3:"+k] = q.Get(k)
				}
			}
			return one("s3:ListBucket", bucketArn), nil
		case http.MethodHead:
			return one("s3:ListBucket", bucketArn), nil
		case http.MethodPut:
			if len(q) > 0 {
				return nil, fmt.Errorf("PUT bucket with query %q", r.URL.RawQuery)
			}
			out := one("s3:CreateBucket", bucketArn)
			if v := r.Header.Get("X-Amz-Acl"); v != "" {
				ctx["s3:x-amz-acl"] = v
			}
			for _, g := range []string{"full-control", "read", "read-acp", "write", "write-acp"} {
				if v := r.Header.Get("X-Amz-Grant-" + g); v != "" {
					ctx["s3:x-amz-grant-"+g] = v
				}
			}
			if _, ok := ctx["s3:x-amz-acl"]; ok || hasGrant(r) {
				out = append(out, Authz{Action: "s3:PutBucketAcl", Resource: bucketArn, Context: ctx})
			}
			if strings.EqualFold(r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled"), "true") {
				out = append(out,
					Authz{Action: "s3:PutBucketObjectLockConfiguration", Resource: bucketArn, Context: ctx},
					Authz{Action: "s3:PutBucketVersioning", Resource: bucketArn, Context: ctx})
			}
			if v := r.Header.Get("X-Amz-Object-Ownership"); v != "" {
				out = append(out, Authz{Action: "s3:PutBucketOwnershipControls", Resource: bucketArn, Context: ctx})
			}
			return out, nil
		case http.MethodDelete:
			if len(q) > 0 {
				return nil, fmt.Errorf("DELETE bucket with query %q", r.URL.RawQuery)
			}
			return one("s3:DeleteBucket", bucketArn), nil
		case http.MethodPost:
			if !t.has("delete") {
				return nil, fmt.Errorf("POST bucket with query %q", r.URL.RawQuery)
			}
			var d deleteRequest
			if err := xml.Unmarshal(body, &d); err != nil {
				return nil, fmt.Errorf("multi-object delete body: %w", err)
			}
			var out []Authz
			bypass := strings.EqualFold(r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true")
			for _, o := range d.Objects {
				c := cloneContext(ctx)
				a := "s3:DeleteObject"
				if o.VersionID != "" {
					a = "s3:DeleteObjectVersion"
					c["s3:versionid"] = o.VersionID
				}
				out = append(out, Authz{Action: a, Resource: objectArn(t.bucket, o.Key), Context: c})
				if bypass {
					out = append(out, Authz{Action: "s3:BypassGovernanceRetention", Resource: objectArn(t.bucket, o.Key), Context: c})
				}
			}
			if len(out) == 0 {
				return nil, fmt.Errorf("multi-object delete of no object")
			}
			return out, nil
		}
		return nil, fmt.Errorf("%s bucket", r.Method)
	}

	obj := objectArn(t.bucket, t.key)
	versioned := func(plain, version string) string {
		if versionID != "" {
			return version
		}
		return plain
	}
	bypass := strings.EqualFold(r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		switch {
		case t.has("acl"):
			return one(versioned("s3:GetObjectAcl", "s3:GetObjectVersionAcl"), obj), nil
		case t.has("tagging"):
			return one(versioned("s3:GetObjectTagging", "s3:GetObjectVersionTagging"), obj), nil
		case t.has("retention"):
			return one("s3:GetObjectRetention", obj), nil
		case t.has("legal-hold"):
			return one("s3:GetObjectLegalHold", obj), nil
		case t.has("attributes"):
			return []Authz{
				{Action: versioned("s3:GetObject", "s3:GetObjectVersion"), Resource: obj, Context: ctx},
				{Action: versioned("s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"), Resource: obj, Context: ctx},
			}, nil
		case q.Get("uploadId") != "":
			return one("s3:ListMultipartUploadParts", obj), nil
		case t.has("torrent"):
			return nil, fmt.Errorf("GET ?torrent")
		}
		for k := range q {
			switch k {
			case "versionId", "partNumber", "response-content-type", "response-content-disposition",
				"response-content-encoding", "response-content-language", "response-cache-control",
				"response-expires", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
				"X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token":
			default:
				return nil, fmt.Errorf("%s object with query %q", r.Method, r.URL.RawQuery)
			}
		}
		return one(versioned("s3:GetObject", "s3:GetObjectVersion"), obj), nil

	case http.MethodPut:
		switch {
		case t.has("acl"):
			if v := r.Header.Get("X-Amz-Acl"); v != "" {
				ctx["s3:x-amz-acl"] = v
			}
			return one(versioned("s3:PutObjectAcl", "s3:PutObjectVersionAcl"), obj), nil
		case t.has("tagging"):
			return one(versioned("s3:PutObjectTagging", "s3:PutObjectVersionTagging"), obj), nil
		case t.has("retention"):
			var ret retentionXML
			if err := xml.Unmarshal(body, &ret); err != nil {
				return nil, fmt.Errorf("retention body: %w", err)
			}
			if err := objectLockContext(ctx, ret.Mode, ret.RetainUntilDate, now); err != nil {
				return nil, err
			}
			out := one("s3:PutObjectRetention", obj)
			if bypass {
				out = append(out, Authz{Action: "s3:BypassGovernanceRetention", Resource: obj, Context: ctx})
			}
			return out, nil
		case t.has("legal-hold"):
			var lh legalHoldXML
			if err := xml.Unmarshal(body, &lh); err != nil {
				return nil, fmt.Errorf("legal hold body: %w", err)
			}
			ctx["s3:object-lock-legal-hold"] = lh.Status
			return one("s3:PutObjectLegalHold", obj), nil
		}
		for k := range q {
			if k != "partNumber" && k != "uploadId" {
				return nil, fmt.Errorf("PUT object with query %q", r.URL.RawQuery)
			}
		}
		var out []Authz
		if src := r.Header.Get("X-Amz-Copy-Source"); src != "" {
			ctx["s3:x-amz-copy-source"] = src
			sb, sk, sv, err := copySource(src)
			if err != nil {
				return nil, err
			}
			srcCtx := cloneContext(baseContext(r, now))
			srcAction := "s3:GetObject"
			if sv != "" {
				srcAction = "s3:GetObjectVersion"
				srcCtx["s3:versionid"] = sv
			}
			out = append(out, Authz{Action: srcAction, Resource: objectArn(sb, sk), Context: srcCtx})
		}
		if q.Get("uploadId") != "" {
			// UploadPart and UploadPartCopy: the headers of the upload were
			// authorized by CreateMultipartUpload.
			return append([]Authz{{Action: "s3:PutObject", Resource: obj, Context: ctx}}, out...), nil
		}
		extra, err := writeHeaderContext(r, ctx, now)
		if err != nil {
			return nil, err
		}
		out = append([]Authz{{Action: "s3:PutObject", Resource: obj, Context: ctx}}, out...)
		for _, a := range extra {
			out = append(out, Authz{Action: a, Resource: obj, Context: ctx})
		}
		return out, nil

	case http.MethodPost:
		switch {
		case t.has("uploads"):
			extra, err := writeHeaderContext(r, ctx, now)
			if err != nil {
				return nil, err
			}
			out := one("s3:PutObject", obj)
			for _, a := range extra {
				out = append(out, Authz{Action: a, Resource: obj, Context: ctx})
			}
			return out, nil
		case q.Get("uploadId") != "":
			return one("s3:PutObject", obj), nil
		case t.has("restore"):
			return one("s3:RestoreObject", obj), nil
		}
		return nil, fmt.Errorf("POST object with query %q", r.URL.RawQuery)

	case http.MethodDelete:
		switch {
		case q.Get("uploadId") != "":
			return one("s3:AbortMultipartUpload", obj), nil
		case t.has("tagging"):
			return one(versioned("s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"), obj), nil
		}
		for k := range q {
			if k != "versionId" {
				return nil, fmt.Errorf("DELETE object with query %q", r.URL.RawQuery)
			}
		}
		out := one(versioned("s3:DeleteObject", "s3:DeleteObjectVersion"), obj)
		if bypass {
			out = append(out, Authz{Action: "s3:BypassGovernanceRetention", Resource: obj, Context: ctx})
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s object", r.Method)
}

func hasGrant(r *http.Request) bool {
	for _, g := range []string{"full-control", "read", "read-acp", "write", "write-acp"} {
		if r.Header.Get("X-Amz-Grant-"+g) != "" {
			return true
		}
	}
	return false
}

func cloneContext(c map[string]any) map[string]any {
	out := make(map[string]any, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// retentionXML and legalHoldXML are the bodies of PutObjectRetention and
// PutObjectLegalHold.
type retentionXML struct {
	XMLName         xml.Name `xml:"Retention"`
	Mode            string   `xml:"Mode"`
	RetainUntilDate string   `xml:"RetainUntilDate"`
}

type legalHoldXML struct {
	XMLName xml.Name `xml:"LegalHold"`
	Status  string   `xml:"Status"`
}
