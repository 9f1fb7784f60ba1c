/**
 * `aws.persistence.oidc-provider-changed`: an IAM OpenID Connect provider created, given a new
 * audience (client id), or given new certificate thumbprints. Roles that trust an OIDC provider
 * accept its tokens; a new provider, an extra audience or a thumbprint that matches another
 * server's certificate widens who can present them.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
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
import { automationAssumption } from '../lib/iam-principals.js';

function provider(e: ApiEvent): string {
  // `field` also tries the PascalCase spelling (`OpenIDConnectProviderArn`).
  return (
    reqString(e, 'openIDConnectProviderArn') ??
    str(e.response, 'openIDConnectProviderArn') ??
    reqString(e, 'url') ??
    '(unnamed)'
  );
}

export default defineApiRule({
  id: 'aws.persistence.oidc-provider-changed',
  title: 'IAM OIDC identity provider created or widened',
  category: 'persistence',
  row: null,
  priority: 'medium',
  mitre: ['T1484.002', 'T1098'],
  description:
    'CreateOpenIDConnectProvider, AddClientIDToOpenIDConnectProvider or ' +
    'UpdateOpenIDConnectProviderThumbprint. A provider is the first half of web-identity federation ' +
    '(the second is a role trusting it, which aws.persistence.role-created-with-open-trust and ' +
    'role-trust-policy-changed judge); an added client id lets tokens issued to another audience in; ' +
    'new thumbprints change which TLS certificate IAM accepts for the issuer. The configured ' +
    'automation and failed calls lower the priority one level each. Deleting a provider does not ' +
    'match.',
  falsePositives: [
    'CI/CD federation set up by hand (GitHub Actions, GitLab, Terraform Cloud) and EKS clusters creating their IRSA provider.',
  ],
  response: [
    'Check that the issuer URL belongs to a system you run or use (GetOpenIDConnectProvider).',
    'List roles trusting the provider and check their conditions pin audience and subject.',
    'If unexpected, delete the provider or remove the client id, and review AssumeRoleWithWebIdentity events that used it.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: [
      'CreateOpenIDConnectProvider',
      'AddClientIDToOpenIDConnectProvider',
      'UpdateOpenIDConnectProviderThumbprint',
    ],
  },
  match: () => true,
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'medium'), -(isAutomation(e, ctx.org) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const p = provider(e);
    switch (e.eventName) {
      case 'CreateOpenIDConnectProvider': {
        const audiences = strings(e.request, 'clientIDList');
        return `${actorName(e)} ${did(e, 'created', 'create')} OIDC identity provider ${p}${audiences.length === 0 ? '' : ` for audience ${names(audiences)}`} ${where(e)}`;
      }
      case 'AddClientIDToOpenIDConnectProvider':
        return `${actorName(e)} ${did(e, 'added', 'add')} audience ${reqString(e, 'clientID') ?? '(unnamed)'} to OIDC identity provider ${p} ${where(e)}`;
      default:
        return `${actorName(e)} ${did(e, 'replaced', 'replace')} the certificate thumbprints of OIDC identity provider ${p} ${where(e)}`;
    }
  },
  examples: {
    fire: [
      {
        title: 'A GitHub Actions provider created',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateOpenIDConnectProvider',
          requestParameters: {
            url: 'https://token.actions.githubusercontent.com',
            clientIDList: ['sts.amazonaws.com'],
            thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
          },
          responseElements: {
            openIDConnectProviderArn:
              'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'An audience added to an existing provider',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'AddClientIDToOpenIDConnectProvider',
          identity: IDENTITIES.role,
          requestParameters: {
            openIDConnectProviderArn:
              'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
            clientID: 'my-other-app',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'Thumbprints replaced',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateOpenIDConnectProviderThumbprint',
          requestParameters: {
            openIDConnectProviderArn:
              'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/4F0C2B7E9D1A3C5E7B9D1F3A5C7E9B1D',
            thumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'An OIDC provider deleted',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeleteOpenIDConnectProvider',
          requestParameters: {
            openIDConnectProviderArn:
              'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
          },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
