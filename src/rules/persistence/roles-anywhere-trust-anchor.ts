/**
 * `aws.persistence.roles-anywhere-trust-anchor`: IAM Roles Anywhere configured to trust a
 * certificate authority (CreateTrustAnchor, UpdateTrustAnchor) or to hand out roles
 * (CreateProfile, UpdateProfile). Anyone holding a certificate from a trusted CA can then get
 * role credentials from outside AWS, with no IAM user or key to revoke.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  names,
  reqString,
  shift,
  str,
  strings,
  where,
} from '../lib.js';
import {
  accountKnown,
  accountOfArn,
  accountsAssumption,
  automationAssumption,
} from '../lib/iam-principals.js';

const isAnchor = (e: ApiEvent): boolean => e.eventName.endsWith('TrustAnchor');

/**
 * How much a trust anchor's source opens: `external` for a CA bundle uploaded by the caller (any
 * CA, including one the attacker runs) or an ACM Private CA of a foreign account; `pca` for an
 * ACM Private CA of the organisation; undefined when the request names no source.
 */
function anchorSource(
  e: ApiEvent,
  ctx: RuleContext,
): { level: 'external' | 'pca'; what: string } | undefined {
  const source = at(e.request, 'source');
  const type = str(source, 'sourceType');
  if (type === undefined) return undefined;
  if (type.toUpperCase() === 'AWS_ACM_PCA') {
    const pca = str(source, 'sourceData', 'acmPcaArn');
    const account = accountOfArn(pca);
    if (account !== undefined && !accountKnown(e, ctx.org)(account)) {
      return {
        level: 'external',
        what: `ACM Private CA ${pca ?? ''} of foreign account ${account}`,
      };
    }
    return { level: 'pca', what: `ACM Private CA ${pca ?? '(unnamed)'}` };
  }
  return { level: 'external', what: `a CA certificate supplied in the request (${type})` };
}

function steps(e: ApiEvent, ctx: RuleContext): number {
  let s = 0;
  if (isAnchor(e)) {
    const src = anchorSource(e, ctx);
    // An update that leaves the source alone (a rename, notification settings) matters less.
    s = src === undefined ? -1 : src.level === 'external' ? 0 : -1;
  } else {
    s = -1;
  }
  if (isAutomation(e, ctx.org)) s -= 1;
  if (failed(e)) s -= 1;
  return s;
}

