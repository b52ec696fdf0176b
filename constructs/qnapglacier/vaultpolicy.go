package qnapglacier

import (
	"slices"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// The Glacier actions of a vault's backup user are tables in
// internal/rules (rules.VaultGlobalActions, rules.VaultActions): the
// reference policy's lists.

// deleteArchive is the one vault action that ProtectArchivesDays limits.
const deleteArchive = "glacier:DeleteArchive"

// archiveAgeKey is the condition key Glacier sets on DeleteArchive requests.
const archiveAgeKey = "glacier:ArchiveAgeInDays"

// userPolicyDocument is the backup user's managed policy: the reference
// policy, with its placeholder resource replaced by vaultArn. With
// protectDays above 0, DeleteArchive moves to a statement of its own that
// allows it only for archives at least that many days old. It is built as
// one JSON document, one call to the CDK, not a call per statement.
func userPolicyDocument(vaultArn *string, protectDays float64) awsiam.PolicyDocument {
	actions, _ := vaultUserActions(protectDays)
	statements := []any{
		map[string]any{"Sid": "AllowGlacierGlobal", "Effect": "Allow", "Action": rules.VaultGlobalActions, "Resource": "*"},
		map[string]any{"Sid": "AllowGlacierVault", "Effect": "Allow", "Action": actions, "Resource": vaultArn},
	}
	if protectDays > 0 {
		statements = append(statements, map[string]any{
			"Sid": "AllowDeleteOldArchivesOnly", "Effect": "Allow", "Action": deleteArchive, "Resource": vaultArn,
			"Condition": map[string]any{"NumericGreaterThanEquals": map[string]any{archiveAgeKey: days(protectDays)}},
		})
	}
	return awsiam.PolicyDocument_FromJson(map[string]any{"Version": "2012-10-17", "Statement": statements})
}

// vaultUserActions are the vault actions the user gets without a
// condition, and whether DeleteArchive is granted apart, only for archives
// at least protectDays old: one list for the user's policy and for
// [BackupUser.GrantBackup].
func vaultUserActions(protectDays float64) (actions []string, deleteOnlyOld bool) {
	if protectDays > 0 {
		return slices.DeleteFunc(slices.Clone(rules.VaultActions), func(a string) bool { return a == deleteArchive }), true
	}
	return rules.VaultActions, false
}

// days renders a day count as IAM condition values are written.
func days(n float64) string { return strconv.FormatFloat(n, 'f', 0, 64) }
