package qnapglacier

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/qnap-glacier/qnap-glacier/internal/rules"
)

// defaultUserPath is the IAM path of the user and its policy, as in the
// reference Terraform module.
const defaultUserPath = "/automation/"

// BackupUserProps configures a [BackupUser].
type BackupUserProps struct {
	// VaultName is the Glacier vault the user may use: 1 to 255 characters
	// from a-z, A-Z, 0-9, "_", "-" and ".". Required.
	VaultName *string

	// UserName is the IAM user's name: 1 to 64 characters from letters,
	// digits and "+=,.@_-".
	//
	// Default: "<vault>-user", shortened with a hash past 64 characters.
	UserName *string

	// UserPath is the IAM path of the user and of its managed policy.
	//
	// Default: "/automation/".
	UserPath *string

	// KeySerial is the access key's serial number, a whole number from 0 up.
	// Raising it replaces the access key and updates the secret: that is how
	// the key is rotated.
	//
	// Default: 1.
	KeySerial *float64

	// SecretEncryptionKey encrypts the secret that holds the access key.
	// Bring a customer managed key to share the secret with another
	// account (Secret().GrantRead(awsiam.NewAccountPrincipal(...))): the
	// AWS managed key cannot be used from another account.
	//
	// Default: the account's AWS managed key for Secrets Manager
	// (aws/secretsmanager).
	SecretEncryptionKey awskms.IKey

	// Topic receives the vault's retrieval notifications. Bring your own to
	// share one topic between vaults. Unless its policy already allows
	// glacier.amazonaws.com, the BackupUser adds a statement that lets
	// Glacier publish for this stack's account; for a topic with no policy
	// yet that creates one, which replaces SNS's default policy. An imported
	// topic's policy cannot be changed: the BackupUser then adds a warning
	// ([TopicPolicyWarning]) and the caller must allow Glacier themselves.
	// Each address in NotifyEmails is subscribed to a topic once, however
	// many BackupUsers share it; for a topic in another stack the
	// subscription is made in that stack. In app mode the watcher's error
	// alarm publishes to it too: a topic of yours with a policy must also
	// allow cloudwatch.amazonaws.com sns:Publish (the BackupUser adds that
	// statement only to a topic it creates). In app mode, another
	// BackupUser's topic must be in the same stack: the statement for this
	// alarm would make the two stacks depend on each other, so it is
	// refused.
	//
	// Default: a new topic that enforces TLS and lets only Glacier, on
	// behalf of this account, and (app mode) the watcher's alarm publish.
	Topic awssns.ITopic

	// NotifyEmails are e-mail addresses subscribed to the topic. Each one
	// gets a confirmation e-mail from AWS on deploy.
	//
	// Default: no subscriptions.
	NotifyEmails []string

	// VaultMode says who creates the vault, and so whether the stack may
	// configure it: [VaultModeApp], [VaultModeExisting] or [VaultModeStack].
	// Changing it never replaces the user, its key or its secret.
	//
	// Default: [VaultModeApp].
	VaultMode VaultMode

	// VaultTags are tags the stack puts on the vault (at deploy time in the
	// existing and stack modes; in app mode the watcher does, once the
	// vault exists), on top of the project and vault tags. Keys: 1 to 128
	// characters, not starting with "aws:"; values: up to 256 characters;
	// letters, digits, spaces and _ . : / = + - @. At most 48; in app mode
	// together no longer than the watcher's 4 KB Lambda environment allows
	// (about 3,700 characters as JSON; Validate says).
	//
	// Default: only the project and vault tags.
	VaultTags map[string]string

	// ProtectArchivesDays guards backups against a stolen key or ransomware
	// on the NAS: when above 0, nobody may delete an archive younger than
	// this many days. The user's own policy allows DeleteArchive only for
	// older archives (in every mode), and a vault access policy denies it to
	// every principal (set at deploy time in the existing and stack modes,
	// by the watcher once the vault exists in app mode; lowering or turning
	// protection off changes or removes it the same way). A whole number
	// from 0 to 36500.
	//
	// Default: 0 (off), as in the reference policy.
	ProtectArchivesDays *float64
}

// VaultMode says who creates a vault and whether the stack configures it.
type VaultMode string

