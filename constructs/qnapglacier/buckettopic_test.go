package qnapglacier_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
)

// callerBucketTopics are the BackupBuckets of callerBucketTopicsApp, by
// construct ID, and the warnings their stack carries before synthesis.
var (
	callerBucketTopics         = map[string]qnapglacier.BackupBucket{}
	callerBucketTopicsWarnings map[string][]string
)

// callerBucketTopicsApp has BackupBuckets on a caller's topic (two sharing
// one), on an imported topic, and on a topic in another stack.
func callerBucketTopicsApp(t *testing.T) map[string]assertions.Template {
	return fixtures.App(t, "caller-bucket-topics", func() awscdk.App {
		app := cdktest.NewApp(nil, nil)
		home := awscdk.NewStack(app, jsii.String("TopicHome"), nil)
		elsewhere := awssns.NewTopic(home, jsii.String("Elsewhere"), nil)
		stack := awscdk.NewStack(app, jsii.String("Buckets"), nil)
		callers := awssns.NewTopic(stack, jsii.String("Callers"), nil)
		imported := awssns.Topic_FromTopicArn(stack, jsii.String("Imported"), jsii.String("arn:aws:sns:eu-west-1:111122223333:restores"))
		for id, topic := range map[string]awssns.ITopic{"a-bucket": callers, "b-bucket": callers, "c-bucket": imported, "d-bucket": elsewhere} {
			callerBucketTopics[id] = qnapglacier.NewBackupBucket(stack, jsii.String(id), &qnapglacier.BackupBucketProps{
				Name: jsii.String(id), Topic: topic, NotifyEmails: []string{"me@example.com"},
			})
		}
		callerBucketTopicsWarnings = warningsUnder(stack)
		return app
	})
}

// s3Statements are the statements of the topic policies in tpl that let
// S3 publish, resolved.
func s3Statements(tpl assertions.Template) []map[string]any {
	var out []map[string]any
	for _, p := range cdktest.Resources(tpl, "AWS::SNS::TopicPolicy") {
		for _, s := range cdktest.Props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			if pr, ok := st["Principal"].(map[string]any); ok && pr["Service"] == "s3.amazonaws.com" {
				out = append(out, st)
			}
		}
	}
	return out
}

func TestBucketOnACallersTopicPublishesThereAndCreatesNoTopicOfItsOwn(t *testing.T) {
	// GIVEN two buckets on a caller's topic in their stack
	tpl := callerBucketTopicsApp(t)["Buckets"]
	callers := logicalIDOf(t, tpl, "AWS::SNS::Topic", "Callers")
	// THEN each bucket sends its restore events to the caller's topic
	for _, id := range []string{"a-bucket", "b-bucket"} {
		cdktest.Assert(t, id+" notifies the caller's topic", func() {
			tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
				"BucketName": assertions.Match_ObjectLike(&map[string]any{"Fn::Join": assertions.Match_ArrayWith(&[]any{
					assertions.Match_ArrayWith(&[]any{id + "-"})})}),
				"NotificationConfiguration": map[string]any{"TopicConfigurations": []any{map[string]any{
					"Event": "s3:ObjectRestore:Completed", "Topic": map[string]any{"Ref": callers},
				}}},
			})
		})
	}
	// AND no bucket made a restore topic of its own: the topics are the
	// caller's and one digest per bucket
	tpl.ResourceCountIs(jsii.String("AWS::SNS::Topic"), jsii.Number(1+4))
	for id, r := range cdktest.Resources(tpl, "AWS::SNS::Topic") {
		if name, _ := cdktest.Props(r)["DisplayName"].(string); strings.HasPrefix(name, "S3 restores") {
			t.Errorf("%s: a restore topic of the bucket's own", id)
		}
	}
	// AND Topic() is the caller's topic
	if b := callerBucketTopics["a-bucket"]; assert.NotNil(t, b) {
		assert.Equal(t, "Buckets/Callers", *b.Topic().Node().Path())
	}
}

