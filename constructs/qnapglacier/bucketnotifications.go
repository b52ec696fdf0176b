package qnapglacier

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// restoreDigestPeriodHours is the digest's window: at most one e-mail per state
// change, and "done" after this long without a completed restore.
const restoreDigestPeriodHours = 1

// newRestoreNotifications wires the bucket's restore events, with no
// custom resource and no Lambda:
//
//   - S3 sends s3:ObjectRestore:Completed, one event per object, to topic
//     through the bucket's own NotificationConfiguration (a CloudFormation
//     property). The CDK's bucket.AddEventNotification would instead deploy
//     its BucketNotificationsHandler Lambda, code that runs at deploy time
//     and that no template test reaches; the plain property needs none.
//     S3 checks at deploy that the topic lets it publish, so the bucket
//     waits for the topic policy; the policy names the bucket by its ARN
//     built from the name, not by a reference, so there is no cycle.
//   - A restore of 10,000 photos would be 10,000 events, so e-mails do not
//     subscribe to topic. An alarm counts the messages published to topic
//     per hour (SNS's own, free NumberOfMessagesPublished metric): the
//     first completed restore turns it to ALARM and the first hour without
//     one back to OK, and each change is one message to digest, to which
//     the e-mails subscribe. A whole restore is two e-mails: "restores are
//     completing" and "none in the last hour". Cost: one standard alarm.
func newRestoreNotifications(scope constructs.Construct, stack awscdk.Stack, p *BackupBucketProps, cfnBucket awss3.CfnBucket, bucketName, bucketArn *string) restoreNotifications {
	var topic awssns.ITopic
	var topicArn *string
	// What the bucket waits for: S3 checks at deploy that the topic lets it
	// publish, so the topic's policy must exist first.
	var topicPolicy constructs.IDependable
	account := stack.Account()
	if p.Topic == nil {
		// newTopic is shared with the vault path: it enforces TLS. Only S3,
		// for this bucket, may publish to it.
		var own awssns.Topic
		own, topicArn = newTopic(scope, fitName("S3 restores ", *p.Name, "", maxDisplayNameLen))
		added := own.AddToResourcePolicy(s3PublishStatement("AllowS3PublishFromTheBackupBucket", topicArn, bucketArn, account))
		topic, topicPolicy = own, added.PolicyDependable
	} else {
		topic, topicArn = p.Topic, p.Topic.TopicArn()
		letS3Publish(scope, topic, bucketArn, account)
		// An imported topic has no policy here.
		if policy := topic.Node().TryFindChild(jsii.String("Policy")); policy != nil {
			topicPolicy = policy
		}
	}
	cfnBucket.SetNotificationConfiguration(&awss3.CfnBucket_NotificationConfigurationProperty{
		TopicConfigurations: &[]*awss3.CfnBucket_TopicConfigurationProperty{{
			Event: jsii.String(restoreCompleted),
			Topic: topicArn,
		}},
	})
	if topicPolicy != nil {
		cfnBucket.Node().AddDependency(topicPolicy)
	}

	// "RestoreAlarm" and "Digest" are construct IDs of live resources:
	// changing "Digest" drops the e-mail subscriptions.
	digest := awssns.NewTopic(scope, jsii.String("Digest"), &awssns.TopicProps{
		DisplayName: jsii.String(fitName("Restores ", *p.Name, "", maxDisplayNameLen)),
		EnforceSSL:  jsii.Bool(true),
	})
	digestArn := digest.TopicArn()
	alarm := awscloudwatch.NewAlarm(scope, jsii.String("RestoreAlarm"), &awscloudwatch.AlarmProps{
		AlarmDescription: jsii.String("Objects of S3 bucket " + *bucketName + " finished restoring from the archive class. " +
			"ALARM: at least one restore completed in the last hour; download them on the NAS within the restore's days. " +
			"OK: none in the last hour, so a restore that was running is likely done."),
		Metric: topic.MetricNumberOfMessagesPublished(&awscloudwatch.MetricOptions{
			Period:    durationHours(stack, restoreDigestPeriodHours),
			Statistic: jsii.String("Sum"),
		}),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		// SNS reports nothing for an hour with no message: that is "none".
		TreatMissingData: awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	action := newTopicAction(digestArn)
	alarm.AddAlarmAction(action)
	alarm.AddOkAction(action)
	// The digest's policy replaces SNS's default one (EnforceSSL adds a
	// policy), so it must let CloudWatch publish, for this alarm only.
	digest.AddToResourcePolicy(awsiam.PolicyStatement_FromJson(map[string]any{
		"Sid":       "AllowTheRestoreAlarmToPublish",
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": cloudWatchPrincipal},
		"Action":    "sns:Publish",
		"Resource":  digestArn,
		"Condition": map[string]any{
			"ArnEquals":    map[string]any{"aws:SourceArn": alarm.AlarmArn()},
			"StringEquals": map[string]any{"aws:SourceAccount": account},
		},
	}))
	subscribeEmails(scope, digest, p.NotifyEmails)
	return restoreNotifications{topic, topicArn, alarm, digest, digestArn}
}

// restoreNotifications are a bucket's topic, its digest alarm and topic,
// and the topics' ARNs (read once: each read is a jsii round trip).
type restoreNotifications struct {
	topic     awssns.ITopic
	topicArn  *string
	alarm     awscloudwatch.Alarm
	digest    awssns.Topic
	digestArn *string
}

// s3PublishStatement lets S3 publish to topicArn for the bucket at
// bucketArn only. A bucket ARN names no account: aws:SourceAccount makes
// sure it is this account's bucket of that name.
func s3PublishStatement(sid string, topicArn, bucketArn, account *string) awsiam.PolicyStatement {
	return awsiam.PolicyStatement_FromJson(map[string]any{
		"Sid":       sid,
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": s3Principal},
		"Action":    "sns:Publish",
		"Resource":  topicArn,
		"Condition": map[string]any{
			"ArnEquals":    map[string]any{"aws:SourceArn": bucketArn},
			"StringEquals": map[string]any{"aws:SourceAccount": account},
		},
	})
}

// letS3Publish lets S3 publish the bucket's events to a caller's topic:
// one statement per bucket (its Sid carries a hash of the bucket's
// construct path, so buckets sharing a topic add one each). An imported
// topic's policy cannot be changed from here: b gets a warning that says
// what the caller must do.
func letS3Publish(b constructs.Construct, topic awssns.ITopic, bucketArn, account *string) {
	sid := "AllowS3PublishFromBucket" + rules.ShortHash(*b.Node().Path())
	addToTopicPolicy(b, topic, s3PublishStatement(sid, topic.TopicArn(), bucketArn, account), s3Principal,
		"on the condition ArnEquals aws:SourceArn = this bucket's ARN and StringEquals aws:SourceAccount = its account, "+
			"or the deploy fails when S3 saves the bucket's notifications")
}
