/**
 * The storage port on S3 through the AWS SDK, or anything that speaks its HTTP API (S3Proxy, LocalStack,
 * MinIO); versions are ETags.
 */
package dev.canopy.storage.s3;
