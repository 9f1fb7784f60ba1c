/**
 * `aws.credential.federation-token-issued`: `sts:GetFederationToken` called by a principal that is
 * not the organisation's automation. The credentials it returns outlive the key that made them
 * (up to 36 hours, and deleting the key does not revoke them), which makes it a persistence trick
 * as much as a federation API.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  failed,
  isAutomation,
  num,
  reqString,
  shift,
  str,
  where,
} from '../lib.js';

const ADMIN_POLICY = /(?:^|\/)(?:AdministratorAccess|IAMFullAccess|PowerUserAccess)$/;

/** True when the session policy passed with the request allows everything or all of IAM. */
function broadSessionPolicy(e: ApiEvent): boolean {
  for (const p of Array.isArray(e.request?.policyArns) ? e.request.policyArns : []) {
    const arn = str(p, 'arn');
    if (arn !== undefined && ADMIN_POLICY.test(arn)) return true;
  }
  const doc = reqString(e, 'policy');
  if (doc === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(doc);
    const statements = (parsed as { Statement?: unknown }).Statement;
    for (const s of Array.isArray(statements) ? statements : [statements]) {
      if (typeof s !== 'object' || s === null) continue;
      const st = s as { Effect?: unknown; Action?: unknown };
      const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
      if (st.Effect === 'Allow' && actions.some((a) => a === '*' || a === 'iam:*')) return true;
    }
  } catch {
    return false;
  }
  return false;
}

export default defineApiRule({
  id: 'aws.credential.federation-token-issued',
  title: 'Federation token issued outside automation',
  category: 'credential',
  row: 'CRED-1',
  priority: 'medium',
  mitre: ['T1550.001', 'T1098'],
  description:
    'GetFederationToken by a principal that is not the configured CI/CD. The API is meant for ' +
    'identity brokers; few organisations use it, while attackers do: the temporary credentials ' +
    'it issues last up to 36 hours, stay valid after the IAM user’s key is deleted or ' +
    'deactivated, and can be exchanged for a console session (GetSigninToken) without MFA. ' +
    'Requests whose session policy allows everything (`AdministratorAccess`, `IAMFullAccess`, ' +
    '`PowerUserAccess`, or an inline policy with `*` / `iam:*` actions) are one level higher. ' +
    'Failed calls (AccessDenied; root and role sessions may not call it) are one level lower as ' +
    'attempts.',
  falsePositives: [
    'A custom identity broker or proxy that issues federated credentials (list it in organisation.automationArns).',
  ],
  response: [
    'Ask the owner of the IAM user whether they requested federated credentials.',
    'If not: deny all actions to the federated user name with an inline deny on the issuing user (aws:TokenIssueTime), since deleting the key does not revoke them, then rotate the key.',
    'Look for GetSigninToken and other calls by the federated user (arn …:federated-user/<name>).',
  ],
  references: [
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html',
    'https://hackingthe.cloud/aws/post_exploitation/survive_access_key_deletion_with_sts_getfederationtoken/',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['sts.amazonaws.com'], eventNames: ['GetFederationToken'] },
  match: (e, ctx) => !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'medium'), (broadSessionPolicy(e) ? 1 : 0) + (failed(e) ? -1 : 0)),
  summary: (e) => {
    const name = reqString(e, 'name') ?? '(unnamed)';
    const seconds = num(e.request, 'durationSeconds');
    const duration = seconds === undefined ? '' : ` valid for ${Math.round(seconds / 360) / 10} h`;
    const broad = broadSessionPolicy(e) ? ' with an administrator session policy' : '';
    return `${actorName(e)} ${failed(e) ? 'tried to obtain' : 'obtained'} federated credentials for ${name}${duration}${broad} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An IAM user issues a 12-hour federation token with AdministratorAccess',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetFederationToken',
          sourceIPAddress: '198.51.100.23',
          userAgent:
            'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#legacy Botocore/1.34.69',
          readOnly: true,
          requestParameters: {
            name: 'dynamic_user',
            durationSeconds: 43200,
            policyArns: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
          },
          responseElements: {
            credentials: {
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPL17',
              sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
              expiration: 'Jan 2, 2026, 3:04:05 PM',
            },
            federatedUser: {
              federatedUserId: '123456789012:dynamic_user',
              arn: 'arn:aws:sts::123456789012:federated-user/dynamic_user',
            },
            packedPolicySize: 6,
          },
          host: 'sts.amazonaws.com',
        }),
      },
      {
        title: 'A denied call with an inline session policy',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetFederationToken',
          readOnly: true,
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::123456789012:federated-user/reader',
          requestParameters: {
            name: 'reader',
            policy:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The identity broker, configured as automation, issues a token',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:user/alice'] } },
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetFederationToken',
          readOnly: true,
          requestParameters: { name: 'portal-user-4711', durationSeconds: 3600 },
        }),
      },
      {
        title: 'GetSessionToken, which issues credentials for the caller itself',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetSessionToken',
          readOnly: true,
          requestParameters: { durationSeconds: 3600 },
        }),
      },
    ],
  },
});
