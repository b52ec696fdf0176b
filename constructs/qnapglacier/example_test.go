package qnapglacier_test

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
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
