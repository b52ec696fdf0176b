package qnapglacier_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/qnap-glacier/qnap-glacier/constructs/qnapglacier"
	"github.com/qnap-glacier/qnap-glacier/internal/cdktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No synth here: the names are claimed while the constructs are built.

func TestRejectsTwoBackupUsersWhoseIAMNamesCollideInOneStack(t *testing.T) {
	cases := []struct {
		name       string
		a, b       qnapglacier.BackupUserProps
		wantSubstr string
	}{
		{"rejects two users for the same vault",
			qnapglacier.BackupUserProps{VaultName: jsii.String("Photos")},
			qnapglacier.BackupUserProps{VaultName: jsii.String("Photos"), UserName: jsii.String("other-user")},
			`IAM managed policy name "QNAPGlacierIAMUserPolicy-Photos" is taken in stack Names by Names/A`},
		{"rejects vault names that differ only in letter case",
			qnapglacier.BackupUserProps{VaultName: jsii.String("Photos")},
			qnapglacier.BackupUserProps{VaultName: jsii.String("photos")},
			`Names/B: IAM user name "photos-user" is taken in stack Names by Names/A: IAM names are unique per account and ignore letter case; give UserName a value of its own`},
		{"rejects a user name that another vault's default takes",
			qnapglacier.BackupUserProps{VaultName: jsii.String("Photos")},
			qnapglacier.BackupUserProps{VaultName: jsii.String("Music"), UserName: jsii.String("PHOTOS-USER")},
			`IAM user name "PHOTOS-USER" is taken`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stack := awscdk.NewStack(cdktest.NewApp(nil, nil), jsii.String("Names"), nil)
			qnapglacier.NewBackupUser(stack, jsii.String("A"), &c.a)
			defer func() {
				r := recover()
				require.NotNil(t, r, "the second BackupUser must be refused at synth")
				assert.Contains(t, fmt.Sprint(r), c.wantSubstr)
			}()
			qnapglacier.NewBackupUser(stack, jsii.String("B"), &c.b)
		})
	}
}

func TestRejectsABackupBucketWhoseIAMNamesCollideInOneStack(t *testing.T) {
	vault := func(name string) func(constructs.Construct, string) {
		return func(scope constructs.Construct, id string) {
			qnapglacier.NewBackupUser(scope, jsii.String(id), &qnapglacier.BackupUserProps{VaultName: jsii.String(name)})
		}
	}
	bucket := func(props qnapglacier.BackupBucketProps) func(constructs.Construct, string) {
		return func(scope constructs.Construct, id string) {
			qnapglacier.NewBackupBucket(scope, jsii.String(id), &props)
		}
	}
	cases := []struct {
		name       string
		a, b       func(constructs.Construct, string)
		wantSubstr string
	}{
		{"rejects two buckets for the same target",
			bucket(qnapglacier.BackupBucketProps{Name: jsii.String("photos")}),
			bucket(qnapglacier.BackupBucketProps{Name: jsii.String("photos"), BucketName: jsii.String("other-photos"), UserName: jsii.String("other-user")}),
			`Names/B: IAM managed policy name "QNAPGlacierS3UserPolicy-photos" is taken in stack Names by Names/A: IAM names are unique per account and ignore letter case; give Name a value of its own`},
		{"rejects a bucket user name that differs from another bucket's only in case",
			bucket(qnapglacier.BackupBucketProps{Name: jsii.String("photos")}),
			bucket(qnapglacier.BackupBucketProps{Name: jsii.String("music"), UserName: jsii.String("Photos-User")}),
			`Names/B: IAM user name "Photos-User" is taken in stack Names by Names/A: IAM names are unique per account and ignore letter case; give UserName a value of its own`},
		{"rejects a bucket whose user is a vault's in another case",
			vault("Photos"),
			bucket(qnapglacier.BackupBucketProps{Name: jsii.String("photos")}),
			`Names/B: IAM user name "photos-user" is taken in stack Names by Names/A`},
		{"rejects a vault whose user is a bucket's",
			bucket(qnapglacier.BackupBucketProps{Name: jsii.String("photos")}),
			vault("photos"),
			`Names/B: IAM user name "photos-user" is taken in stack Names by Names/A`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stack := awscdk.NewStack(cdktest.NewApp(nil, nil), jsii.String("Names"), nil)
			c.a(stack, "A")
			defer func() {
				r := recover()
				require.NotNil(t, r, "the second target must be refused at synth")
				assert.Contains(t, fmt.Sprint(r), c.wantSubstr)
			}()
			c.b(stack, "B")
		})
	}
}

func TestBucketAndVaultOfDifferentNamesShareAStack(t *testing.T) {
	stack := awscdk.NewStack(cdktest.NewApp(nil, nil), jsii.String("Both"), nil)
	assert.NotPanics(t, func() {
		qnapglacier.NewBackupUser(stack, jsii.String("V"), &qnapglacier.BackupUserProps{VaultName: jsii.String("Photos")})
		qnapglacier.NewBackupBucket(stack, jsii.String("B"), &qnapglacier.BackupBucketProps{Name: jsii.String("music")})
		qnapglacier.NewBackupBucket(stack, jsii.String("C"), &qnapglacier.BackupBucketProps{Name: jsii.String("films")})
	})
}
