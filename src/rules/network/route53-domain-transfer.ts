/**
 * `aws.network.route53-domain-transfer`: a registered domain prepared for, or moved by, a
 * transfer: the transfer lock removed, the transfer authorisation code retrieved, the domain
 * handed to another AWS account, or a transfer into Route 53 started. Losing a domain hands its
 * mail, web traffic and certificate issuance to whoever now controls it.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { Organisation } from '../../config/schema.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, basePriority, ctRecord, did, failed, reqString, shift, where } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { accountsAssumption, isForeignAccount } from '../lib/ownership.js';

function targetAccount(e: ApiEvent): string | undefined {
  return reqString(e, 'accountId', 'AccountId');
}

function steps(e: ApiEvent, org: Organisation): number {
  switch (e.eventName) {
    case 'TransferDomainToAnotherAwsAccount':
      return isForeignAccount(targetAccount(e), e, org) ? 1 : -1;
    case 'DisableDomainTransferLock':
      return 0;
    default:
      // RetrieveDomainAuthCode and TransferDomain (a transfer in from another registrar).
      return -1;
  }
}

function domainRecord(
  eventName: string,
  request: JsonObject,
  extra: Partial<CtRecordInput> = {},
): JsonObject {
  return ctRecord({
    eventSource: 'route53domains.amazonaws.com',
    eventName,
    requestParameters: request,
    responseElements: { operationId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b' },
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.network.route53-domain-transfer',
  title: 'Route 53 domain transfer lock removed or domain transferred',
  category: 'network',
  row: null,
  priority: 'high',
  mitre: ['T1584.001'],
  description:
    'A Route 53 Domains call weakened control over a registered domain: DisableDomainTransferLock ' +
    '(the registrar lock that stops transfers), TransferDomainToAnotherAwsAccount (the domain ' +
    'moves to another AWS account; one level higher when that account is not among the own or ' +
    'trusted accounts, one level lower when it is), RetrieveDomainAuthCode (the code another ' +
    'registrar needs to take the domain; one level lower) or TransferDomain (a transfer into ' +
    'Route 53 from another registrar; one level lower). Domain hijacking is quiet and slow to ' +
    'undo. Failed calls are one level lower as attempts.',
  falsePositives: [
    "A planned move of a domain between the organisation's accounts or registrars.",
    'Registrar housekeeping by the team that owns DNS.',
  ],
  response: [
    "Re-enable the transfer lock (EnableDomainTransferLock) and check the domain's contacts and name servers (GetDomainDetail).",
    'For a transfer to another account, cancel it while it is pending (CancelDomainTransferToAnotherAwsAccount).',
    'Contact AWS Support at once if a transfer completed without approval.',
  ],
  references: [
    'https://docs.aws.amazon.com/Route53/latest/APIReference/API_domains_DisableDomainTransferLock.html',
    'https://docs.aws.amazon.com/Route53/latest/APIReference/API_domains_TransferDomainToAnotherAwsAccount.html',
    'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/domain-transfer-between-aws-accounts.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['route53domains.amazonaws.com'],
    eventNames: [
      'DisableDomainTransferLock',
      'TransferDomainToAnotherAwsAccount',
      'RetrieveDomainAuthCode',
      'TransferDomain',
    ],
  },
  match: () => true,
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'high'), steps(e, ctx.org) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const domain = reqString(e, 'domainName', 'DomainName') ?? '(unnamed domain)';
    switch (e.eventName) {
      case 'DisableDomainTransferLock':
        return `${actorName(e)} ${did(e, 'removed', 'remove')} the transfer lock of domain ${domain} ${where(e)}`;
      case 'TransferDomainToAnotherAwsAccount':
        return `${actorName(e)} ${did(e, 'started transferring', 'transfer')} domain ${domain} to account ${targetAccount(e) ?? '(unnamed)'} ${where(e)}`;
      case 'RetrieveDomainAuthCode':
        return `${actorName(e)} ${did(e, 'retrieved', 'retrieve')} the transfer authorisation code of domain ${domain} ${where(e)}`;
      default:
        return `${actorName(e)} ${did(e, 'started a transfer of', 'transfer')} domain ${domain} into Route 53 ${where(e)}`;
    }
  },
  examples: {
    fire: [
      {
        title: 'The transfer lock of the company domain removed',
        record: domainRecord('DisableDomainTransferLock', { domainName: 'example.com' }),
      },
      {
        title: 'The domain handed to an unknown AWS account',
        record: domainRecord(
          'TransferDomainToAnotherAwsAccount',
          { domainName: 'example.com', accountId: '444455556666' },
          { identity: 'role' },
        ),
      },
      {
        title: 'The transfer authorisation code retrieved',
        record: ctRecord({
          eventSource: 'route53domains.amazonaws.com',
          eventName: 'RetrieveDomainAuthCode',
          requestParameters: { domainName: 'example.com' },
          responseElements: { authCode: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        }),
      },
    ],
    miss: [
      {
        title: 'The transfer lock enabled',
        record: domainRecord('EnableDomainTransferLock', { domainName: 'example.com' }),
      },
    ],
  },
});
