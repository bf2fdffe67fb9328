# Invoke functions when objects change in an S3 bucket. Without bucket_arn the module creates
# the bucket: private, encrypted, versioned, and reachable over TLS only.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  create      = var.bucket_arn == null
  bucket_name = local.create ? aws_s3_bucket.this[0].id : element(split(":::", var.bucket_arn), 1)
  bucket_arn  = local.create ? aws_s3_bucket.this[0].arn : var.bucket_arn
  # One permission per function, however many notifications lead to it.
  functions = { for notification in var.notifications : notification.function_name => notification.function_arn... }
}

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV2_AWS_62: its event notifications are this module's aws_s3_bucket_notification, which the check does not follow through the bucket_arn choice
  # checkov:skip=CKV_AWS_144: cross-region replication needs a second bucket in another region, a disaster-recovery choice; add it in user_tf/ where required
  # checkov:skip=CKV_AWS_18: server access logs need a log bucket of their own; add one (or CloudTrail data events) where the estate requires it
  count = local.create ? 1 : 0

  bucket = var.name
  tags   = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = local.create ? 1 : 0

  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

# Versioning keeps every overwritten or deleted object: old versions go after 30 days, and
# uploads never completed after 7, so that the bucket does not grow without bound.
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "tls_only" {
  count = local.create ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  count = local.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = data.aws_iam_policy_document.tls_only[0].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_lambda_permission" "this" {
  for_each = local.functions

  statement_id   = "AllowS3-${var.name}"
  action         = "lambda:InvokeFunction"
  function_name  = each.key
  principal      = "s3.amazonaws.com"
  source_arn     = local.bucket_arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_s3_bucket_notification" "this" {
  bucket = local.bucket_name

  dynamic "lambda_function" {
    for_each = var.notifications

    content {
      lambda_function_arn = lambda_function.value.function_arn
      events              = lambda_function.value.events
      filter_prefix       = lambda_function.value.prefix
      filter_suffix       = lambda_function.value.suffix
    }
  }

  # S3 tests each destination when the notification is set: the permissions must exist.
  depends_on = [aws_lambda_permission.this]
}
