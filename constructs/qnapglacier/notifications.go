package qnapglacier

import (
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

// newTopic creates the vault's notification topic and returns it with its
// ARN. It is not KMS-encrypted: no supported configuration is known for
// Glacier publishing to such a topic, and the messages hold job IDs, not
// data. Its policy denies publishing without TLS, and because any topic
// policy replaces SNS's default one, it must itself let Glacier publish; it
// does so only on behalf of this account (AWS:SourceOwner is the key SNS's
// own default policy uses for that).
func newTopic(scope constructs.Construct, stack awscdk.Stack, vaultName *string) (awssns.Topic, *string) {
	// "Topic" is the construct ID of a live resource: changing it replaces
	// the topic and drops its subscriptions.
	topic := awssns.NewTopic(scope, jsii.String("Topic"), &awssns.TopicProps{
		DisplayName: jsii.String(topicDisplayName(*vaultName)),
		EnforceSSL:  jsii.Bool(true),
	})
	arn := topic.TopicArn()
	topic.AddToResourcePolicy(awsiam.PolicyStatement_FromJson(map[string]any{
		"Sid":       "AllowGlacierPublish",
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": glacierPrincipal},
		"Action":    "sns:Publish",
		"Resource":  arn,
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceOwner": stack.Account()}},
	}))
	return topic, arn
}

// subscribeEmails subscribes each address to topic. Each subscription's
// construct ID comes from its address, so reordering the list replaces
// nothing and no one has to confirm again.
func subscribeEmails(scope constructs.Construct, topic awssns.ITopic, emails []string) {
	for _, email := range emails {
		awssns.NewSubscription(scope, jsii.String(idFor("Email", email)), &awssns.SubscriptionProps{
			Topic:    topic,
			Protocol: awssns.SubscriptionProtocol_EMAIL,
			Endpoint: jsii.String(email),
		})
	}
}