func TestCallersTopicLetsS3PublishForEachBucketOnly(t *testing.T) {
	// GIVEN two buckets sharing the caller's topic
	tpl := callerBucketTopicsApp(t)["Buckets"]
	// THEN its policy has one statement per bucket, each for that bucket's
	// ARN and this account, with Sids that differ
	statements := s3Statements(tpl)
	require.Len(t, statements, 2, "one per bucket on the caller's topic; none for the imported topic")
	sids := map[any]bool{}
	for _, st := range statements {
		sids[st["Sid"]] = true
		assert.Equal(t, "sns:Publish", st["Action"])
		cond := st["Condition"].(map[string]any)
		assert.Equal(t, map[string]any{"aws:SourceAccount": map[string]any{"Ref": "AWS::AccountId"}}, cond["StringEquals"])
		source := fmt.Sprint(cond["ArnEquals"])
		assert.True(t, strings.Contains(source, ":s3:::a-bucket-") || strings.Contains(source, ":s3:::b-bucket-"), source)
	}
	assert.Len(t, sids, 2, "two buckets on one topic: two statement IDs")
	// AND each bucket waits for that policy, which S3 checks when it saves
	// the bucket's notifications
	policy := logicalIDOf(t, tpl, "AWS::SNS::TopicPolicy", "CallersPolicy")
	for id, r := range cdktest.Resources(tpl, "AWS::S3::Bucket") {
		if strings.HasPrefix(id, "abucket") || strings.HasPrefix(id, "bbucket") {
			assert.Contains(t, r["DependsOn"], policy, id)
		}
	}
}

func TestBucketOnAnImportedTopicWarnsWhatItsPolicyMustAllow(t *testing.T) {
	callerBucketTopicsApp(t)
	// THEN only the bucket on the imported topic warns, naming the topic,
	// S3 and the conditions, with the warning ID a caller acknowledges
	assert.Equal(t, []string{"Buckets/c-bucket"}, keys(callerBucketTopicsWarnings))
	if w := callerBucketTopicsWarnings["Buckets/c-bucket"]; assert.Len(t, w, 1) {
		for _, part := range []string{"arn:aws:sns:eu-west-1:111122223333:restores", "s3.amazonaws.com", "sns:Publish",
			"aws:SourceArn", "aws:SourceAccount", qnapglacier.TopicPolicyWarning} {
			assert.Contains(t, w[0], part)
		}
	}
	// AND its bucket notifies the imported topic's ARN
	cdktest.Assert(t, "notifies the imported topic", func() {
		callerBucketTopicsApp(t)["Buckets"].HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"NotificationConfiguration": map[string]any{"TopicConfigurations": []any{map[string]any{
				"Event": "s3:ObjectRestore:Completed", "Topic": "arn:aws:sns:eu-west-1:111122223333:restores",
			}}},
		})
	})
}

func TestBucketOnATopicInAnotherStackGrantsS3ThereAndImportsItsArn(t *testing.T) {
	apps := callerBucketTopicsApp(t)
	// THEN the topic's own stack carries the statement for the bucket
	home := s3Statements(apps["TopicHome"])
	require.Len(t, home, 1)
	assert.Contains(t, fmt.Sprint(home[0]["Condition"]), ":s3:::d-bucket-")
	// AND the bucket's stack reads the topic's ARN from the other stack
	found := false
	for id, r := range cdktest.Resources(apps["Buckets"], "AWS::S3::Bucket") {
		if strings.HasPrefix(id, "dbucket") {
			found = true
			topic := cdktest.Props(r)["NotificationConfiguration"].(map[string]any)["TopicConfigurations"].([]any)[0].(map[string]any)["Topic"]
			assert.Contains(t, topic, "Fn::ImportValue", id)
		}
	}
	assert.True(t, found, "the bucket on the other stack's topic")
}

func TestBucketArnIsBuiltFromItsNameWithTheStacksPartition(t *testing.T) {
	app := cdktest.NewApp(nil, nil)
	stack := awscdk.NewStack(app, jsii.String("S"), nil)
	b := qnapglacier.NewBackupBucket(stack, jsii.String("B"), &qnapglacier.BackupBucketProps{
		Name: jsii.String("photos"), BucketName: jsii.String("my-photos-bucket"),
	})
	assert.Equal(t, map[string]any{"Fn::Join": []any{"", []any{"arn:", map[string]any{"Ref": "AWS::Partition"}, ":s3:::my-photos-bucket"}}},
		stack.Resolve(b.BucketArn()))
}
