/**
 * The data rules (matrix rows DATA-1 and DATA-2, and data-protection detections beyond the
 * matrix), in the order the registry lists them.
 */
import type { Rule } from '../../engine/rule.js';
import amiShared from './ami-shared.js';
import backupDeleted from './backup-deleted.js';
import ebsDefaultEncryptionDisabled from './ebs-default-encryption-disabled.js';
import ebsSnapshotShared from './ebs-snapshot-shared.js';
import ec2BlockPublicAccessDisabled from './ec2-block-public-access-disabled.js';
import exportTask from './export-task.js';
import kmsGrantToForeignPrincipal from './kms-grant-to-foreign-principal.js';
import kmsKeyDisabledOrDeleted from './kms-key-disabled-or-deleted.js';
import kmsKeyMaterialImported from './kms-key-material-imported.js';
import kmsKeyPolicyOpened from './kms-key-policy-opened.js';
import rdsDeletionProtectionRemoved from './rds-deletion-protection-removed.js';
import rdsMadePublic from './rds-made-public.js';
import rdsMasterPasswordChanged from './rds-master-password-changed.js';
import rdsSnapshotShared from './rds-snapshot-shared.js';
import resourcePolicyCrossAccount from './resource-policy-cross-account.js';
import resourcePolicyPublic from './resource-policy-public.js';
import s3AccessLoggingDisabled from './s3-access-logging-disabled.js';
import s3BucketPolicyCrossAccount from './s3-bucket-policy-cross-account.js';
import s3BucketPublicPolicy from './s3-bucket-public-policy.js';
import s3CopyToForeignBucket from './s3-copy-to-foreign-bucket.js';
import s3PublicAccessBlockRemoved from './s3-public-access-block-removed.js';
import s3PublicAcl from './s3-public-acl.js';
import s3RansomwareEncryption from './s3-ransomware-encryption.js';
import s3ReplicationToForeignAccount from './s3-replication-to-foreign-account.js';
import s3VersioningSuspended from './s3-versioning-suspended.js';
import secretScheduledForDeletion from './secret-scheduled-for-deletion.js';
import secretsBatchRetrieved from './secrets-batch-retrieved.js';
import sensitiveResourceAccess from './sensitive-resource-access.js';
import snapshotCopied from './snapshot-copied.js';
import snapshotCreated from './snapshot-created.js';
import snapshotShareUsed from './snapshot-share-used.js';
import secretReadBurst from './secret-read-burst.js';
import parameterDecryptBurst from './parameter-decrypt-burst.js';
import objectDownloadSpike from './object-download-spike.js';
import objectBytesSpike from './object-bytes-spike.js';
import kmsDecryptSpike from './kms-decrypt-spike.js';
import sensitiveAccessOutsideHours from './sensitive-access-outside-hours.js';

export const DATA_RULES: readonly Rule[] = [
  // data, DATA-1: sensitive resources and exfiltration through S3 and Secrets Manager
  sensitiveResourceAccess,
  secretsBatchRetrieved,
  s3CopyToForeignBucket,
  s3RansomwareEncryption,
  // data, DATA-2: snapshots, images and exports
  ebsSnapshotShared,
  amiShared,
  rdsSnapshotShared,
  snapshotShareUsed,
  snapshotCopied,
  snapshotCreated,
  exportTask,
  // data, beyond the matrix: S3 exposure and protection
  s3BucketPublicPolicy,
  s3BucketPolicyCrossAccount,
  s3PublicAcl,
  s3PublicAccessBlockRemoved,
  s3VersioningSuspended,
  s3AccessLoggingDisabled,
  // data, beyond the matrix: encryption keys and databases
  ebsDefaultEncryptionDisabled,
  kmsKeyDisabledOrDeleted,
  kmsKeyMaterialImported,
  kmsKeyPolicyOpened,
  rdsMadePublic,
  rdsMasterPasswordChanged,
  // data, beyond the matrix: impact and exposure
  s3ReplicationToForeignAccount,
  resourcePolicyPublic,
  resourcePolicyCrossAccount,
  kmsGrantToForeignPrincipal,
  ec2BlockPublicAccessDisabled,
  backupDeleted,
  rdsDeletionProtectionRemoved,
  secretScheduledForDeletion,
  // DATA-1: behaviour over time
  secretReadBurst,
  parameterDecryptBurst,
  objectDownloadSpike,
  objectBytesSpike,
  kmsDecryptSpike,
  sensitiveAccessOutsideHours,
];