const (
	// VaultModeApp leaves the vault to the backup app, as the QNAP app
	// insists: the stack creates no vault and configures none at deploy
	// time. Instead a watcher (an hourly Lambda function) waits for the app
	// to create the vault, then sets its notifications, tags and protection,
	// puts them back when they are changed by hand, and tells the topic
	// when it changed something. No second deploy is needed.
	VaultModeApp VaultMode = "app"
	// VaultModeExisting configures a vault that already exists: its
	// notifications, its tags and the archive protection policy.
	VaultModeExisting VaultMode = "existing"
	// VaultModeStack creates the vault (createVault is idempotent) and then
	// configures it as VaultModeExisting does. The vault is never deleted.
	VaultModeStack VaultMode = "stack"
)

// VaultModes returns the valid vault modes, in the order the docs list
// them. The slice is new on every call: changing it changes nothing here.
func VaultModes() []VaultMode {
	return []VaultMode{VaultModeApp, VaultModeExisting, VaultModeStack}
}

// configuresVault reports whether the stack configures the vault.
func (m VaultMode) configuresVault() bool { return m == VaultModeExisting || m == VaultModeStack }

// withDefaults returns a copy of props with every unset field filled in.
// The caller's props are never written to.
func (p *BackupUserProps) withDefaults() BackupUserProps {
	c := *p
	c.NotifyEmails = append([]string(nil), p.NotifyEmails...)
	if c.UserName == nil {
		c.UserName = jsii.String(rules.DefaultUserName(*c.VaultName))
	}
	if c.UserPath == nil {
		c.UserPath = jsii.String(defaultUserPath)
	}
	if c.KeySerial == nil {
		c.KeySerial = jsii.Number(rules.DefaultKeySerial)
	}
	if c.VaultMode == "" {
		c.VaultMode = VaultModeApp
	}
	if c.ProtectArchivesDays == nil {
		c.ProtectArchivesDays = jsii.Number(0)
	}
	c.VaultTags = maps.Clone(p.VaultTags)
	return c
}

// Validate reports every problem with props, one per line, each naming the
// field, the bad value and what is allowed. Values that are CDK tokens
// (resolved only at deploy time) are not checked. [NewBackupUser] and
// [NewVaultStack] panic with the same problems (prefixed with the
// construct's path); call Validate first to handle them as an error.
func (p *BackupUserProps) Validate() error {
	if p == nil {
		return errors.New("props: required, with at least VaultName")
	}
	var errs []error
	if p.VaultName == nil {
		errs = append(errs, errors.New("VaultName: required"))
	} else if err := rules.ValidateVaultName(*p.VaultName); err != nil && !isToken(p.VaultName) {
		errs = append(errs, fmt.Errorf("VaultName: %w", err))
	}
	errs = append(errs, credentialProblems(p.UserName, p.UserPath, p.KeySerial, p.NotifyEmails)...)
	if p.VaultMode != "" {
		if err := rules.ValidateVaultMode(string(p.VaultMode)); err != nil {
			errs = append(errs, fmt.Errorf("VaultMode: %w", err))
		}
	}
	if p.ProtectArchivesDays != nil && !isTokenNumber(p.ProtectArchivesDays) {
		if err := rules.ValidateProtectArchivesDays(*p.ProtectArchivesDays); err != nil {
			errs = append(errs, fmt.Errorf("ProtectArchivesDays: %w", err))
		}
	}
	if err := rules.ValidateVaultTags(p.VaultTags, isTokenText); err != nil {
		errs = append(errs, inField("VaultTags", ": ", err)...)
	} else if err := watcherTagProblem(p); err != nil {
		errs = append(errs, fmt.Errorf("VaultTags: %w", err))
	} else if err := watcherEnvProblem(p); err != nil {
		errs = append(errs, fmt.Errorf("VaultTags: %w", err))
	}
	return errors.Join(errs...)
}

// isTokenText reports whether s is a CDK token: the rules package's
// checks skip those.
func isTokenText(s string) bool { return isToken(&s) }

func isToken(s *string) bool {
	return s != nil && strings.Contains(*s, "${Token[") && *awscdk.Token_IsUnresolved(s)
}

func isTokenNumber(n *float64) bool {
	// Number tokens are encoded as huge negative doubles (-1.8881545897087626e+289 and
	// nearby): only those are worth a round trip to the CDK.
	return n != nil && *n < -1e280 && *awscdk.Token_IsUnresolved(n)
}
