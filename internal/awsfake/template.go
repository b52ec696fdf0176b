package awsfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// resource is one resource of a template.
type resource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
}

// deployment resolves a template's intrinsic functions as CloudFormation
// would for one stack, with made-up but well-formed physical IDs.
type deployment struct {
	f         *Fake
	stack     string
	region    string
	resources map[string]resource
}

func (d *deployment) hash(s string) string {
	sum := sha256.Sum256([]byte(d.stack + "/" + s))
	return hex.EncodeToString(sum[:])
}

// physical is a resource's Ref.
func (d *deployment) physical(id string) (string, error) {
	r, ok := d.resources[id]
	if !ok {
		return "", fmt.Errorf("Ref to unknown resource %s", id)
	}
	prop := func(k string) (string, bool, error) {
		v, ok := r.Properties[k]
		if !ok {
			return "", false, nil
		}
		s, err := d.str(v)
		return s, true, err
	}
	switch r.Type {
	case "AWS::IAM::User":
		if name, ok, err := prop("UserName"); ok || err != nil {
			return name, err
		}
		return d.stack + "-" + id[:min(len(id), 20)] + "-" + strings.ToUpper(d.hash(id)[:12]), nil
	case "AWS::IAM::AccessKey":
		return "AKIA" + strings.ToUpper(d.hash(id)[:16]), nil
	case "AWS::SecretsManager::Secret":
		return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", d.region, d.f.Account, id, d.hash(id)[:6]), nil
	case "AWS::SNS::Topic":
		return fmt.Sprintf("arn:aws:sns:%s:%s:%s-%s", d.region, d.f.Account, d.stack, id), nil
	case "AWS::S3::Bucket":
		if name, ok, err := prop("BucketName"); ok || err != nil {
			return name, err
		}
		return strings.ToLower(d.stack + "-" + d.hash(id)[:12]), nil
	}
	return id, nil
}

func (d *deployment) str(v any) (string, error) {
	r, err := d.resolve(v)
	if err != nil {
		return "", err
	}
	switch t := r.(type) {
	case string:
		return t, nil
	case float64, bool:
		return fmt.Sprint(t), nil
	}
	return "", fmt.Errorf("%v is not a string", r)
}

// resolve resolves Ref, Fn::GetAtt (Arn) and Fn::Join, and the pseudo
// parameters; any other intrinsic is an error, so nothing is guessed.
func (d *deployment) resolve(v any) (any, error) {
	switch t := v.(type) {
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			r, err := d.resolve(x)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		if len(t) == 1 {
			for k, arg := range t {
				switch {
				case k == "Ref":
					name, _ := arg.(string)
					switch name {
					case "AWS::Region":
						return d.region, nil
					case "AWS::AccountId":
						return d.f.Account, nil
					case "AWS::Partition":
						return "aws", nil
					case "AWS::URLSuffix":
						return "amazonaws.com", nil
					case "AWS::StackName":
						return d.stack, nil
					}
					return d.physical(name)
				case k == "Fn::GetAtt":
					l, _ := arg.([]any)
					if len(l) != 2 || l[1] != "Arn" {
						return nil, fmt.Errorf("Fn::GetAtt %v is not resolved", arg)
					}
					id, _ := l[0].(string)
					name, err := d.physical(id)
					if err != nil {
						return nil, err
					}
					switch d.resources[id].Type {
					case "AWS::S3::Bucket":
						return "arn:aws:s3:::" + name, nil
					case "AWS::IAM::User":
						return d.userArn(id, name)
					}
					return nil, fmt.Errorf("Fn::GetAtt Arn of %s is not resolved", d.resources[id].Type)
				case k == "Fn::Join":
					l, _ := arg.([]any)
					if len(l) != 2 {
						return nil, fmt.Errorf("malformed Fn::Join")
					}
					sep, _ := l[0].(string)
					parts, _ := l[1].([]any)
					var ss []string
					for _, p := range parts {
						s, err := d.str(p)
						if err != nil {
							return nil, err
						}
						ss = append(ss, s)
					}
					return strings.Join(ss, sep), nil
				case strings.HasPrefix(k, "Fn::"):
					return nil, fmt.Errorf("%s is not resolved", k)
				}
			}
		}
		out := map[string]any{}
		for k, x := range t {
			r, err := d.resolve(x)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	}
	return v, nil
}

func (d *deployment) userArn(id, name string) (string, error) {
	path := "/"
	if p, ok := d.resources[id].Properties["Path"]; ok {
		s, err := d.str(p)
		if err != nil {
			return "", err
		}
		path = s
	}
	return fmt.Sprintf("arn:aws:iam::%s:user%s%s", d.f.Account, path, name), nil
}

func (d *deployment) ofType(typ string) []string {
	var ids []string
	for id, r := range d.resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// customCall is the SDK call a Custom::Glacier* resource's AwsCustomResource
// makes on create.
type customCall struct {
	Action     string         `json:"action"`
	Parameters map[string]any `json:"parameters"`
}

func (d *deployment) create(id string) (customCall, error) {
	var c customCall
	s, err := d.str(d.resources[id].Properties["Create"])
	if err != nil {
		return c, fmt.Errorf("%s: %w", id, err)
	}
	return c, json.Unmarshal([]byte(s), &c)
}
