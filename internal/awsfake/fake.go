// Package awsfake is a local stand-in, on 127.0.0.1, for the AWS services
// the post-deploy check (internal/check) talks to besides S3:
// CloudFormation, Secrets Manager, SNS and STS (the query protocol and
// AWS JSON 1.1, with AWS's XML and JSON error formats) and Glacier (REST
// JSON, with its x-amzn-ErrorType errors, AccessDeniedException and
// NoLongerSupportedException). It answers the calls the check makes, as
// AWS does, from state that [Fake.Deploy] builds out of a synthesized
// template: the stack's outputs, its secret holding the user's key, its
// topics and e-mail subscriptions, and (in the existing and stack modes)
// the vault as its custom resources configure it. Glacier requests are
// authorized against the user's managed policies from the same template.
//
// The service is read from the SigV4 credential scope of each request,
// so one server stands in for every service (AWS_ENDPOINT_URL), and the
// signing access key picks the caller. Signatures are not verified.
//
// Tests seed faults by changing the state (for example a vault's
// notifications, or [Fake.NoLongerSupported]).
package awsfake

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Admin is the access key ID of the fake's administrator, who may do
// anything; AdminSecret its secret key.
const (
	Admin       = "AKIAADMINEXAMPLE0001"
	AdminSecret = "admin-secret-not-a-real-key"
)

// Fake is the running fake and its state. Lock Mu to change state while
// the server runs.
type Fake struct {
	URL     string
	Account string
	Mu      sync.Mutex

	// Stacks are the deployed stacks, by region and name.
	Stacks map[string]map[string]*Stack
	// Secrets are secret strings by ARN.
	Secrets map[string]string
	// Users are the IAM users by access key ID.
	Users map[string]*User
	// Topics are the SNS topics' subscriptions, by topic ARN.
	Topics map[string][]*Subscription
	// Vaults are Glacier vaults by region and name.
	Vaults map[string]map[string]*Vault
	// NoLongerSupported makes Glacier answer every call with
	// NoLongerSupportedException, as for an account with no vault storage.
	NoLongerSupported bool

	log []string
	srv *httptest.Server
}

// Stack is a deployed stack.
type Stack struct {
	Name, Status string
	Outputs      map[string]string
}

// User is an IAM user with its access key.
type User struct {
	Arn             string
	SecretAccessKey string
	// GlacierActions are the Glacier actions its policies allow on its
	// vault ("glacier:DescribeVault", ...), and on "*".
	GlacierActions []string
}

// Subscription is an SNS subscription; Arn is "PendingConfirmation"
// until confirmed.
type Subscription struct {
	Protocol, Endpoint, Arn string
}

// Vault is a Glacier vault.
type Vault struct {
	Name     string
	Created  time.Time
	Archives int64
	// Topic and Events are its notification configuration; Topic "" is
	// none.
	Topic  string
	Events []string
	Tags   map[string]string
	// Policy is its access policy document; "" is none.
	Policy string
}

// Start starts a fake for account, stopped by calling Close.
func Start(account string) *Fake {
	f := &Fake{
		Account: account,
		Stacks:  map[string]map[string]*Stack{},
		Secrets: map[string]string{},
		Users:   map[string]*User{Admin: {Arn: "arn:aws:iam::" + account + ":user/admin", SecretAccessKey: AdminSecret}},
		Topics:  map[string][]*Subscription{},
		Vaults:  map[string]map[string]*Vault{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	return f
}

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// Log lists the requests served, as "service Action by key".
func (f *Fake) Log() []string {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return slices.Clone(f.log)
}

// Deployed is what Deploy made: the stack and its user's key.
type Deployed struct {
	Stack *Stack
	// AccessKeyID and SecretAccessKey are the user's key, as the secret
	// holds it.
	AccessKeyID, SecretAccessKey string
	UserArn                      string
}

// Deploy deploys a synthesized template as stack in region, as
// CloudFormation would: outputs resolved, the secret holding a new key of
// the template's user, topics with their e-mail subscriptions pending
// confirmation, and the vault as the Custom::GlacierVault* resources make
// and configure it.
func (f *Fake) Deploy(template []byte, stack, region string) (*Deployed, error) {
	var doc struct {
		Resources map[string]resource `json:"Resources"`
		Outputs   map[string]struct {
			Value any `json:"Value"`
		} `json:"Outputs"`
	}
	if err := json.Unmarshal(template, &doc); err != nil {
		return nil, err
	}
	d := &deployment{f: f, stack: stack, region: region, resources: doc.Resources}
	f.Mu.Lock()
	defer f.Mu.Unlock()

	st := &Stack{Name: stack, Status: "CREATE_COMPLETE", Outputs: map[string]string{}}
	for k, o := range doc.Outputs {
		v, err := d.str(o.Value)
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", k, err)
		}
		st.Outputs[k] = v
	}
	users, keys, secrets := d.ofType("AWS::IAM::User"), d.ofType("AWS::IAM::AccessKey"), d.ofType("AWS::SecretsManager::Secret")
	if len(users) != 1 || len(keys) != 1 || len(secrets) != 1 {
		return nil, fmt.Errorf("template has %d users, %d access keys, %d secrets: want one each", len(users), len(keys), len(secrets))
	}
	name, err := d.physical(users[0])
	if err != nil {
		return nil, err
	}
	arn, err := d.userArn(users[0], name)
	if err != nil {
		return nil, err
	}
	akid, _ := d.physical(keys[0])
	secret := randomKey()
	user := &User{Arn: arn, SecretAccessKey: secret}
	for _, id := range d.ofType("AWS::IAM::ManagedPolicy") {
		doc, err := d.resolve(d.resources[id].Properties["PolicyDocument"])
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", id, err)
		}
		user.GlacierActions = append(user.GlacierActions, glacierAllows(doc)...)
	}
	f.Users[akid] = user
	secretArn, _ := d.physical(secrets[0])
	value, _ := json.Marshal(map[string]string{"accessKeyId": akid, "secretAccessKey": secret})
	f.Secrets[secretArn] = string(value)

	for _, id := range d.ofType("AWS::SNS::Topic") {
		topic, _ := d.physical(id)
		f.Topics[topic] = nil
	}
	for _, id := range d.ofType("AWS::SNS::Subscription") {
		p := d.resources[id].Properties
		topic, err := d.str(p["TopicArn"])
		if err != nil {
			return nil, err
		}
		proto, _ := d.str(p["Protocol"])
		endpoint, _ := d.str(p["Endpoint"])
		f.Topics[topic] = append(f.Topics[topic], &Subscription{Protocol: proto, Endpoint: endpoint, Arn: "PendingConfirmation"})
	}

	for _, typ := range []string{"Custom::GlacierVault", "Custom::GlacierVaultNotifications", "Custom::GlacierVaultTags", "Custom::GlacierVaultAccessPolicy"} {
		for _, id := range d.ofType(typ) {
			call, err := d.create(id)
			if err != nil {
				return nil, err
			}
			if err := f.apply(region, call); err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
		}
	}
	if f.Stacks[region] == nil {
		f.Stacks[region] = map[string]*Stack{}
	}
	f.Stacks[region][stack] = st
	return &Deployed{Stack: st, AccessKeyID: akid, SecretAccessKey: secret, UserArn: arn}, nil
}

