package verify

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// code checks that a function runs the code its template names: Lambda's
// CodeSha256 must be the SHA-256 of the deployment package the template's
// Code names in S3 (what `aws cloudformation package` uploaded) or, where
// that cannot be read, of the caller's own copy of it (LocalCode). Code
// replaced after deployment runs as the function's role, so it may use what
// the role may: a check that cannot compare fails, never passes.
func (v Verifier) code(ctx context.Context, s *stack, fn string) Line {
	subject := "function " + fn
	promised, err := s.resolve(s.resource(fn).Prop("Code"))
	if err != nil {
		return unresolved(subject, "the template's code", err)
	}
	out, err := v.functionConfiguration(ctx, s, s.physical[fn])
	if err != nil {
		return v.unanswered(subject, "code", fmt.Errorf("GetFunctionConfiguration: %w", err))
	}
	want, source, err := v.artifactSHA256(ctx, s, promised)
	if err != nil {
		if v.LocalCode == "" {
			return v.unanswered(subject, "code", fmt.Errorf("%w, and no local package was given (verify -code FILE)", err))
		}
		want, source = v.LocalCode, "the local package (the template's "+err.Error()+")"
	}
	if got := aws.ToString(out.CodeSha256); got != want {
		return Line{Fail, subject, fmt.Sprintf("runs code whose CodeSha256 is %s, not that of %s, %s: its code was changed after deployment", got, source, want)}
	}
	return Line{Pass, subject, fmt.Sprintf("runs the code of %s (CodeSha256 %s)", source, want)}
}

// artifactSHA256 gives the CodeSha256 of the deployment package a
// function's Code names, and says which package it is.
func (v Verifier) artifactSHA256(ctx context.Context, s *stack, code any) (sha, source string, err error) {
	bucket, key, version := cfn.Text(cfn.At(code, "S3Bucket")), cfn.Text(cfn.At(code, "S3Key")), cfn.Text(cfn.At(code, "S3ObjectVersion"))
	switch {
	case cfn.At(code, "ZipFile") != nil:
		return "", "", errors.New("the template gives the code inline (ZipFile), and Lambda's package of it cannot be rebuilt")
	case cfn.At(code, "ImageUri") != nil:
		return "", "", errors.New("the template names a container image, which verify does not compare")
	case bucket == "" || key == "":
		return "", "", errors.New("the template's Code names no S3 package")
	}
	source = "s3://" + bucket + "/" + key
	if version != "" {
		source += " (version " + version + ")"
	}
	sha, err = s.asked.artifacts.ask(source, func() (string, error) {
		in := &s3.GetObjectInput{Bucket: &bucket, Key: &key}
		if version != "" {
			in.VersionId = &version
		}
		out, err := v.S3.GetObject(ctx, in)
		if err != nil {
			return "", fmt.Errorf("GetObject: %w", err)
		}
		defer out.Body.Close()
		return CodeSHA256(out.Body)
	})
	if err != nil {
		return "", "", fmt.Errorf("%s cannot be read: %w", source, err)
	}
	return sha, source, nil
}

// CodeSHA256 gives what Lambda reports as a function's CodeSha256 for the
// deployment package r reads: the base64 of its SHA-256.
func CodeSHA256(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}
