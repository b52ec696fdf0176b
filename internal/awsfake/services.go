package awsfake

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// call is one request being answered.
type call struct {
	f      *Fake
	w      http.ResponseWriter
	r      *http.Request
	region string
	user   *User
	key    string
	action string
	status int
}

var xmlns = map[string]string{
	"sts":            "https://sts.amazonaws.com/doc/2011-06-15/",
	"cloudformation": "http://cloudformation.amazonaws.com/doc/2010-05-15/",
	"sns":            "http://sns.amazonaws.com/doc/2010-03-31/",
}

const requestID = "00000000-0000-4000-8000-000000000000"

// queryError answers as the query protocol does: an ErrorResponse.
func (c *call) queryError(service string, status int, code, msg string) {
	c.status = status
	c.w.Header().Set("Content-Type", "text/xml")
	c.w.WriteHeader(status)
	fmt.Fprintf(c.w, `<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		xmlns[service], code, esc(msg), requestID)
}

func (c *call) queryOK(service, body string) {
	c.status = http.StatusOK
	c.w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(c.w, `<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
		c.action, xmlns[service], c.action, body, c.action, requestID, c.action)
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (c *call) query(service string) {
	body, _ := io.ReadAll(c.r.Body)
	form, _ := url.ParseQuery(string(body))
	c.action = form.Get("Action")
	if c.user == nil {
		c.queryError(service, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	if service != "sts" && c.key != Admin {
		c.queryError(service, http.StatusForbidden, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: %s:%s", c.user.Arn, service, c.action))
		return
	}
	switch service + ":" + c.action {
	case "sts:GetCallerIdentity":
		c.queryOK(service, fmt.Sprintf("<Arn>%s</Arn><UserId>AIDAFAKE%s</UserId><Account>%s</Account>", esc(c.user.Arn), c.key[4:12], c.f.Account))
	case "cloudformation:DescribeStacks":
		name := form.Get("StackName")
		st := c.f.Stacks[c.region][name]
		if st == nil {
			c.queryError(service, http.StatusBadRequest, "ValidationError", "Stack with id "+name+" does not exist")
			return
		}
		var outs strings.Builder
		for _, k := range sortedKeys(st.Outputs) {
			fmt.Fprintf(&outs, "<member><OutputKey>%s</OutputKey><OutputValue>%s</OutputValue></member>", esc(k), esc(st.Outputs[k]))
		}
		c.queryOK(service, fmt.Sprintf(`<Stacks><member><StackName>%s</StackName><StackId>arn:aws:cloudformation:%s:%s:stack/%s/%s</StackId><CreationTime>2026-12-01T10:00:00.000Z</CreationTime><StackStatus>%s</StackStatus><Outputs>%s</Outputs></member></Stacks>`,
			esc(name), c.region, c.f.Account, esc(name), requestID, st.Status, outs.String()))
	case "sns:ListSubscriptionsByTopic":
		topic := form.Get("TopicArn")
		subs, ok := c.f.Topics[topic]
		if !ok {
			c.queryError(service, http.StatusNotFound, "NotFound", "Topic does not exist")
			return
		}
		var b strings.Builder
		for _, s := range subs {
			fmt.Fprintf(&b, "<member><TopicArn>%s</TopicArn><Protocol>%s</Protocol><SubscriptionArn>%s</SubscriptionArn><Owner>%s</Owner><Endpoint>%s</Endpoint></member>",
				esc(topic), esc(s.Protocol), esc(s.Arn), c.f.Account, esc(s.Endpoint))
		}
		c.queryOK(service, "<Subscriptions>"+b.String()+"</Subscriptions>")
	default:
		c.queryError(service, http.StatusBadRequest, "InvalidAction", "awsfake does not answer "+c.action)
	}
}

// jsonError answers as AWS JSON 1.1 and REST JSON services do: the code in
// x-amzn-ErrorType and in the body.
func (c *call) jsonError(status int, code, msg string, glacier bool) {
	c.status = status
	c.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	c.w.Header().Set("X-Amzn-ErrorType", code)
	c.w.WriteHeader(status)
	var body map[string]string
	if glacier {
		c.w.Header().Set("Content-Type", "application/json")
		body = map[string]string{"code": code, "message": msg, "type": "Client"}
	} else {
		body = map[string]string{"__type": code, "Message": msg}
	}
	json.NewEncoder(c.w).Encode(body)
}

func (c *call) jsonOK(v any) {
	c.status = http.StatusOK
	c.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(c.w).Encode(v)
}

func (c *call) secretsManager() {
	target := c.r.Header.Get("X-Amz-Target")
	c.action = strings.TrimPrefix(target, "secretsmanager.")
	var in struct{ SecretId string }
	json.NewDecoder(c.r.Body).Decode(&in)
	switch {
	case c.user == nil:
		c.jsonError(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.", false)
	case c.key != Admin:
		c.jsonError(http.StatusBadRequest, "AccessDeniedException", fmt.Sprintf("User: %s is not authorized to perform: secretsmanager:%s", c.user.Arn, c.action), false)
	case c.action != "GetSecretValue":
		c.jsonError(http.StatusBadRequest, "InvalidRequestException", "awsfake does not answer "+c.action, false)
	default:
		value, ok := c.f.Secrets[in.SecretId]
		if !ok {
			c.jsonError(http.StatusBadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", false)
			return
		}
		c.jsonOK(map[string]any{"ARN": in.SecretId, "Name": in.SecretId, "SecretString": value,
			"VersionId": requestID, "VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1.7645e9})
	}
}

// glacier answers the vault calls of the check, authorized against the
// user's Glacier actions.
func (c *call) glacier() {
	parts := strings.Split(strings.Trim(c.r.URL.Path, "/"), "/") // -/vaults/NAME/sub
	if len(parts) < 2 || parts[0] != "-" || parts[1] != "vaults" {
		c.jsonError(http.StatusBadRequest, "InvalidParameterValueException", "awsfake does not answer "+c.r.URL.Path, true)
		return
	}
	name, sub := "", ""
	if len(parts) > 2 {
		name = parts[2]
	}
	if len(parts) > 3 {
		sub = parts[3]
	}
	switch {
	case c.r.Method == http.MethodGet && name == "":
		c.action = "ListVaults"
	case c.r.Method == http.MethodGet && sub == "":
		c.action = "DescribeVault"
	case c.r.Method == http.MethodDelete && sub == "":
		c.action = "DeleteVault"
	case c.r.Method == http.MethodGet && sub == "notification-configuration":
		c.action = "GetVaultNotifications"
	case c.r.Method == http.MethodGet && sub == "tags":
		c.action = "ListTagsForVault"
	case c.r.Method == http.MethodGet && sub == "access-policy":
		c.action = "GetVaultAccessPolicy"
	default:
		c.jsonError(http.StatusBadRequest, "InvalidParameterValueException", "awsfake does not answer "+c.r.Method+" "+c.r.URL.Path, true)
		return
	}
	if c.r.Header.Get("X-Amz-Glacier-Version") != "2012-06-01" {
		c.jsonError(http.StatusBadRequest, "MissingParameterValueException", "Required header x-amz-glacier-version is missing", true)
		return
	}
	if c.user == nil {
		c.jsonError(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.", true)
		return
	}
	if c.key != Admin && !slices.Contains(c.user.GlacierActions, "glacier:"+c.action) {
		resource := fmt.Sprintf("arn:aws:glacier:%s:%s:vaults/%s", c.region, c.f.Account, name)
		c.jsonError(http.StatusForbidden, "AccessDeniedException", fmt.Sprintf("User: %s is not authorized to perform: glacier:%s on resource: %s", c.user.Arn, c.action, resource), true)
		return
	}
	if c.f.NoLongerSupported {
		c.jsonError(http.StatusBadRequest, "NoLongerSupportedException", "This API is no longer supported for new accounts", true)
		return
	}
	if c.action == "ListVaults" {
		var list []any
		for _, n := range sortedKeys(c.f.Vaults[c.region]) {
			list = append(list, c.describe(c.f.Vaults[c.region][n]))
		}
		c.jsonOK(map[string]any{"VaultList": list, "Marker": nil})
		return
	}
	v := c.f.Vaults[c.region][name]
	if v == nil {
		c.jsonError(http.StatusNotFound, "ResourceNotFoundException", fmt.Sprintf("Vault not found for ARN: arn:aws:glacier:%s:%s:vaults/%s", c.region, c.f.Account, name), true)
		return
	}
	switch c.action {
	case "DescribeVault":
		c.jsonOK(c.describe(v))
	case "DeleteVault":
		if v.Archives > 0 {
			c.jsonError(http.StatusBadRequest, "InvalidParameterValueException", "Vault not empty or recently written to: "+name, true)
			return
		}
		delete(c.f.Vaults[c.region], name)
		c.status = http.StatusNoContent
		c.w.WriteHeader(http.StatusNoContent)
	case "GetVaultNotifications":
		if v.Topic == "" {
			c.jsonError(http.StatusNotFound, "ResourceNotFoundException", "No notification configuration is set for vault: "+name, true)
			return
		}
		c.jsonOK(map[string]any{"SNSTopic": v.Topic, "Events": v.Events})
	case "ListTagsForVault":
		c.jsonOK(map[string]any{"Tags": v.Tags})
	case "GetVaultAccessPolicy":
		if v.Policy == "" {
			c.jsonError(http.StatusNotFound, "ResourceNotFoundException", "No vault access policy is set for: "+name, true)
			return
		}
		c.jsonOK(map[string]any{"Policy": v.Policy})
	}
}

func (c *call) describe(v *Vault) map[string]any {
	return map[string]any{
		"VaultARN":         fmt.Sprintf("arn:aws:glacier:%s:%s:vaults/%s", c.region, c.f.Account, v.Name),
		"VaultName":        v.Name,
		"CreationDate":     v.Created.UTC().Format(time.RFC3339),
		"NumberOfArchives": v.Archives,
		"SizeInBytes":      v.Archives * 1 << 20,
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
