package s3sim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Template is what a synthesized bucket stack says about its bucket and its
// backup user, with CloudFormation's intrinsic functions resolved for one
// account and region.
type Template struct {
	// Bucket is the bucket's name; UserArn the backup user's ARN.
	Bucket, UserArn string
	// UserPolicies are the managed policies attached to the user.
	UserPolicies []json.RawMessage
	// BucketPolicy is the bucket's policy (nil when it has none).
	BucketPolicy json.RawMessage
	// Versioning, ObjectLock, DefaultRetention and ACLsEnabled are the
	// bucket's settings.
	Versioning, ObjectLock bool
	DefaultRetention       *Retention
	ACLsEnabled            bool
	// Account, Region and Partition are those the template was resolved
	// with.
	Account, Region, Partition string
}

// Options returns server options for the template's bucket, with the
// backup user signing with the given access key.
func (tt Template) Options(accessKeyID, secretAccessKey string) Options {
	return Options{
		Bucket:           tt.Bucket,
		Region:           tt.Region,
		Partition:        tt.Partition,
		Account:          tt.Account,
		Versioning:       tt.Versioning,
		ObjectLock:       tt.ObjectLock,
		DefaultRetention: tt.DefaultRetention,
		ACLsEnabled:      tt.ACLsEnabled,
		Users:            []User{{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, Arn: tt.UserArn, Policies: tt.UserPolicies}},
		BucketPolicy:     tt.BucketPolicy,
	}
}

type cfnResource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
}

