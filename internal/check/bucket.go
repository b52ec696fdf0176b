package check

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// CheckPrefix is the reserved key prefix of the check's test objects. The
// NAS never writes there.
const CheckPrefix = "qnap-glacier-check/"

// s3Client is an S3 client for cfg that sends what the NAS's clients send:
// Content-MD5, and no flexible checksum the clients do not send.
func s3Client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
}

// bucket checks a bucket with the NAS's key: an upload as real clients
// send it and its read-back, versioning and Object Lock, three refusals
// that protect the backups, and a delete that leaves a delete marker.
func (c *Checker) bucket(ctx context.Context, t Target, info *stackInfo) {
	s := s3Client(info.nas)
	stack, bucket := t.Stack, info.outputs["BucketName"]
	deploy := "run cdk deploy " + stack + " again to restore the user's policy."
	cctx, cancel := c.callContext(ctx)
	defer cancel()

	key := CheckPrefix + strconv.FormatInt(c.now().UnixNano(), 10)
	body := []byte("qnap-glacier check " + c.now().UTC().Format(time.RFC3339) + "\n")
	sum := md5.Sum(body)
	put, err := s.PutObject(cctx, &s3.PutObjectInput{
		Bucket:     aws.String(bucket),
		Key:        aws.String(key),
		Body:       bytes.NewReader(body),
		ContentMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:])),
		// The header HBS 3, rclone (acl = bucket-owner-full-control) and
		// other clients send; a bucket with ACLs disabled accepts only it.
		ACL: s3types.ObjectCannedACLBucketOwnerFullControl,
	})
	if err != nil {
		c.add(stack, "upload", Fail, fmt.Sprintf("the NAS's key cannot upload to %s (%s).", bucket, short(err)), deploy)
		// What can be read still is: it may say why.
		c.versioning(cctx, s, stack, bucket)
		c.objectLock(cctx, s, t, bucket)
		return
	}
	version := aws.ToString(put.VersionId)
	c.add(stack, "upload", OK, fmt.Sprintf("wrote s3://%s/%s with Content-MD5 and x-amz-acl: bucket-owner-full-control.", bucket, key), "")

	get, err := s.GetObject(cctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		c.add(stack, "read back", Fail, "the NAS's key cannot read its upload back ("+short(err)+").", deploy)
	} else {
		got, rerr := io.ReadAll(get.Body)
		get.Body.Close()
		if rerr != nil || !bytes.Equal(got, body) {
			c.add(stack, "read back", Fail, "the object read back differs from the one written.", "run the check again; if it persists, check for a proxy between you and S3.")
		} else {
			c.add(stack, "read back", OK, "read the object back unchanged.", "")
		}
	}

	versioned := c.versioning(cctx, s, stack, bucket)
	c.objectLock(cctx, s, t, bucket)

	// A version delete of the check's own key's "null" version, which does
	// not exist while versioning is on: if S3 allowed it, it would at most
	// remove the check's own object.
	_, err = s.DeleteObject(cctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String("null")})
	c.refused(stack, "version delete", err, "s3:DeleteObjectVersion",
		"a stolen key could delete old versions of backups.")

	// A governance bypass on the check's own object only: at most it sets
	// that object's retention to one day.
	target := version
	if target == "" {
		target = "null"
	}
	_, err = s.PutObjectRetention(cctx, &s3.PutObjectRetentionInput{
		Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(target),
		BypassGovernanceRetention: aws.Bool(true),
		Retention: &s3types.ObjectLockRetention{Mode: s3types.ObjectLockRetentionModeGovernance,
			RetainUntilDate: aws.Time(c.now().Add(24 * time.Hour).UTC().Truncate(time.Second))},
	})
	c.refused(stack, "governance bypass", err, "s3:BypassGovernanceRetention",
		"a stolen key could lift the protection of backups.")

	// A bucket policy change that changes nothing: the policy as it is,
	// read with your credentials, put back with the NAS's.
	admin := s3Client(c.Config)
	pol, err := admin.GetBucketPolicy(cctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch {
	case code(err) == "NoSuchBucketPolicy":
		c.add(stack, "policy change", Fail, "the bucket has no bucket policy: nothing denies the NAS's key the protected actions.", "run cdk deploy "+stack+" again, which sets it.")
	case err != nil:
		c.add(stack, "policy change", Fail, "cannot read the bucket policy with your credentials ("+short(err)+"), so the check cannot put it back unchanged.",
			"run the check with the credentials you deploy with (they need s3:GetBucketPolicy).")
	default:
		_, err = s.PutBucketPolicy(cctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: pol.Policy})
		c.refused(stack, "policy change", err, "s3:PutBucketPolicy", "a stolen key could rewrite the bucket's protection.")
	}

	del, err := s.DeleteObject(cctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	switch {
	case err != nil:
		c.add(stack, "delete", Fail, "the NAS's key cannot delete its upload ("+short(err)+"): backup apps that prune will fail.", deploy)
	case aws.ToBool(del.DeleteMarker):
		c.add(stack, "delete", OK, "deleted the object: S3 left a delete marker and kept the version.", "")
	case !versioned:
		// Reported once, on the versioning line.
		c.add(stack, "delete", OK, "deleted the object; no delete marker, since versioning is off (see versioning).", "")
	default:
		c.add(stack, "delete", Fail, "deleted the object without a delete marker: the version is gone.", "turn versioning on: run cdk deploy "+stack+" again.")
	}
}

