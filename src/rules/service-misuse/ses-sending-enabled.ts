/**
 * `aws.service-misuse.ses-sending-enabled`: Amazon SES set up for sending by an identity outside
 * the configured automation: a sender address or domain put through verification, account sending
 * switched back on, or production access (leaving the sandbox) requested. Leaked access keys are
 * routinely turned into spam and phishing runs through the victim's SES reputation.
 */
import { z } from 'zod';
import type { Priority } from '../../config/schema.js';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  basePriority,
  bool,
  byAwsService,
  ctRecord,
  failed,
  IDENTITIES,
  isAutomation,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationAssumption } from '../lib/ownership.js';

/** Calls that start verification of a sender identity, with the parameter naming it. */
const VERIFICATIONS: Readonly<Record<string, string>> = {
  VerifyEmailIdentity: 'emailAddress',
  VerifyEmailAddress: 'emailAddress',
  VerifyDomainIdentity: 'domain',
  VerifyDomainDkim: 'domain',
  CreateEmailIdentity: 'emailIdentity',
};

function isVerification(e: ApiEvent): boolean {
  return Object.hasOwn(VERIFICATIONS, e.eventName);
}

function identityOf(e: ApiEvent): string | undefined {
  const param = Object.hasOwn(VERIFICATIONS, e.eventName) ? VERIFICATIONS[e.eventName] : undefined;
  return param === undefined ? undefined : reqString(e, param);
}

/** True for the account-level switches when they turn sending (or production access) on. */
function enablesSending(e: ApiEvent): boolean {
  switch (e.eventName) {
    case 'UpdateAccountSendingEnabled':
      return bool(e.request, 'enabled') === true;
    case 'PutAccountSendingAttributes':
      return bool(e.request, 'sendingEnabled') === true;
    case 'PutAccountDetails':
      return bool(e.request, 'productionAccessEnabled') === true;
    default:
      return false;
  }
}

const knobs = {
  approvedIdentities: knob(
    z.array(z.string()),
    [],
    'Sender identities (email addresses and domains, globs, case-insensitive: `*@example.com`, `example.com`, `*.example.com`) that the organisation verifies in SES; verifying one of them does not match.',
  ),
};

function describe(e: ApiEvent): string {
  const tried = failed(e);
  if (isVerification(e)) {
    const id = identityOf(e) ?? '(unnamed)';
    const kind = id.includes('@') ? 'email address' : 'domain';
    return `${tried ? 'tried to start' : 'started'} Amazon SES verification of sender ${kind} ${id}`;
  }
  if (e.eventName === 'PutAccountDetails') {
    const type = reqString(e, 'mailType');
    const site = reqString(e, 'websiteURL');
    const details = [
      type === undefined ? '' : `mail type ${type}`,
      site === undefined ? '' : `website ${site}`,
    ]
      .filter((s) => s !== '')
      .join(', ');
    return (
      `${tried ? 'tried to request' : 'requested'} Amazon SES production access (leaving the sandbox)` +
      (details === '' ? '' : ` for ${details}`)
    );
  }
  return `${tried ? 'tried to turn' : 'turned'} Amazon SES email sending on for the account (${e.eventName})`;
}