// FromTemplate reads a synthesized template (JSON) holding one
// AWS::S3::Bucket, its AWS::S3::BucketPolicy, and one AWS::IAM::User with
// the AWS::IAM::ManagedPolicy resources attached to it. Ref, Fn::GetAtt
// (Arn of a bucket or user), Fn::Join and the pseudo parameters are
// resolved for account and region in partition "aws"; any other
// intrinsic is an error, so nothing is guessed.
func FromTemplate(template []byte, account, region string) (Template, error) {
	var doc struct {
		Resources map[string]cfnResource `json:"Resources"`
	}
	if err := json.Unmarshal(template, &doc); err != nil {
		return Template{}, fmt.Errorf("s3sim: template: %w", err)
	}
	tt := Template{Account: account, Region: region, Partition: "aws"}
	r := &resolver{tt: &tt, res: doc.Resources}
	byType := func(typ string) []string {
		var ids []string
		for id, res := range doc.Resources {
			if res.Type == typ {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		return ids
	}
	buckets, users := byType("AWS::S3::Bucket"), byType("AWS::IAM::User")
	if len(buckets) != 1 || len(users) != 1 {
		return Template{}, fmt.Errorf("s3sim: template has %d buckets and %d users, want one of each", len(buckets), len(users))
	}
	bucketID, userID := buckets[0], users[0]
	var err error
	if tt.Bucket, err = r.str(map[string]any{"Ref": bucketID}); err != nil {
		return Template{}, err
	}
	if tt.UserArn, err = r.str(map[string]any{"Fn::GetAtt": []any{userID, "Arn"}}); err != nil {
		return Template{}, err
	}
	props := doc.Resources[bucketID].Properties
	if v, ok := props["VersioningConfiguration"].(map[string]any); ok {
		tt.Versioning = v["Status"] == "Enabled"
	}
	tt.ObjectLock = props["ObjectLockEnabled"] == true
	if c, ok := props["ObjectLockConfiguration"].(map[string]any); ok {
		if rule, ok := c["Rule"].(map[string]any); ok {
			if d, ok := rule["DefaultRetention"].(map[string]any); ok {
				ret := &Retention{}
				ret.Mode, _ = d["Mode"].(string)
				if days, ok := d["Days"].(float64); ok {
					ret.Days = int(days)
				} else if years, ok := d["Years"].(float64); ok {
					ret.Days = int(years) * 365
				}
				tt.DefaultRetention = ret
			}
		}
	}
	tt.ACLsEnabled = true
	if oc, ok := props["OwnershipControls"].(map[string]any); ok {
		rules, _ := oc["Rules"].([]any)
		for _, rule := range rules {
			if m, ok := rule.(map[string]any); ok && m["ObjectOwnership"] == "BucketOwnerEnforced" {
				tt.ACLsEnabled = false
			}
		}
	}
	for _, id := range byType("AWS::IAM::ManagedPolicy") {
		p := doc.Resources[id].Properties
		attached := false
		for _, u := range asList(p["Users"]) {
			if m, ok := u.(map[string]any); ok && m["Ref"] == userID {
				attached = true
			}
		}
		if !attached {
			continue
		}
		doc, err := r.resolve(p["PolicyDocument"])
		if err != nil {
			return Template{}, fmt.Errorf("s3sim: policy %s: %w", id, err)
		}
		b, _ := json.Marshal(doc)
		tt.UserPolicies = append(tt.UserPolicies, b)
	}
	if len(tt.UserPolicies) == 0 {
		return Template{}, fmt.Errorf("s3sim: no managed policy is attached to user %s", userID)
	}
	for _, id := range byType("AWS::IAM::Policy") {
		for _, u := range asList(doc.Resources[id].Properties["Users"]) {
			if m, ok := u.(map[string]any); ok && m["Ref"] == userID {
				return Template{}, fmt.Errorf("s3sim: inline policy %s on the user is not read", id)
			}
		}
	}
	for _, id := range byType("AWS::S3::BucketPolicy") {
		p := doc.Resources[id].Properties
		if m, ok := p["Bucket"].(map[string]any); !ok || m["Ref"] != bucketID {
			continue
		}
		doc, err := r.resolve(p["PolicyDocument"])
		if err != nil {
			return Template{}, fmt.Errorf("s3sim: bucket policy %s: %w", id, err)
		}
		tt.BucketPolicy, _ = json.Marshal(doc)
	}
	return tt, nil
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return nil
}

type resolver struct {
	tt  *Template
	res map[string]cfnResource
}

func (r *resolver) str(v any) (string, error) {
	out, err := r.resolve(v)
	if err != nil {
		return "", err
	}
	s, ok := out.(string)
	if !ok {
		return "", fmt.Errorf("s3sim: %v resolves to %v, not a string", v, out)
	}
	return s, nil
}

func (r *resolver) resolve(v any) (any, error) {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = r.resolve(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if strings.HasPrefix(k, "Fn::") || k == "Ref" {
					return r.intrinsic(k, arg)
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			var err error
			if out[k], err = r.resolve(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

func (r *resolver) intrinsic(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		switch name {
		case "AWS::Partition":
			return r.tt.Partition, nil
		case "AWS::AccountId":
			return r.tt.Account, nil
		case "AWS::Region":
			return r.tt.Region, nil
		case "AWS::URLSuffix":
			return "amazonaws.com", nil
		}
		res, ok := r.res[name]
		if !ok {
			return nil, fmt.Errorf("s3sim: Ref to unknown %q", name)
		}
		key := map[string]string{"AWS::S3::Bucket": "BucketName", "AWS::IAM::User": "UserName"}[res.Type]
		if key == "" || res.Properties[key] == nil {
			return nil, fmt.Errorf("s3sim: Ref to %s %q has no name to resolve to", res.Type, name)
		}
		return r.str(res.Properties[key])
	case "Fn::GetAtt":
		l := asList(arg)
		if len(l) != 2 || l[1] != "Arn" {
			return nil, fmt.Errorf("s3sim: Fn::GetAtt %v is not resolved", arg)
		}
		id, _ := l[0].(string)
		res := r.res[id]
		switch res.Type {
		case "AWS::S3::Bucket":
			name, err := r.str(map[string]any{"Ref": id})
			if err != nil {
				return nil, err
			}
			return "arn:" + r.tt.Partition + ":s3:::" + name, nil
		case "AWS::IAM::User":
			name, err := r.str(map[string]any{"Ref": id})
			if err != nil {
				return nil, err
			}
			path := "/"
			if p, ok := res.Properties["Path"]; ok {
				if path, err = r.str(p); err != nil {
					return nil, err
				}
			}
			return "arn:" + r.tt.Partition + ":iam::" + r.tt.Account + ":user" + path + name, nil
		}
		return nil, fmt.Errorf("s3sim: Fn::GetAtt %v is not resolved", arg)
	case "Fn::Join":
		l := asList(arg)
		if len(l) != 2 {
			return nil, fmt.Errorf("s3sim: Fn::Join %v", arg)
		}
		sep, _ := l[0].(string)
		var parts []string
		for _, p := range asList(l[1]) {
			s, err := r.str(p)
			if err != nil {
				return nil, err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, sep), nil
	}
	return nil, fmt.Errorf("s3sim: %s is not resolved", fn)
}
