package qnapglacier

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// notificationEvents are the only events a Glacier vault can publish: both
// tell the owner that a retrieval job, which takes hours, is done.
var notificationEvents = []string{"ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"}

// glacierPrincipal is the service that publishes vault notifications.
const glacierPrincipal = "glacier.amazonaws.com"

// TopicPolicyWarning is the ID of the warning a [BackupUser] or a
// [BackupBucket] adds when it cannot let Glacier (or S3) publish to the
// caller's topic (an imported one, whose policy it cannot change). After
// checking the topic's policy, acknowledge it with
// awscdk.Annotations_Of(construct).AcknowledgeWarning.
const TopicPolicyWarning = "qnapglacier:topicPolicy"

// glacierPublishStatement lets Glacier publish to topicArn, only on behalf
// of account (the vault's). AWS:SourceOwner is the key SNS's own default
// policy uses for that.
func glacierPublishStatement(topicArn, account *string) awsiam.PolicyStatement {
	return awsiam.PolicyStatement_FromJson(map[string]any{
		"Sid":       "AllowGlacierPublish",
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": glacierPrincipal},
		"Action":    "sns:Publish",
		"Resource":  topicArn,
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceOwner": account}},
	})
}

// newTopic creates a vault's or a bucket's notification topic and returns
// it with its ARN. It is not KMS-encrypted: no supported configuration is
// known for Glacier publishing to such a topic, and the messages hold job
// IDs and object keys, not data. Its policy denies publishing without TLS;
// because any topic policy replaces SNS's default one, the caller must add
// the one service that may publish (glacierPublishStatement for a vault).
func newTopic(scope constructs.Construct, displayName string) (awssns.Topic, *string) {
	// "Topic" is the construct ID of a live resource: changing it replaces
	// the topic and drops its subscriptions.
	topic := awssns.NewTopic(scope, jsii.String("Topic"), &awssns.TopicProps{
		DisplayName: jsii.String(displayName),
		EnforceSSL:  jsii.Bool(true),
	})
	return topic, topic.TopicArn()
}

// letGlacierPublish makes sure a caller's topic lets Glacier publish for
// the vault's account. A topic whose policy already has an Allow statement
// for glacier.amazonaws.com (the caller's own, or one a BackupUser added) is
// left alone. Otherwise the statement newTopic uses is added; for a topic
// with no policy yet that creates one, which replaces SNS's default policy.
// An imported topic's policy cannot be changed from here: b gets a warning
// that says what the caller must do.
func letGlacierPublish(b constructs.Construct, topic awssns.ITopic, account *string) {
	if allowsGlacier(topic) {
		return
	}
	addToTopicPolicy(b, topic, glacierPublishStatement(topic.TopicArn(), account), glacierPrincipal,
		"on the condition StringEquals AWS:SourceOwner = the vault's account "+
			"(a topic in the vault's account with SNS's default policy does), or the vault's notifications will fail")
}

// addToTopicPolicy adds statement to topic's policy. An imported topic's
// policy cannot be changed from here: b then gets the warning
// TopicPolicyWarning, saying that the topic must let principal publish
// and on which condition (need).
func addToTopicPolicy(b constructs.Construct, topic awssns.ITopic, statement awsiam.PolicyStatement, principal, need string) {
	added := topic.AddToResourcePolicy(statement)
	if added.StatementAdded != nil && *added.StatementAdded {
		return
	}
	awscdk.Annotations_Of(b).AddWarningV2(jsii.String(TopicPolicyWarning), jsii.String(fmt.Sprintf(
		"the topic %s is imported, so its policy cannot be changed here: make sure it allows %s the action sns:Publish %s",
		topicName(topic), principal, need)), nil)
}

// topicName names a topic in a warning: its ARN when known at synth, else
// its construct path.
func topicName(topic awssns.ITopic) string {
	if arn := topic.TopicArn(); !isToken(arn) {
		return *arn
	}
	return *topic.Node().Path()
}

// allowsGlacier reports whether the policy this app gives topic already has
// an Allow statement for Glacier.
func allowsGlacier(topic awssns.ITopic) bool {
	policy, ok := topic.Node().TryFindChild(jsii.String("Policy")).(awssns.TopicPolicy)
	if !ok {
		return false
	}
	// Resolved, because a ServicePrincipal's name is a token until then.
	raw, err := json.Marshal(awscdk.Stack_Of(policy).Resolve(policy.Document()))
	if err != nil {
		return false
	}
	var doc struct {
		Statement []struct {
			Effect    string
			Principal json.RawMessage
		}
	}
	if json.Unmarshal(raw, &doc) != nil {
		return false
	}
	for _, s := range doc.Statement {
		if s.Effect == "Allow" && strings.Contains(string(s.Principal), `"`+glacierPrincipal+`"`) {
			return true
		}
	}
	return false
}

// subscribeEmails subscribes each address to topic, once per topic and
// address whoever asks: two BackupUsers sharing a topic and an address make
// one subscription (one confirmation e-mail, each message once).
//
// So the subscription's place in the construct tree depends on the topic,
// not on the BackupUser asking:
//   - the topic a BackupUser created itself: under that BackupUser, with the
//     ID "Email<hash of the address>". That is where the subscriptions have
//     always been, so their logical IDs stay the same (a new logical ID
//     would replace the subscription and send a new confirmation e-mail).
//   - any other topic: under the topic construct itself, with the same ID,
//     as the CDK's own Topic.AddSubscription places subscriptions. That works
//     for an imported topic (the import is a construct in the importing
//     stack) and for a topic in another stack (the subscription goes to the
//     topic's stack, next to the topic, with no cross-stack reference).
//     Two separate imports of one ARN are two constructs, and so get one
//     subscription each.
//
// An address the CDK's AddSubscription(subs.NewEmailSubscription(address))
// already subscribed under the topic is skipped too. The hash is of the
// address in lower case, so reordering the list replaces nothing; for a
// token address it is of the token's resolved form (for example
// {"Ref":"Param"}), which, unlike the token's text, stays the same from one
// synth to the next.
func subscribeEmails(b constructs.Construct, topic awssns.ITopic, emails []string) {
	if len(emails) == 0 {
		return
	}
	var home constructs.Construct
	if owner, ok := topic.Node().Scope().(*backupUser); ok {
		home = owner
	} else if t, ok := topic.(constructs.Construct); ok {
		home = t
	} else {
		// Not a construct jsii hands to Go as one: only the asking
		// BackupUser is left, so such a topic is not deduplicated.
		home = b
	}
	for _, email := range emails {
		key := email
		if isToken(&email) {
			resolved, _ := json.Marshal(awscdk.Stack_Of(home).Resolve(jsii.String(email)))
			key = string(resolved)
		} else if topic.Node().TryFindChild(jsii.String(email)) != nil {
			continue
		}
		id := jsii.String(idFor("Email", key))
		if home.Node().TryFindChild(id) != nil {
			continue
		}
		awssns.NewSubscription(home, id, &awssns.SubscriptionProps{
			Topic:    topic,
			Protocol: awssns.SubscriptionProtocol_EMAIL,
			Endpoint: jsii.String(email),
		})
	}
}
