package qnapglacier_test

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
)

// A backup user for a vault the NAS's backup app will create (app mode, the
// default): the user, its policy, its access key and secret, and a topic
// with one e-mail subscription.
func ExampleNewBackupUser() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyNasBackup"), nil)
	backup := qnapglacier.NewBackupUser(stack, jsii.String("Photos"), &qnapglacier.BackupUserProps{
		VaultName:    jsii.String("Family-Photos"),
		NotifyEmails: []string{"me@example.com"},
	})
	awscdk.NewCfnOutput(stack, jsii.String("SecretArn"), &awscdk.CfnOutputProps{Value: backup.Secret().SecretArn()})

	template := app.Synth(nil).GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	for _, r := range template["Resources"].(map[string]any) {
		if r := r.(map[string]any); r["Type"] == "AWS::IAM::User" {
			fmt.Println("user:", r["Properties"].(map[string]any)["UserName"])
		}
	}
	fmt.Println("mode:", backup.VaultMode())
	// Output:
	// user: Family-Photos-user
	// mode: app
}

// A vault that already exists: the stack wires its notifications, tags it
// and denies deleting archives younger than 90 days, with custom resources
// under VaultConfig(), after the stack's check that Glacier serves the
// account. Anything that must wait for the vault config depends on it.
func ExampleNewBackupUser_existingVaultWithProtection() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyNasBackup"), nil)
	backup := qnapglacier.NewBackupUser(stack, jsii.String("Photos"), &qnapglacier.BackupUserProps{
		VaultName:           jsii.String("Family-Photos"),
		VaultMode:           qnapglacier.VaultModeExisting,
		VaultTags:           map[string]string{"owner": "me"},
		ProtectArchivesDays: jsii.Number(90),
	})
	after := awscdk.NewCfnWaitConditionHandle(stack, jsii.String("AfterVaultConfig"), nil)
	after.Node().AddDependency(backup.VaultConfig())

	template := app.Synth(nil).GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	var custom []string
	for _, r := range template["Resources"].(map[string]any) {
		if typ := r.(map[string]any)["Type"].(string); len(typ) > 8 && typ[:8] == "Custom::" {
			custom = append(custom, typ)
		}
	}
	sort.Strings(custom)
	fmt.Println(custom)
	// Output:
	// [Custom::GlacierAccountCheck Custom::GlacierVaultAccessPolicy Custom::GlacierVaultNotifications Custom::GlacierVaultTags]
}

// Two vaults sharing one topic: the topic gets Glacier's publish
// permission, and an address both users ask for is subscribed once.
func ExampleNewBackupUser_sharedTopic() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyNasBackup"), nil)
	topic := awssns.NewTopic(stack, jsii.String("Retrievals"), nil)
	for _, vault := range []string{"Family-Photos", "Documents"} {
		qnapglacier.NewBackupUser(stack, jsii.String(vault), &qnapglacier.BackupUserProps{
			VaultName:    jsii.String(vault),
			Topic:        topic,
			NotifyEmails: []string{"me@example.com"},
		})
	}

	template := app.Synth(nil).GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	count := map[string]int{}
	for _, r := range template["Resources"].(map[string]any) {
		count[r.(map[string]any)["Type"].(string)]++
	}
	fmt.Println("users:", count["AWS::IAM::User"])
	fmt.Println("topics:", count["AWS::SNS::Topic"])
	fmt.Println("topic policies:", count["AWS::SNS::TopicPolicy"])
	fmt.Println("subscriptions:", count["AWS::SNS::Subscription"])
	// Output:
	// users: 2
	// topics: 1
	// topic policies: 1
	// subscriptions: 1
}

// A stack per vault, with the outputs a NAS owner needs and a next step in
// the deploying app's own words.
func ExampleNewVaultStack() {
	app := awscdk.NewApp(nil)
	stack := qnapglacier.NewVaultStack(app, jsii.String("FamilyPhotos"), &qnapglacier.VaultStackProps{
		BackupUser: qnapglacier.BackupUserProps{VaultName: jsii.String("Family-Photos")},
		NextStep:   jsii.String("Enter the access key on the NAS and let it create the vault."),
	})

	template := app.Synth(nil).GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	var outputs []string
	for name := range template["Outputs"].(map[string]any) {
		outputs = append(outputs, name)
	}
	sort.Strings(outputs)
	fmt.Println(outputs)
	fmt.Println("vault:", *stack.BackupUser().VaultName())
	// Output:
	// [AccessKeyId GetSecretCommand NextStep SecretArn TopicArn UserName VaultArn VaultMode VaultName]
	// vault: Family-Photos
}

