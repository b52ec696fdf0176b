package awsfake_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/glacier"
	gtypes "github.com/aws/aws-sdk-go-v2/service/glacier/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/qnap-glacier/qnap-glacier/internal/awsfake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cfg(f *awsfake.Fake, key, secret string) aws.Config {
	return aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(f.URL),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")}
}

// TestErrorsDecodeAsTheSDKDecodesAWSErrors checks the fake's error wire
// formats with the SDK's own deserializers: each error arrives as the
// modeled type or with the code AWS sends.
func TestErrorsDecodeAsTheSDKDecodesAWSErrors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "constructs", "qnapglacier", "testdata", "golden", "stack-mode.template.json"))
	require.NoError(t, err)
	f := awsfake.Start("111122223333")
	defer f.Close()
	d, err := f.Deploy(raw, "QnapGlacier-QNAP-Glacier-Vault", "eu-west-1")
	require.NoError(t, err)
	ctx := context.Background()
	admin := cfg(f, awsfake.Admin, awsfake.AdminSecret)
	nas := cfg(f, d.AccessKeyID, d.SecretAccessKey)

	var api smithy.APIError
	_, err = cloudformation.NewFromConfig(admin).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("QnapGlacier-Nope")})
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "ValidationError", api.ErrorCode())
	assert.Equal(t, "Stack with id QnapGlacier-Nope does not exist", api.ErrorMessage())

	_, err = sts.NewFromConfig(cfg(f, "AKIANOSUCHKEY0000000", "x")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "InvalidClientTokenId", api.ErrorCode())

	var notFound *smtypes.ResourceNotFoundException
	_, err = secretsmanager.NewFromConfig(admin).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("nope")})
	assert.True(t, errors.As(err, &notFound), "%v", err)
	_, err = secretsmanager.NewFromConfig(nas).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("nope")})
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "AccessDeniedException", api.ErrorCode())

	var snsNotFound *snstypes.NotFoundException
	_, err = sns.NewFromConfig(admin).ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:111122223333:nope")})
	assert.True(t, errors.As(err, &snsNotFound), "%v", err)

	g := glacier.NewFromConfig(nas)
	_, err = g.DeleteVault(ctx, &glacier.DeleteVaultInput{AccountId: aws.String("-"), VaultName: aws.String("QNAP-Glacier-Vault")})
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "AccessDeniedException", api.ErrorCode())
	var vaultNotFound *gtypes.ResourceNotFoundException
	_, err = g.DescribeVault(ctx, &glacier.DescribeVaultInput{AccountId: aws.String("-"), VaultName: aws.String("Other")})
	assert.True(t, errors.As(err, &vaultNotFound), "%v", err)
	out, err := g.GetVaultNotifications(ctx, &glacier.GetVaultNotificationsInput{AccountId: aws.String("-"), VaultName: aws.String("QNAP-Glacier-Vault")})
	require.NoError(t, err)
	assert.Equal(t, []string{"ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"}, out.VaultNotificationConfig.Events)
	assert.Equal(t, d.Stack.Outputs["TopicArn"], aws.ToString(out.VaultNotificationConfig.SNSTopic))

	f.Mu.Lock()
	f.NoLongerSupported = true
	f.Mu.Unlock()
	var gone *gtypes.NoLongerSupportedException
	_, err = g.ListVaults(ctx, &glacier.ListVaultsInput{AccountId: aws.String("-")})
	assert.True(t, errors.As(err, &gone), "%v", err)
}