// refused records whether a request the NAS's key must not make was
// refused with AccessDenied.
func (c *Checker) refused(stack, check string, err error, action, harm string) {
	if isAccessDenied(err) {
		c.add(stack, check, OK, "refused (AccessDenied), as it should be.", "")
		return
	}
	detail := "not refused for lack of permission"
	if err != nil {
		detail += " (" + short(err) + ")"
	}
	c.add(stack, check, Fail, detail+": "+harm,
		"run cdk deploy "+stack+" again so that the bucket policy denies "+action+" to the backup user, and remove it from any policy attached to that user.")
}

// versioning reports the bucket's versioning, and whether it is on.
func (c *Checker) versioning(ctx context.Context, s *s3.Client, stack, bucket string) bool {
	v, err := s.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	switch {
	case err != nil:
		c.add(stack, "versioning", Fail, "the NAS's key cannot read it ("+short(err)+").", "run cdk deploy "+stack+" again to restore the user's policy.")
		return true
	case v.Status == s3types.BucketVersioningStatusEnabled:
		c.add(stack, "versioning", OK, "enabled.", "")
		return true
	default:
		state := string(v.Status)
		if state == "" {
			state = "off"
		}
		c.add(stack, "versioning", Fail, state+": an overwrite or a delete destroys the backup.",
			"run cdk deploy "+stack+" again, which turns versioning on.")
		return false
	}
}

func (c *Checker) objectLock(ctx context.Context, s *s3.Client, t Target, bucket string) {
	out, err := s.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bucket)})
	stack := t.Stack
	days := strconv.FormatFloat(t.ProtectDays, 'f', 0, 64)
	if code(err) == "ObjectLockConfigurationNotFoundError" || (err == nil && (out.ObjectLockConfiguration == nil ||
		out.ObjectLockConfiguration.ObjectLockEnabled != s3types.ObjectLockEnabledEnabled)) {
		c.add(stack, "object lock", Fail, "Object Lock is not enabled on the bucket.",
			"Object Lock can only be enabled on a new bucket: give the bucket a new \"bucketName\" in cdk.json and run cdk deploy "+stack+".")
		return
	}
	if err != nil {
		c.add(stack, "object lock", Fail, "the NAS's key cannot read it ("+short(err)+").", "run cdk deploy "+stack+" again to restore the user's policy.")
		return
	}
	var rule *s3types.DefaultRetention
	if r := out.ObjectLockConfiguration.Rule; r != nil {
		rule = r.DefaultRetention
	}
	switch {
	case t.ProtectDays <= 0 && rule == nil:
		c.add(stack, "object lock", OK, "enabled, no default retention (protectArchivesDays is not set).", "")
	case t.ProtectDays <= 0:
		c.add(stack, "object lock", Fail, fmt.Sprintf("a default retention %s %d days is set, but protectArchivesDays is not.", rule.Mode, aws.ToInt32(rule.Days)),
			"run cdk deploy "+stack+" again to set the retention as configured.")
	case rule == nil:
		c.add(stack, "object lock", Fail, "enabled, but no default retention: new backups are not protected for "+days+" days.",
			"run cdk deploy "+stack+" again, which sets the default retention GOVERNANCE "+days+" days.")
	case rule.Mode != s3types.ObjectLockRetentionModeGovernance || strconv.Itoa(int(aws.ToInt32(rule.Days))) != days:
		c.add(stack, "object lock", Fail, fmt.Sprintf("default retention %s %d days, %s", rule.Mode, aws.ToInt32(rule.Days), "not GOVERNANCE "+days+" days as configured."),
			"run cdk deploy "+stack+" again to set the retention as configured.")
	default:
		c.add(stack, "object lock", OK, "enabled, default retention GOVERNANCE "+days+" days.", "")
	}
}
