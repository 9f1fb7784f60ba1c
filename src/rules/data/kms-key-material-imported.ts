/**
 * `aws.data.kms-key-material-imported`: key material imported into a KMS key, or imported key
 * material deleted. With imported (BYOK) material, whoever supplied it can make the key useless by
 * deleting the material or letting it expire: the cloud version of ransomware's "only we hold the
 * key". Deleting imported material is that step.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { kmsKeyNames } from '../lib/ownership.js';

function keyName(e: ApiEvent): string {
  const names = kmsKeyNames(e);
  return names.find((n) => n.startsWith('arn:')) ?? names[0] ?? '(unnamed key)';
}

function expires(e: ApiEvent): boolean {
  return reqString(e, 'expirationModel') === 'KEY_MATERIAL_EXPIRES';
}

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e';
const KEY_RESOURCE = [{ accountId: '123456789012', type: 'AWS::KMS::Key', ARN: KEY_ARN }];

export default defineApiRule({
  id: 'aws.data.kms-key-material-imported',
  title: 'KMS key material imported or deleted',
  category: 'data',
  row: null,
  priority: 'medium',
  mitre: ['T1486'],
  description:
    'A principal called ImportKeyMaterial (the key now depends on material from outside AWS; one ' +
    'level higher when the request sets expirationModel KEY_MATERIAL_EXPIRES, so the key stops ' +
    'working on a date the importer chose) or DeleteImportedKeyMaterial (everything encrypted ' +
    'under the key becomes unreadable until the same material is imported again; one level ' +
    'higher). An attacker who imports material they alone hold, re-encrypts data under it and ' +
    'then deletes it holds the data to ransom. Failed calls are one level lower as attempts.',
  falsePositives: [
    'Organisations with a bring-your-own-key policy importing or rotating material on schedule.',
  ],
  response: [
    'Confirm with the key owner that the import or deletion was planned and who holds the material.',
    "For a deletion, find what the key protects and whether the material can be re-imported from the organisation's own copy.",
    'Restrict kms:ImportKeyMaterial and kms:DeleteImportedKeyMaterial to the key administrators.',
  ],
  references: [
    'https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html',
    'https://docs.aws.amazon.com/kms/latest/APIReference/API_DeleteImportedKeyMaterial.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['kms.amazonaws.com'],
    eventNames: ['ImportKeyMaterial', 'DeleteImportedKeyMaterial'],
  },
  match: () => true,
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (e.eventName === 'DeleteImportedKeyMaterial' || expires(e) ? 1 : 0) - (failed(e) ? 1 : 0),
    ),
  summary: (e) => {
    if (e.eventName === 'DeleteImportedKeyMaterial') {
      return `${actorName(e)} ${did(e, 'deleted', 'delete')} the imported key material of KMS key ${keyName(e)} ${where(e)}`;
    }
    const until = reqString(e, 'validTo');
    return (
      `${actorName(e)} ${did(e, 'imported', 'import')} key material into KMS key ${keyName(e)}` +
      `${expires(e) ? ` that expires${until === undefined ? '' : ` ${until}`}` : ''} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Expiring key material imported',
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'ImportKeyMaterial',
          eventVersion: '1.08',
          userAgent: USER_AGENTS.boto3,
          requestParameters: {
            keyId: '5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e',
            validTo: 'Jan 16, 2026, 12:00:00 AM',
            expirationModel: 'KEY_MATERIAL_EXPIRES',
          },
          resources: KEY_RESOURCE,
        }),
      },
      {
        title: 'Imported key material deleted',
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'DeleteImportedKeyMaterial',
          eventVersion: '1.08',
          identity: 'role',
          requestParameters: { keyId: KEY_ARN },
          resources: KEY_RESOURCE,
        }),
      },
    ],
    miss: [
      {
        title: 'Import parameters requested (no material imported yet)',
        record: ctRecord({
          eventSource: 'kms.amazonaws.com',
          eventName: 'GetParametersForImport',
          eventVersion: '1.08',
          readOnly: true,
          requestParameters: {
            keyId: '5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e',
            wrappingAlgorithm: 'RSAES_OAEP_SHA_256',
            wrappingKeySpec: 'RSA_4096',
          },
          resources: KEY_RESOURCE,
        }),
      },
    ],
  },
});
