/**
 * `aws.persistence.role-trust-policy-changed`: UpdateAssumeRolePolicy rewrote who may assume a
 * role. Letting in everyone, a foreign account or an identity provider without a subject
 * condition is a durable backdoor: the role keeps its permissions and the attacker needs no user
 * of their own. Other trust changes by people are reported low, since they change who can act.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import type { RuleContext } from '../../engine/rule.js';
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
  where,
} from '../lib.js';
import {
  accountKnown,
  accountsAssumption,
  automationAssumption,
  FOREIGN_ACCOUNT,
} from '../lib/iam-principals.js';
import {
  allowedPrincipals,
  describeTrustVerdict,
  judgeTrust,
  readPolicy,
  trustSteps,
} from '../lib/policy.js';
import type { TrustVerdict } from '../lib/policy.js';

function verdict(e: ApiEvent, ctx: RuleContext): TrustVerdict | undefined {
  return judgeTrust(at(e.request, 'policyDocument'), accountKnown(e, ctx.org));
}

function principalsNow(e: ApiEvent): string[] {
  const read = readPolicy(at(e.request, 'policyDocument'));
  return read?.ok === true ? allowedPrincipals(read.statements) : [];
}

const PREVIOUS = 'the policy it replaced is not in the record';

export default defineApiRule({
  id: 'aws.persistence.role-trust-policy-changed',
  title: 'Role trust policy changed',
  category: 'persistence',
  row: 'PER-1',
  priority: 'high',
  mitre: ['T1098.003', 'T1484.002'],
  description:
    "UpdateAssumeRolePolicy replaced a role's trust policy. The new document (a JSON string, " +
    'URL-encoded or not) is judged on its own: an Allow for any principal (`*`, {"AWS": "*"} or ' +
    'NotPrincipal) without a restricting condition (aws:PrincipalOrgID, aws:PrincipalAccount, ' +
    'aws:SourceAccount, aws:SourceArn, sts:ExternalId and the like) is reported one level above the ' +
    'rule priority; an AWS principal in an account that is neither configured (organisation.accounts, ' +
    "trustedAccounts) nor the event's own, a federated principal in such an account or one that is " +
    'no IAM SAML/OIDC provider, and an OIDC provider without a `<provider>:sub` condition or with a ' +
    'subject that admits anyone (`*`, `repo:*`) are reported at the rule priority. CloudTrail logs no ' +
    'copy of the trust policy being replaced (responseElements is null), so the rule cannot tell ' +
    'whether a principal is new; the summary says so and names the principals now trusted. Any other ' +
    'trust change by an identity outside the configured automation is reported two levels lower. ' +
    'Calls by the automation and failed calls lower risky findings one level each.',
  falsePositives: [
    'Vendor integrations (monitoring, backup, security tools) whose account is not yet in organisation.trustedAccounts.',
    'GitHub Actions roles written with a broad subject by mistake (the finding is the reason to narrow them).',
  ],
  response: [
    'Compare the new trust policy with the previous one (AWS Config history, or IaC state) and identify the principals that were added.',
    "If a principal is unknown, restore the previous trust policy and revoke the role's sessions (AWSRevokeOlderSessions).",
    "Look for AssumeRole into the role from the added principal (in the other account's CloudTrail, or sharedEventID in yours).",
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  ],
  knobs: {},
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...accountsAssumption(ctx.org)],
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['UpdateAssumeRolePolicy'] },
  match: (e, ctx) => verdict(e, ctx) !== undefined || !isAutomation(e, ctx.org),
  priorityOf: (e, ctx): Priority => {
    const v = verdict(e, ctx);
    if (v === undefined) return shift(basePriority(ctx, 'high'), -2 - (failed(e) ? 1 : 0));
    let steps = trustSteps(v);
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e, ctx) => {
    const v = verdict(e, ctx);
    const role = reqString(e, 'roleName') ?? '(unnamed)';
    const head = `${actorName(e)} ${did(e, 'changed', 'change')} the trust policy of role ${role}`;
    if (v !== undefined) {
      const tense = failed(e) ? 'would have' : 'now';
      const what =
        v.kind === 'unreadable'
          ? `but the new policy ${describeTrustVerdict(v)}`
          : `so it ${tense} ${describeTrustVerdict(v).replace(/^lets/, failed(e) ? 'let' : 'lets')}`;
      return `${head} ${what} ${where(e)}; ${PREVIOUS}`;
    }
    return `${head} (now trusting ${names(principalsNow(e))}) ${where(e)}; ${PREVIOUS}`;
  },
  examples: {
    fire: [
      {
        title: "A foreign account added to a role's trust (Stratus Red Team backdoor, as recorded)",
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAssumeRolePolicy',
          userAgent: 'stratus-red-team_8f96a106-8714-4a09-b482-2592e8964fb0',
          requestParameters: {
            roleName: 'stratus-red-team-backdoor-r-role',
            policyDocument:
              '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": {\n        "Service": "ec2.amazonaws.com"\n      },\n      "Action": "sts:AssumeRole"\n    },\n    {\n      "Effect": "Allow",\n      "Principal": {\n        "AWS": "arn:aws:iam::193672423079:root"\n      },\n      "Action": "sts:AssumeRole"\n    }\n  ]\n}',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'Principal "*" without a condition',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAssumeRolePolicy',
          identity: IDENTITIES.role,
          requestParameters: {
            roleName: 'data-export',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'GitHub Actions OIDC trust with no subject condition',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAssumeRolePolicy',
          requestParameters: {
            roleName: 'gha-deploy',
            policyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: {
                    Federated:
                      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
                  },
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: {
                    StringEquals: {
                      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                    },
                  },
                },
              ],
            }),
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title:
          'A person narrows a role back to an AWS service (Stratus Red Team clean-up, as recorded)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAssumeRolePolicy',
          userAgent: 'stratus-red-team_ab44e842-2a25-45ad-a141-42e46aab0f86',
          requestParameters: {
            policyDocument:
              '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Sid":""}],"Version":"2012-10-17"}',
            roleName: 'stratus-red-team-backdoor-r-role',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'The configured pipeline trusts a configured vendor account with an external id',
        config: {
          organisation: {
            automationArns: ['arn:aws:iam::*:role/deploy-*'],
            trustedAccounts: [FOREIGN_ACCOUNT],
          },
        },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAssumeRolePolicy',
          identity: IDENTITIES.ci,
          requestParameters: {
            roleName: 'vendor-monitoring',
            policyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` },
                  Action: 'sts:AssumeRole',
                  Condition: { StringEquals: { 'sts:ExternalId': 'acme-7f3a9c' } },
                },
              ],
            }),
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'The configured pipeline trusts the whole organisation with aws:PrincipalOrgID',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateAssumeRolePolicy',
          identity: IDENTITIES.ci,
          requestParameters: {
            roleName: 'org-reader',
            policyDocument:
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
