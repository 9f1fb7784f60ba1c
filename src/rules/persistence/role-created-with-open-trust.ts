/**
 * `aws.persistence.role-created-with-open-trust`: CreateRole with a trust policy that lets in any
 * principal, a foreign account, or an identity provider without a subject condition. A new role
 * an outsider can assume is a backdoor that survives the removal of every user and key.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  failed,
  IDENTITIES,
  isAutomation,
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
import { describeTrustVerdict, judgeTrust, trustSteps } from '../lib/policy.js';
import type { TrustVerdict } from '../lib/policy.js';

/** The request's document, else the URL-encoded copy IAM returns in `responseElements.role`. */
function verdict(e: ApiEvent, ctx: RuleContext): TrustVerdict | undefined {
  const doc =
    at(e.request, 'assumeRolePolicyDocument') ?? at(e.response, 'role', 'assumeRolePolicyDocument');
  return judgeTrust(doc, accountKnown(e, ctx.org));
}

const ROLE_RESPONSE = (name: string, doc: string): JsonObject => ({
  role: {
    path: '/',
    roleName: name,
    roleId: 'AROA4XJ7LBQ5EXAMPLE12',
    arn: `arn:aws:iam::123456789012:role/${name}`,
    createDate: 'Jan 2, 2026, 3:04:05 AM',
    assumeRolePolicyDocument: encodeURIComponent(doc),
  },
});

const FOREIGN_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` },
      Action: 'sts:AssumeRole',
    },
  ],
});

const OWN_ACCOUNT_TRUST =
  '{"Statement":[{"Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Effect":"Allow","Principal":{"AWS":"123456789012"},"Sid":""}],"Version":"2012-10-17"}';

const GITHUB_WIDE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: {
        Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' },
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      },
    },
  ],
});

const GITHUB_PINNED = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: {
        Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringLike: {
          'token.actions.githubusercontent.com:sub': 'repo:acme/infra:ref:refs/heads/main',
        },
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      },
    },
  ],
});

export default defineApiRule({
  id: 'aws.persistence.role-created-with-open-trust',
  title: 'Role created with a trust policy open to outsiders',
  category: 'persistence',
  row: 'PER-1',
  priority: 'high',
  mitre: ['T1098.003', 'T1136.003'],
  description:
    'CreateRole whose assumeRolePolicyDocument (read from the request, or from the URL-encoded copy ' +
    'in responseElements.role) lets in: any principal (`*`, {"AWS": "*"}, NotPrincipal) without a ' +
    'restricting condition such as aws:PrincipalOrgID, aws:SourceAccount or sts:ExternalId, reported ' +
    'one level above the rule priority; an account that is neither configured ' +
    "(organisation.accounts, trustedAccounts) nor the event's own; a federated principal in such an " +
    'account or one that is no IAM SAML/OIDC provider; or an OIDC provider (GitHub Actions, GitLab, ' +
    'EKS) without a `<provider>:sub` condition or with a subject that admits anyone (`*`, `repo:*`). ' +
    'Roles trusting AWS services, the own account or configured accounts do not match. An unreadable ' +
    'document is reported two levels lower; the configured automation and failed calls lower the ' +
    'priority one level each.',
  falsePositives: [
    'Roles for vendors whose account is not yet listed in organisation.trustedAccounts.',
  ],
  response: [
    "Identify the outside principal and whether anyone asked for it; check the role's permissions (ListAttachedRolePolicies, ListRolePolicies).",
    'If unexpected, delete the role (after detaching its policies) or narrow its trust policy, and investigate the creator.',
    'Search for AssumeRole into the role to see whether it was already used.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
  ],
  knobs: {},
  assumptions: (ctx) => [...automationAssumption(ctx.org), ...accountsAssumption(ctx.org)],
  kind: 'match',
  on: { eventSource: ['iam.amazonaws.com'], eventNames: ['CreateRole'] },
  match: (e, ctx) => verdict(e, ctx) !== undefined,
  priorityOf: (e, ctx): Priority => {
    const v = verdict(e, ctx);
    let steps = v === undefined ? 0 : trustSteps(v);
    if (isAutomation(e, ctx.org)) steps -= 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e, ctx) => {
    const v = verdict(e, ctx);
    const role = reqString(e, 'roleName') ?? '(unnamed)';
    const verb = failed(e) ? 'tried to create' : 'created';
    return `${actorName(e)} ${verb} role ${role} whose trust policy ${v === undefined ? 'is open' : describeTrustVerdict(v)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: "A role trusting a foreign account's root",
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateRole',
          identity: IDENTITIES.role,
          requestParameters: {
            path: '/',
            roleName: 'support-access',
            assumeRolePolicyDocument: FOREIGN_TRUST,
            maxSessionDuration: 43200,
          },
          responseElements: ROLE_RESPONSE('support-access', FOREIGN_TRUST),
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A GitHub Actions role open to every repository (sub "repo:*")',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateRole',
          requestParameters: {
            path: '/',
            roleName: 'gha-deploy',
            assumeRolePolicyDocument: GITHUB_WIDE,
          },
          responseElements: ROLE_RESPONSE('gha-deploy', GITHUB_WIDE),
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title:
          'Only the URL-encoded response copy present (request parameters trimmed by an export)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateRole',
          requestParameters: { path: '/', roleName: 'open-role' },
          responseElements: ROLE_RESPONSE(
            'open-role',
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}',
          ),
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A role trusting its own account (Stratus Red Team set-up, as recorded)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateRole',
          userAgent:
            'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) stratus-red-team_39f95f43-cd2f-4beb-b69e-be60b6fe1f57 HashiCorp-terraform-exec/0.17.3',
          requestParameters: {
            path: '/',
            roleName: 'stratus-red-team-ec2-get-password-data-role',
            assumeRolePolicyDocument: OWN_ACCOUNT_TRUST,
            maxSessionDuration: 3600,
            tags: [{ key: 'StratusRedTeam', value: 'true' }],
          },
          responseElements: ROLE_RESPONSE(
            'stratus-red-team-ec2-get-password-data-role',
            OWN_ACCOUNT_TRUST,
          ),
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A GitHub Actions role pinned to one repository and branch',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateRole',
          requestParameters: {
            path: '/',
            roleName: 'gha-deploy',
            assumeRolePolicyDocument: GITHUB_PINNED,
          },
          responseElements: ROLE_RESPONSE('gha-deploy', GITHUB_PINNED),
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A Lambda execution role (service principal)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateRole',
          requestParameters: {
            path: '/',
            roleName: 'stratus-red-team-backdoor-f-lambda',
            assumeRolePolicyDocument:
              '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Action": "sts:AssumeRole",\n      "Principal": {\n        "Service": "lambda.amazonaws.com"\n      },\n      "Effect": "Allow",\n      "Sid": ""\n    }\n  ]\n}\n',
            maxSessionDuration: 3600,
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