// apply makes a custom resource's Glacier call.
func (f *Fake) apply(region string, c customCall) error {
	name, _ := c.Parameters["vaultName"].(string)
	if f.Vaults[region] == nil {
		f.Vaults[region] = map[string]*Vault{}
	}
	v := f.Vaults[region][name]
	if c.Action == "createVault" {
		if v == nil {
			f.Vaults[region][name] = &Vault{Name: name, Created: time.Now().Add(-48 * time.Hour), Tags: map[string]string{}}
		}
		return nil
	}
	if v == nil {
		return fmt.Errorf("%s: vault %s does not exist", c.Action, name)
	}
	switch c.Action {
	case "setVaultNotifications":
		cfg, _ := c.Parameters["vaultNotificationConfig"].(map[string]any)
		v.Topic, _ = cfg["SNSTopic"].(string)
		v.Events = nil
		for _, e := range cfg["Events"].([]any) {
			v.Events = append(v.Events, e.(string))
		}
	case "addTagsToVault":
		for k, val := range c.Parameters["Tags"].(map[string]any) {
			v.Tags[k] = val.(string)
		}
	case "setVaultAccessPolicy":
		p, _ := c.Parameters["policy"].(map[string]any)
		v.Policy, _ = p["Policy"].(string)
	default:
		return fmt.Errorf("unknown action %s", c.Action)
	}
	return nil
}

// ConfirmAll confirms every pending subscription.
func (f *Fake) ConfirmAll() {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	for topic, subs := range f.Topics {
		for i, s := range subs {
			if s.Arn == "PendingConfirmation" {
				s.Arn = fmt.Sprintf("%s:%08d-confirmed", topic, i)
			}
		}
	}
}

// Vault returns the vault named name in region, or nil.
func (f *Fake) Vault(region, name string) *Vault { return f.Vaults[region][name] }

// glacierAllows lists the Glacier actions a policy document allows.
// Conditions are ignored: the only conditional allow in the project's
// policies is DeleteArchive by archive age, which the check never calls.
func glacierAllows(doc any) []string {
	m, _ := doc.(map[string]any)
	var out []string
	statements, _ := m["Statement"].([]any)
	for _, s := range statements {
		st, _ := s.(map[string]any)
		if st["Effect"] != "Allow" {
			continue
		}
		actions := st["Action"]
		if a, ok := actions.(string); ok {
			actions = []any{a}
		}
		list, _ := actions.([]any)
		for _, a := range list {
			if s, ok := a.(string); ok && strings.HasPrefix(s, "glacier:") {
				out = append(out, s)
			}
		}
	}
	return out
}

func randomKey() string {
	b := make([]byte, 20)
	rand.Read(b)
	return "fake/" + hex.EncodeToString(b)
}

var scopeRe = regexp.MustCompile(`Credential=([^/]+)/[0-9]+/([^/]+)/([^/]+)/aws4_request`)

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	m := scopeRe.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	key, region, service := m[1], m[2], m[3]
	f.Mu.Lock()
	defer f.Mu.Unlock()
	user := f.Users[key]
	call := &call{f: f, w: w, r: r, region: region, user: user, key: key}
	switch service {
	case "sts", "cloudformation", "sns":
		call.query(service)
	case "secretsmanager":
		call.secretsManager()
	case "glacier":
		call.glacier()
	default:
		http.Error(w, "awsfake does not serve "+service, http.StatusNotImplemented)
	}
	f.log = append(f.log, fmt.Sprintf("%s %s by %s -> %d", service, call.action, key, call.status))
}
