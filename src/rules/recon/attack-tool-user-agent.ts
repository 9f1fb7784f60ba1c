/**
 * `aws.recon.attack-tool-user-agent`: API calls whose user agent names a penetration-testing
 * distribution (Kali, Parrot, Pentoo), an AWS exploitation or enumeration tool (Pacu, CloudFox,
 * TruffleHog, …) or, at a lower priority, a cloud security scanner (Prowler, ScoutSuite, …).
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import { defaultApiKey } from '../../engine/evaluate.js';
import { actorName, basePriority, ctRecord, shift, where } from '../lib.js';
import { DEFAULT_ATTACK_TOOLS, DEFAULT_SCANNER_TOOLS, toolMatcher } from '../lib/attack-tools.js';

const knobs = {
  attackTools: knob(
    z.array(z.string()),
    [...DEFAULT_ATTACK_TOOLS],
    'Case-insensitive substrings of user agents that name attack distributions and offensive tools; reported at the rule’s priority.',
  ),
  scannerTools: knob(
    z.array(z.string()),
    [...DEFAULT_SCANNER_TOOLS],
    'Case-insensitive substrings of user agents that name security scanners defenders also run; reported two levels lower.',
  ),
};

const KALI_CLI =
  'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython exe/x86_64.kali.2024 cfg/retry-mode#standard md/installer#exe md/distrib#kali.2024 md/prompt#off md/command#iam.list-users';

export default defineApiRule({
  id: 'aws.recon.attack-tool-user-agent',
  title: 'API call from an attack or scanning tool',
  category: 'recon',
  row: 'REC-1',
  priority: 'high',
  mitre: ['T1087.004', 'T1526', 'T1580'],
  description:
    'Any API call whose user agent contains an entry of the `attackTools` knob (case-insensitive ' +
    'substrings: Kali, Parrot and Pentoo as they appear in the CLI and SDK platform strings, ' +
    'Pacu, TruffleHog, CloudFox, WeirdAAL, enumerate-iam, Stratus Red Team) or, two levels lower, ' +
    'of `scannerTools` (Prowler, ScoutSuite, CloudSploit, CloudMapper, Cloudsplaining, PMapper, ' +
    'Steampipe, S3Scanner). Legitimate staff rarely work from a penetration-testing distribution, ' +
    'and offensive tools announce themselves this way unless the operator changes the user agent, ' +
    'so a hit is a strong lead and a miss proves nothing. Scanners are often run by the ' +
    'organisation’s own security team, hence the lower priority. Failed calls are reported at ' +
    'the same priority: the tool in use is the signal, and enumeration with stolen credentials is ' +
    'mostly denied calls. Findings are grouped per principal and tool.',
  falsePositives: [
    'Authorised penetration tests and red-team exercises (suppress by principal for the test window).',
    'The security team’s own scheduled scans with Prowler, ScoutSuite or similar.',
  ],
  response: [
    'Check whether a penetration test or scan was scheduled for this principal and time.',
    'If not: treat the credentials as compromised, disable the access key or revoke the role sessions, and list everything the principal did in the window.',
    'Look for the same source address across other principals.',
  ],
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#pentest-iam-kalilinux',
    'https://docs.aws.amazon.com/sdkref/latest/guide/feature-appid.html',
    'https://github.com/RhinoSecurityLabs/pacu',
  ],
  knobs,
  kind: 'match',
  on: { eventNames: '*' },
  match: (e, ctx) =>
    toolMatcher(ctx.knobs.attackTools, ctx.knobs.scannerTools)(e.userAgent) !== undefined,
  priorityOf: (e, ctx) => {
    const hit = toolMatcher(ctx.knobs.attackTools, ctx.knobs.scannerTools)(e.userAgent);
    return shift(basePriority(ctx, 'high'), hit?.kind === 'scanner' ? -2 : 0);
  },
  key: (e, ctx) => {
    const hit = toolMatcher(ctx.knobs.attackTools, ctx.knobs.scannerTools)(e.userAgent);
    return `${defaultApiKey(e)}|${hit?.needle ?? ''}`;
  },
  summary: (e, ctx) => {
    const hit = toolMatcher(ctx.knobs.attackTools, ctx.knobs.scannerTools)(e.userAgent);
    const what = hit?.kind === 'scanner' ? 'the scanner' : 'the attack tool';
    return (
      `${actorName(e)} ${e.errorCode === undefined ? 'called' : 'tried to call'} ${e.eventName} ` +
      `(${e.eventSource.replace(/\.amazonaws\.com$/, '')}) with ${what} ${hit?.label ?? 'unknown'} ` +
      `in its user agent ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'ListUsers from the AWS CLI v2 on Kali Linux',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'ListUsers',
          readOnly: true,
          userAgent: KALI_CLI,
          requestParameters: null,
          responseElements: null,
        }),
      },
      {
        title: 'GetCallerIdentity from TruffleHog verifying a leaked key',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetCallerIdentity',
          readOnly: true,
          userAgent:
            'TruffleHog aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/sts#1.30.3',
          host: 'sts.amazonaws.com',
        }),
      },
      {
        title: 'A denied DescribeInstanceAttribute from Stratus Red Team (Invictus shape)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstanceAttribute',
          identity: 'role',
          readOnly: true,
          userAgent: 'stratus-red-team_9cbca289-7886-421c-b241-fcd2b1f14019',
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
          requestParameters: { instanceId: 'i-8107c9c0', attribute: 'userData' },
        }),
      },
      {
        title: 'A ScoutSuite scan, reported lower',
        record: ctRecord({
          eventSource: 's3.amazonaws.com',
          eventName: 'GetBucketPolicy',
          readOnly: true,
          userAgent:
            'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#legacy Botocore/1.34.69 Scout Suite/5.14.0',
          requestParameters: {
            bucketName: 'acme-logs',
            Host: 'acme-logs.s3.amazonaws.com',
            policy: '',
          },
          host: 'acme-logs.s3.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'The same call from the CLI on Ubuntu',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'ListUsers',
          readOnly: true,
        }),
      },
      {
        title: 'A Kali user agent while the attackTools knob is emptied',
        config: { rules: { 'aws.recon.attack-tool-user-agent': { knobs: { attackTools: [] } } } },
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'ListUsers',
          readOnly: true,
          userAgent: KALI_CLI,
        }),
      },
    ],
  },
});