export default defineApiRule({
  id: 'aws.service-misuse.ses-sending-enabled',
  title: 'Amazon SES sending set up outside automation',
  category: 'service-misuse',
  row: null,
  priority: 'medium',
  mitre: ['T1496.004'],
  description:
    "Amazon SES configured for sending by an identity that is not the organisation's automation " +
    '(organisation.automationArns, automationUserAgents) nor an AWS service. Account-level ' +
    'switches are reported at the rule priority: UpdateAccountSendingEnabled or ' +
    'PutAccountSendingAttributes turning sending on (often after AWS paused it for bounces or ' +
    'complaints) and PutAccountDetails with productionAccessEnabled true (a request to leave the ' +
    'sandbox and mail anyone). Starting verification of a sender identity (VerifyEmailIdentity, ' +
    'VerifyEmailAddress, VerifyDomainIdentity, VerifyDomainDkim, and SES v2 CreateEmailIdentity) ' +
    'is one level lower; identities in the `approvedIdentities` knob do not match. Stolen keys ' +
    'are commonly checked for SES (GetSendQuota, GetAccountSendingEnabled, ListIdentities: ' +
    'reconnaissance that this rule leaves to the recon rules) and then used to verify a sender ' +
    'and mail spam or phishing in the victim’s name and at its cost. Triage: whether the sender ' +
    'address or domain belongs to the organisation, who made the call and from where, and ' +
    'SendEmail volume afterwards (SES data events or the sending statistics). Failed calls are ' +
    'reported one level lower as attempts.',
  falsePositives: [
    'Developers setting up SES for an application by hand.',
    'Marketing or notification teams verifying a new sending domain (add it to approvedIdentities).',
  ],
  response: [
    'Check whether the identity (address or domain) belongs to the organisation; if not, delete it (DeleteIdentity / DeleteEmailIdentity).',
    'Look at the sending statistics (GetSendStatistics, the SES console) and CloudWatch metrics for a spike in sends, bounces and complaints.',
    'Revoke the caller’s credentials if the change was not planned, and look for the access key being used from unusual addresses.',
    'Restrict ses:Verify*, ses:CreateEmailIdentity and the account sending switches to the teams that own email.',
  ],
  references: [
    'https://docs.aws.amazon.com/ses/latest/APIReference/API_VerifyEmailIdentity.html',
    'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentity.html',
    'https://docs.aws.amazon.com/ses/latest/APIReference/API_UpdateAccountSendingEnabled.html',
    'https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_PutAccountDetails.html',
    'https://docs.aws.amazon.com/ses/latest/dg/logging-using-cloudtrail.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ses.amazonaws.com'],
    eventNames: [
      ...Object.keys(VERIFICATIONS),
      'UpdateAccountSendingEnabled',
      'PutAccountSendingAttributes',
      'PutAccountDetails',
    ],
  },
  match: (e, ctx) => {
    if (isAutomation(e, ctx.org) || byAwsService(e)) return false;
    if (isVerification(e))
      return !matchesAnyIgnoreCase(ctx.knobs.approvedIdentities, identityOf(e));
    return enablesSending(e);
  },
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'medium'), (isVerification(e) ? -1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) => `${actorName(e)} ${describe(e)} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A leaked user key starts verification of a free-mail sender address',
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'VerifyEmailIdentity',
          sourceIPAddress: '198.51.100.77',
          userAgent: USER_AGENTS.boto3,
          requestParameters: { emailAddress: 'billing.notice.7731@outlook.com' },
          host: 'email.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'A sending domain created through the SES v2 API',
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'CreateEmailIdentity',
          identity: 'role',
          requestParameters: { emailIdentity: 'secure-invoice-portal.net' },
          responseElements: {
            identityType: 'DOMAIN',
            verifiedForSendingStatus: false,
            dkimAttributes: {
              signingEnabled: true,
              status: 'PENDING',
              tokens: [
                'vvjuipp74whm76j4ibmhpnqnnssf7mla',
                'asmlzsmq5f5fzjhkkybnvyabsfyhs3nh',
                'wrqplteh7oodxnad7hsl4mixg2uavzne',
              ],
              signingAttributesOrigin: 'AWS_SES',
              nextSigningKeyLength: 'RSA_2048_BIT',
              currentSigningKeyLength: 'RSA_2048_BIT',
            },
          },
          host: 'email.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'Account sending switched back on after AWS paused it',
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'UpdateAccountSendingEnabled',
          awsRegion: 'eu-west-1',
          requestParameters: { enabled: true },
          host: 'email.eu-west-1.amazonaws.com',
        }),
      },
      {
        title: 'Production access requested to leave the sandbox',
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'PutAccountDetails',
          requestParameters: {
            mailType: 'MARKETING',
            websiteURL: 'https://secure-invoice-portal.net',
            contactLanguage: 'EN',
            useCaseDescription: 'Monthly newsletter to our opted-in customers.',
            productionAccessEnabled: true,
          },
          host: 'email.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'A denied attempt to verify a domain',
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'VerifyDomainIdentity',
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ses:VerifyDomainIdentity because no identity-based policy allows the ses:VerifyDomainIdentity action',
          requestParameters: { domain: 'secure-invoice-portal.net' },
          host: 'email.us-east-1.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'The pipeline verifies the product’s notification domain',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'VerifyDomainIdentity',
          identity: IDENTITIES.ci,
          userAgent: USER_AGENTS.terraform,
          requestParameters: { domain: 'notify.example.com' },
          responseElements: { verificationToken: 'QTKknzFg2J4ygwa+XvHAxUl1hyHoY0gVfZdfjIedHZ0=' },
          host: 'email.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'An approved sender address verified by hand',
        config: {
          rules: {
            'aws.service-misuse.ses-sending-enabled': {
              knobs: { approvedIdentities: ['*@example.com'] },
            },
          },
        },
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'VerifyEmailIdentity',
          requestParameters: { emailAddress: 'no-reply@example.com' },
          host: 'email.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'Account sending paused',
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'UpdateAccountSendingEnabled',
          requestParameters: { enabled: false },
          host: 'email.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'The send quota checked (reconnaissance, not this rule)',
        record: ctRecord({
          eventSource: 'ses.amazonaws.com',
          eventName: 'GetSendQuota',
          readOnly: true,
          host: 'email.us-east-1.amazonaws.com',
        }),
      },
    ],
  },
});
