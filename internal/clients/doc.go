// Package clients holds the tests that run real backup clients (rclone,
// restic) against a local S3 bucket deciding every request with the
// policies cdk synth writes for a bucket target; see docs/clients.md.
package clients