export default defineApiRule({
  id: 'aws.persistence.roles-anywhere-trust-anchor',
  title: 'IAM Roles Anywhere trust anchor or profile created or changed',
  category: 'persistence',
  row: null,
  priority: 'high',
  mitre: ['T1098.001', 'T1556'],
  description:
    'Roles Anywhere lets workloads outside AWS exchange an X.509 certificate for role credentials. ' +
    'CreateTrustAnchor or UpdateTrustAnchor with a CA certificate bundle in the request ' +
    "(sourceType CERTIFICATE_BUNDLE: whoever holds that CA's key can issue certificates at will) or " +
    "an ACM Private CA of an account that is neither configured nor the event's own is reported at " +
    'the rule priority; an ACM Private CA of the organisation, or an update that does not touch the ' +
    'source, one level lower. CreateProfile and UpdateProfile, which name the roles the anchor can ' +
    'hand out, are reported one level lower too and name the roles. The configured automation and ' +
    'failed calls lower the priority one level each. Deleting anchors and profiles does not match.',
  falsePositives: [
    'Hybrid workloads (on-premises servers, other clouds) onboarded to Roles Anywhere by the platform team.',
  ],
  response: [
    'Identify the CA behind the anchor (the certificate in the request) and who holds its key.',
    'If unexpected, disable or delete the trust anchor and the profiles using it, and review CreateSession events of rolesanywhere.amazonaws.com.',
    "Check the trust policies of the profile's roles: they must trust rolesanywhere.amazonaws.com with conditions on the certificate subject.",
  ],
  references: [
    'https://docs.aws.amazon.com/rolesanywhere/latest/userguide/introduction.html',
    'https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_CreateTrustAnchor.html',
  ],
  knobs: {},
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...accountsAssumption(ctx.org)],
  kind: 'match',
  on: {
    eventSource: ['rolesanywhere.amazonaws.com'],
    eventNames: ['CreateTrustAnchor', 'UpdateTrustAnchor', 'CreateProfile', 'UpdateProfile'],
  },
  match: () => true,
  priorityOf: (e, ctx): Priority => shift(basePriority(ctx, 'high'), steps(e, ctx)),
  summary: (e, ctx) => {
    const verb = e.eventName.startsWith('Create') ? ['created', 'create'] : ['updated', 'update'];
    const v = did(e, verb[0] as string, verb[1] as string);
    if (isAnchor(e)) {
      const name =
        reqString(e, 'name') ??
        str(e.response, 'trustAnchor', 'name') ??
        reqString(e, 'trustAnchorId') ??
        '(unnamed)';
      const src = anchorSource(e, ctx);
      return `${actorName(e)} ${v} Roles Anywhere trust anchor ${name}${src === undefined ? '' : ` trusting ${src.what}`} ${where(e)}`;
    }
    const name = reqString(e, 'name') ?? reqString(e, 'profileId') ?? '(unnamed)';
    const roles = strings(e.request, 'roleArns').map((r) => r.replace(/^.*:role\//, ''));
    return `${actorName(e)} ${v} Roles Anywhere profile ${name}${roles.length === 0 ? '' : ` for role ${names(roles)}`} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title:
          'A trust anchor for a CA bundle supplied by the caller (Stratus Red Team, as recorded, certificate shortened)',
        record: ctRecord({
          eventSource: 'rolesanywhere.amazonaws.com',
          eventName: 'CreateTrustAnchor',
          userAgent: 'stratus-red-team_d42001c7-3946-4d49-903d-c68f835109a3',
          requestParameters: {
            enabled: true,
            name: 'malicious-rolesanywhere-trust-anchor',
            source: {
              sourceData: {
                x509CertificateData:
                  '-----BEGIN CERTIFICATE-----\nMIIE3zCCAsegAwIBAgIJAOZLUn/n7YvYMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNV\nBAYTAkVTMB4XDTIyMDcxMDIxMjgxOVoXDTMyMDcwNzIxMjgxOVowDTELMAkGA1UE\nBhMCRVMwggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQDb0ga7LzegYNXV\n-----END CERTIFICATE-----',
              },
              sourceType: 'CERTIFICATE_BUNDLE',
            },
            tags: [
              { key: 'HIDDEN_DUE_TO_SECURITY_REASONS', value: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
            ],
          },
          responseElements: {
            trustAnchor: {
              createdAt: '2026-01-02T03:04:05.230465Z',
              enabled: true,
              name: 'malicious-rolesanywhere-trust-anchor',
              notificationSettings: [
                {
                  channel: 'ALL',
                  configuredBy: 'rolesanywhere.amazonaws.com',
                  enabled: true,
                  event: 'CA_CERTIFICATE_EXPIRY',
                  threshold: 45,
                },
                {
                  channel: 'ALL',
                  configuredBy: 'rolesanywhere.amazonaws.com',
                  enabled: true,
                  event: 'END_ENTITY_CERTIFICATE_EXPIRY',
                  threshold: 45,
                },
              ],
              source: {
                sourceData: {
                  x509CertificateData:
                    '-----BEGIN CERTIFICATE-----\nMIIE3zCCAsegAwIBAgIJAOZLUn/n7YvYMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNV\nBAYTAkVTMB4XDTIyMDcxMDIxMjgxOVoXDTMyMDcwNzIxMjgxOVowDTELMAkGA1UE\nBhMCRVMwggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQDb0ga7LzegYNXV\n-----END CERTIFICATE-----\n',
                },
                sourceType: 'CERTIFICATE_BUNDLE',
              },
              trustAnchorArn:
                'arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/49e25ec3-bdfe-4150-8683-b4ea4ee85cfd',
              trustAnchorId: '49e25ec3-bdfe-4150-8683-b4ea4ee85cfd',
              updatedAt: '2026-01-02T03:04:05.230465Z',
            },
          },
        }),
      },
      {
        title: 'A profile handing out a role (Stratus Red Team, as recorded)',
        record: ctRecord({
          eventSource: 'rolesanywhere.amazonaws.com',
          eventName: 'CreateProfile',
          userAgent: 'stratus-red-team_d42001c7-3946-4d49-903d-c68f835109a3',
          requestParameters: {
            durationSeconds: 3600,
            enabled: true,
            name: 'malicious-rolesanywhere-profile',
            roleArns: ['arn:aws:iam::123456789012:role/stratus-red-team-trust-anchor-role'],
            tags: [
              { key: 'HIDDEN_DUE_TO_SECURITY_REASONS', value: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
            ],
          },
          responseElements: {
            profile: {
              createdAt: '2026-01-02T03:04:05.431264Z',
              createdBy: 'arn:aws:iam::123456789012:user/alice',
              durationSeconds: 3600,
              enabled: true,
              name: 'malicious-rolesanywhere-profile',
              profileArn:
                'arn:aws:rolesanywhere:us-east-1:123456789012:profile/ac4e09d1-a150-4924-bb76-23b00fa7c34a',
              profileId: 'ac4e09d1-a150-4924-bb76-23b00fa7c34a',
              roleArns: ['arn:aws:iam::123456789012:role/stratus-red-team-trust-anchor-role'],
              updatedAt: '2026-01-02T03:04:05.431264Z',
            },
          },
        }),
      },
      {
        title: 'A trust anchor switched to an ACM Private CA of the organisation',
        record: ctRecord({
          eventSource: 'rolesanywhere.amazonaws.com',
          eventName: 'UpdateTrustAnchor',
          identity: IDENTITIES.role,
          requestParameters: {
            trustAnchorId: '7c1f0a2e-5b3d-4e6f-8a9b-0c1d2e3f4a5b',
            source: {
              sourceType: 'AWS_ACM_PCA',
              sourceData: {
                acmPcaArn:
                  'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0b8f4c2d-6e1a-4d3b-9f7e-5a2c8b1d4e6f',
              },
            },
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A trust anchor deleted (Stratus Red Team tear-down, as recorded)',
        record: ctRecord({
          eventSource: 'rolesanywhere.amazonaws.com',
          eventName: 'DeleteTrustAnchor',
          userAgent: 'stratus-red-team_d42001c7-3946-4d49-903d-c68f835109a3',
          requestParameters: { trustAnchorId: '49e25ec3-bdfe-4150-8683-b4ea4ee85cfd' },
        }),
      },
    ],
  },
});