// A bucket for an account that does not use Glacier vaults: backups move
// to S3 Glacier Deep Archive after 30 days, and no one can delete a
// version younger than 90 days. The e-mail digest tells the owner, at most
// hourly, when restores complete; the bucket's own topic gets one event per
// restored object, for machines.
func ExampleNewBackupBucket() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyNasBackup"), nil)
	backup := qnapglacier.NewBackupBucket(stack, jsii.String("Photos"), &qnapglacier.BackupBucketProps{
		Name:                jsii.String("family-photos"),
		StorageClass:        qnapglacier.StorageClassDeepArchive,
		ArchiveAfterDays:    jsii.Number(30),
		ProtectArchivesDays: jsii.Number(90),
		NotifyEmails:        []string{"me@example.com"},
	})
	awscdk.NewCfnOutput(stack, jsii.String("SecretArn"), &awscdk.CfnOutputProps{Value: backup.Secret().SecretArn()})

	template := app.Synth(nil).GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	for _, r := range template["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == "AWS::S3::Bucket" {
			rule := r["Properties"].(map[string]any)["LifecycleConfiguration"].(map[string]any)["Rules"].([]any)[0].(map[string]any)
			fmt.Println("archive to:", rule["Transitions"].([]any)[0].(map[string]any)["StorageClass"])
			fmt.Println("keep deleted versions (days):", rule["NoncurrentVersionExpiration"].(map[string]any)["NoncurrentDays"])
		}
		if r["Type"] == "AWS::IAM::User" {
			fmt.Println("user:", r["Properties"].(map[string]any)["UserName"])
		}
	}
	fmt.Println("class:", backup.StorageClass())
	// Unordered output:
	// archive to: DEEP_ARCHIVE
	// keep deleted versions (days): 180
	// user: family-photos-user
	// class: DEEP_ARCHIVE
}

// A stack per bucket, with the outputs a NAS owner needs (never the
// secret itself), in an account and region of your choice.
func ExampleNewBucketStack() {
	app := awscdk.NewApp(nil)
	stack := qnapglacier.NewBucketStack(app, jsii.String("FamilyPhotos"), &qnapglacier.BucketStackProps{
		StackProps: awscdk.StackProps{Env: &awscdk.Environment{
			Account: jsii.String("111122223333"), Region: jsii.String("eu-west-1"),
		}},
		BackupBucket: qnapglacier.BackupBucketProps{Name: jsii.String("family-photos")},
	})

	template := app.Synth(nil).GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	var outputs []string
	for name := range template["Outputs"].(map[string]any) {
		outputs = append(outputs, name)
	}
	sort.Strings(outputs)
	fmt.Println(outputs)
	fmt.Println("bucket:", *stack.BackupBucket().BucketName())
	// Output:
	// [AccessKeyId BucketEndpoint BucketName BucketRegion DigestTopicArn GetSecretCommand SecretArn StorageClass TopicArn UserName]
	// bucket: family-photos-111122223333-eu-west-1
}

// Props validate themselves: every problem at once, each naming its field
// path within the stack's props, before anything is built.
func ExampleBucketStackProps_Validate() {
	props := &qnapglacier.BucketStackProps{BackupBucket: qnapglacier.BackupBucketProps{
		Name:                jsii.String("Family_Photos"),
		ProtectArchivesDays: jsii.Number(-1),
	}}
	fmt.Println(props.Validate())
	// Output:
	// BackupBucket.Name: "Family_Photos" has 'F' at position 1: must be 3 to 63 characters from a-z 0-9 -, starting and ending with a letter or digit (no capitals or '_')
	// BackupBucket.ProtectArchivesDays: -1: must be a whole number of days from 0 (off) to 36500
}

// A second principal (here a role for a restore job) gets the same vault
// actions as the NAS's user, on this vault only, through an awsiam.Grant.
func ExampleBackupUser_GrantBackup() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyNasBackup"), nil)
	backup := qnapglacier.NewBackupUser(stack, jsii.String("Photos"), &qnapglacier.BackupUserProps{
		VaultName: jsii.String("Family-Photos"),
	})
	restorer := awsiam.NewRole(stack, jsii.String("Restorer"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewAccountRootPrincipal(),
	})
	grant := backup.GrantBackup(restorer)
	fmt.Println("granted:", *grant.Success())
	// Output:
	// granted: true
}

// A monthly cost budget over the services the stacks use, e-mailed at 80 %
// and 100 % of the actual spend and at 100 % of the forecast.
func ExampleNewCostBudget() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Budget"), nil)
	qnapglacier.NewCostBudget(stack, jsii.String("Monthly"), &qnapglacier.CostBudgetProps{
		MonthlyLimitUsd: jsii.Number(5),
		NotifyEmails:    []string{"me@example.com"},
	})

	template := app.Synth(nil).GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	for _, r := range template["Resources"].(map[string]any) {
		if r := r.(map[string]any); r["Type"] == "AWS::Budgets::Budget" {
			budget := r["Properties"].(map[string]any)["Budget"].(map[string]any)
			fmt.Println(budget["BudgetLimit"], len(r["Properties"].(map[string]any)["NotificationsWithSubscribers"].([]any)))
		}
	}
	// Output:
	// map[Amount:5 Unit:USD] 3
}
