package contract

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Stack is one stack of a synthesized cloud assembly.
type Stack struct {
	Name      string
	Dir       string // the cloud assembly directory
	Resources map[string]map[string]any
}

// LoadStack reads a stack's template from a cloud assembly directory.
func LoadStack(dir, name string) (*Stack, error) {
	var tpl struct {
		Resources map[string]map[string]any
	}
	if err := readJSON(filepath.Join(dir, name+".template.json"), &tpl); err != nil {
		return nil, err
	}
	return &Stack{Name: name, Dir: dir, Resources: tpl.Resources}, nil
}

// CustomResource is a resource of a type "Custom::..." in a template.
type CustomResource struct {
	LogicalID  string
	Type       string
	Properties map[string]any
	DependsOn  []string
	Deletion   string // DeletionPolicy; "" for the default, Delete
}

// CustomResources returns the stack's custom resources in an order
// CloudFormation could create them in: each after those it depends on.
func (s *Stack) CustomResources() []CustomResource {
	var all []CustomResource
	for id, r := range s.Resources {
		typ, _ := r["Type"].(string)
		if !strings.HasPrefix(typ, "Custom::") {
			continue
		}
		cr := CustomResource{LogicalID: id, Type: typ}
		cr.Properties, _ = r["Properties"].(map[string]any)
		cr.Deletion, _ = r["DeletionPolicy"].(string)
		for _, d := range asList(r["DependsOn"]) {
			cr.DependsOn = append(cr.DependsOn, d.(string))
		}
		all = append(all, cr)
	}
	slices.SortFunc(all, func(a, b CustomResource) int { return strings.Compare(a.LogicalID, b.LogicalID) })
	// Kahn's algorithm, taking the first ready resource by logical ID each
	// time, so the order is stable.
	var ordered []CustomResource
	done := map[string]bool{}
	for len(ordered) < len(all) {
		i := slices.IndexFunc(all, func(cr CustomResource) bool {
			if done[cr.LogicalID] {
				return false
			}
			for _, d := range cr.DependsOn {
				if isCustom(s.Resources[d]) && !done[d] {
					return false
				}
			}
			return true
		})
		if i < 0 {
			panic("contract: custom resources depend on each other in a cycle")
		}
		ordered, done[all[i].LogicalID] = append(ordered, all[i]), true
	}
	return ordered
}

func isCustom(r map[string]any) bool {
	typ, _ := r["Type"].(string)
	return strings.HasPrefix(typ, "Custom::")
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// HandlerOf finds the code behind a custom resource as the cloud assembly
// holds it: the Lambda function its ServiceToken points at, that
// function's S3 key, and the asset manifest entry that uploads the asset
// directory to that key. It returns the asset directory and the function's
// Handler ("index.handler").
func (s *Stack) HandlerOf(cr CustomResource) (assetDir, handler string, err error) {
	att, _ := cr.Properties["ServiceToken"].(map[string]any)["Fn::GetAtt"].([]any)
	if len(att) != 2 || att[1] != "Arn" {
		return "", "", fmt.Errorf("%s: ServiceToken %v is not a function's Fn::GetAtt Arn", cr.LogicalID, cr.Properties["ServiceToken"])
	}
	fnID, _ := att[0].(string)
	fn := s.Resources[fnID]
	if fn["Type"] != "AWS::Lambda::Function" {
		return "", "", fmt.Errorf("%s: ServiceToken names %s, a %v, not a Lambda function", cr.LogicalID, fnID, fn["Type"])
	}
	props, _ := fn["Properties"].(map[string]any)
	handler, _ = props["Handler"].(string)
	key, _ := props["Code"].(map[string]any)["S3Key"].(string)
	if key == "" || handler == "" {
		return "", "", fmt.Errorf("function %s has no S3 asset code or no Handler", fnID)
	}
	var manifest struct {
		Files map[string]struct {
			Source       struct{ Path, Packaging string }
			Destinations map[string]struct{ ObjectKey string }
		}
	}
	if err := readJSON(filepath.Join(s.Dir, s.Name+".assets.json"), &manifest); err != nil {
		return "", "", err
	}
	for _, f := range manifest.Files {
		for _, d := range f.Destinations {
			if d.ObjectKey == key && f.Source.Packaging == "zip" {
				return filepath.Join(s.Dir, f.Source.Path), handler, nil
			}
		}
	}
	return "", "", fmt.Errorf("function %s: no zip asset uploads to %s in %s.assets.json", fnID, key, s.Name)
}

// Env holds the values CloudFormation would give the template's
// references in one deployment.
type Env struct {
	Partition, Region, Account string
	// Generation is part of every resource's made-up physical ID: change
	// it to play a deployment that replaced resources (a new topic ARN).
	Generation string
}

// Resolve evaluates the intrinsic functions the CDK writes into custom
// resource properties (Ref, Fn::Join, Fn::GetAtt, Fn::Select) with made-up
// physical IDs: a topic's Ref is an SNS ARN, anything else's Ref its
// logical ID and the generation, and a GetAtt Arn a Lambda ARN.
func (s *Stack) Resolve(v any, env Env) (any, error) {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			r, err := s.Resolve(item, env)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		if len(x) == 1 {
			for fn, arg := range x {
				switch fn {
				case "Ref":
					return s.ref(arg.(string), env)
				case "Fn::GetAtt":
					att := arg.([]any)
					if att[1] == "Arn" {
						return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s-%s-%s", env.Partition, env.Region, env.Account, s.Name, att[0], env.Generation), nil
					}
					return nil, fmt.Errorf("cannot resolve Fn::GetAtt %v", att)
				case "Fn::Join":
					args := arg.([]any)
					parts, err := s.Resolve(args[1], env)
					if err != nil {
						return nil, err
					}
					strs := make([]string, 0, len(parts.([]any)))
					for _, p := range parts.([]any) {
						strs = append(strs, p.(string))
					}
					return strings.Join(strs, args[0].(string)), nil
				}
				if strings.HasPrefix(fn, "Fn::") {
					return nil, fmt.Errorf("cannot resolve %s", fn)
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, item := range x {
			r, err := s.Resolve(item, env)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	}
	return v, nil
}

func (s *Stack) ref(id string, env Env) (string, error) {
	switch id {
	case "AWS::Partition":
		return env.Partition, nil
	case "AWS::Region":
		return env.Region, nil
	case "AWS::AccountId":
		return env.Account, nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::StackName":
		return s.Name, nil
	}
	r, ok := s.Resources[id]
	if !ok {
		return "", fmt.Errorf("cannot resolve Ref %s", id)
	}
	if r["Type"] == "AWS::SNS::Topic" {
		return fmt.Sprintf("arn:%s:sns:%s:%s:%s-%s-%s", env.Partition, env.Region, env.Account, s.Name, id, env.Generation), nil
	}
	return s.Name + "-" + id + "-" + env.Generation, nil
}

// Stringify turns every scalar into a string, as CloudFormation does with
// the properties it sends a custom resource ("InstallLatestAwsSdk":
// "false").
func Stringify(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = Stringify(item)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = Stringify(item)
		}
		return out
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return nil
	}
	return fmt.Sprint(v)
}

func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
