/**
 * `aws.credential.signin-token-outside-console`: a console sign-in token requested from the
 * federation endpoint by something other than AWS's own sign-in flow. Tools such as aws_consoler
 * and Pacu turn API credentials into a console session this way, with no password and no MFA.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { actorName, basePriority, isAutomation, shift, where } from '../lib.js';
import { describeSource } from '../lib/caller-source.js';
import { signinOutcome, signinRecord } from '../lib/iam-signin.js';

const knobs = {
  consoleUserAgents: knob(
    z.array(z.string()),
    ['Jersey/${project.version}'],
    'Substrings of the user agents of AWS’s own sign-in flows (the IAM Identity Center portal requests tokens with the Java client named here); tokens requested with any other user agent are reported.',
  ),
};

const FEDERATED_USER: JsonObject = {
  type: 'FederatedUser',
  principalId: '123456789012:dynamic_user',
  arn: 'arn:aws:sts::123456789012:federated-user/dynamic_user',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL17',
  sessionContext: {
    sessionIssuer: {
      type: 'IAMUser',
      principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
      arn: 'arn:aws:iam::123456789012:user/alice',
      accountId: '123456789012',
      userName: 'alice',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-01-02T03:03:51Z', mfaAuthenticated: 'false' },
  },
};

const SSO_SESSION: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE02:bob@example.com',
  arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE2',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE02',
      arn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40',
      accountId: '123456789012',
      userName: 'AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-01-02T03:03:58Z', mfaAuthenticated: 'false' },
  },
};

export default defineApiRule({
  id: 'aws.credential.signin-token-outside-console',
  title: 'Console sign-in token requested outside the AWS sign-in flow',
  category: 'credential',
  row: 'CRED-1',
  priority: 'medium',
  mitre: ['T1550.001', 'T1021.007'],
  description:
    'GetSigninToken (signin.amazonaws.com, the federation endpoint) with a user agent that ' +
    'contains none of the `consoleUserAgents` knob entries (by default the Java client of the IAM ' +
    'Identity Center portal). The call exchanges temporary API credentials for a console session ' +
    'token; custom identity brokers use it, and so do attackers who hold stolen keys: ' +
    'aws_consoler and Pacu first call GetFederationToken on an IAM user’s key, then this, and ' +
    'land in the console without a password or MFA. A token requested by a federated user (the ' +
    'result of GetFederationToken) is one level higher. Failed requests (the outcome is in ' +
    '`responseElements.GetSigninToken`) are one level lower as attempts. Identity brokers listed ' +
    'as CI/CD are ignored.',
  falsePositives: [
    'In-house identity brokers or tools such as Leapp and granted that open console sessions from API credentials (list their user agents in organisation.automationUserAgents or extend consoleUserAgents).',
  ],
  response: [
    'Identify whose credentials were exchanged (the session issuer of the caller) and whether that person uses such a tool.',
    'If not: revoke the session issuer’s keys and role sessions; a console session obtained this way survives until the token’s session ends.',
    'Review console activity of the session (it appears with the same principal).',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html',
    'https://github.com/NetSPI/aws_consoler',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['signin.amazonaws.com'], eventNames: ['GetSigninToken'] },
  match: (e, ctx) => {
    const ua = e.userAgent ?? '';
    return (
      !ctx.knobs.consoleUserAgents.some((c) => c.length > 0 && ua.includes(c)) &&
      !isAutomation(e, ctx.org)
    );
  },
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (e.actor.type === 'FederatedUser' ? 1 : 0) + (signinOutcome(e) === 'Failure' ? -1 : 0),
    ),
  summary: (e) => {
    const issuer = e.actor.sessionIssuerArn;
    const issuerText =
      e.actor.type === 'FederatedUser' && issuer !== undefined ? ` (federated by ${issuer})` : '';
    const verb = signinOutcome(e) === 'Failure' ? 'tried to obtain' : 'obtained';
    return (
      `${actorName(e)}${issuerText} ${verb} a console sign-in token from ${describeSource(e)} ` +
      `with user agent ${e.userAgent ?? '(none)'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title:
          'A federated user from GetFederationToken asks for a token with python-requests (aws_consoler)',
        record: signinRecord({
          eventName: 'GetSigninToken',
          identity: FEDERATED_USER,
          sourceIPAddress: '198.51.100.23',
          userAgent: 'python-requests/2.31.0',
        }),
      },
      {
        title: 'An SSO session exchanged by curl',
        record: signinRecord({
          eventName: 'GetSigninToken',
          identity: SSO_SESSION,
          sourceIPAddress: '203.0.113.61',
          userAgent: 'curl/8.5.0',
        }),
      },
    ],
    miss: [
      {
        title: 'The IAM Identity Center portal opens the console for an SSO user',
        record: signinRecord({
          eventName: 'GetSigninToken',
          identity: SSO_SESSION,
          sourceIPAddress: '203.0.113.61',
          userAgent: 'Jersey/${project.version} (HttpUrlConnection 17.0.10)',
        }),
      },
      {
        title: 'The company’s identity broker, configured as automation',
        config: { organisation: { automationUserAgents: ['acme-console-broker/*'] } },
        record: signinRecord({
          eventName: 'GetSigninToken',
          identity: SSO_SESSION,
          sourceIPAddress: '203.0.113.61',
          userAgent: 'acme-console-broker/2.4.1',
        }),
      },
    ],
  },
});
