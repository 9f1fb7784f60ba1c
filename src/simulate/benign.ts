/**
 * The organisation's normal CloudTrail activity, produced one time window at a time: people signing
 * in through IAM Identity Center during their working hours and using the services of their job
 * from home or the office; CI/CD runners assuming deploy roles in other accounts and deploying with
 * their own user agent from fixed NAT addresses; instance roles and Lambda functions reading their
 * data, secrets and parameters around the clock; AWS services acting for the organisation; the
 * monitoring vendor polling every account; a reporting integration with a long-term key. Only
 * per-day plans (a few values per person) are kept between windows, so memory does not grow with
 * the number of days.
 */
import type { JsonObject } from '../model/event.js';
import {
  BOTO_UA,
  DATADOG_UA,
  GITHUB_RUNNER_UA,
  GLOBAL,
  JAVA_SDK_UA,
  PRIMARY,
  SECONDARY,
  TERRAFORM_UA,
  VENDOR_ACCOUNT,
  hostsOf,
  workday,
  type Host,
  type Org,
  type Person,
  type PermissionSet,
} from './org.js';
import { DAY, HOUR, MINUTE, Rng } from './random.js';
import {
  credentials,
  ctEvent,
  iamUser,
  roleSession,
  serviceCaller,
  sessionKey,
  stsExpiry,
  type Call,
  type Caller,
} from './records.js';

/** One CloudTrail record bound for an account's trail in a region. */
export interface CtItem {
  kind: 'ct';
  account: string;
  region: string;
  time: number;
  record: JsonObject;
  /** Scenario id, for attack records. */
  attack?: string;
}

type Api = (rng: Rng, c: { org: Org; account: string; region: string }) => Call;

const read =
  (source: string, name: string, params: JsonObject | null = null): Api =>
  () => ({
    source,
    name,
    readOnly: true,
    params,
  });

/** Read calls people make, by service, as the console or the CLI issues them. */
const READS: Record<string, Api[]> = {
  ec2: [
    read('ec2.amazonaws.com', 'DescribeInstances', { instancesSet: {}, filterSet: {} }),
    read('ec2.amazonaws.com', 'DescribeSecurityGroups', { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }),
    read('ec2.amazonaws.com', 'DescribeVpcs', { vpcSet: {}, filterSet: {} }),
    read('ec2.amazonaws.com', 'DescribeSubnets', { subnetSet: {}, filterSet: {} }),
    read('ec2.amazonaws.com', 'DescribeInstanceStatus', { instancesSet: {}, filterSet: {}, includeAllInstances: false }),
  ],
  ecs: [
    (rng) => ({ source: 'ecs.amazonaws.com', name: 'ListServices', readOnly: true, params: { cluster: rng.pick(['prod-orders', 'prod-web']) } }),
    (rng) => ({ source: 'ecs.amazonaws.com', name: 'DescribeServices', readOnly: true, params: { cluster: 'prod-orders', services: [rng.pick(['orders-api', 'orders-worker'])] } }),
    (rng) => ({ source: 'ecs.amazonaws.com', name: 'ListTasks', readOnly: true, params: { cluster: rng.pick(['prod-orders', 'prod-web']) } }),
  ],
  logs: [
    read('logs.amazonaws.com', 'DescribeLogGroups', { limit: 50 }),
    (rng) => ({ source: 'logs.amazonaws.com', name: 'FilterLogEvents', readOnly: true, params: { logGroupName: rng.pick(['/ecs/orders-api', '/ecs/web-frontend', '/aws/lambda/invoice-renderer']), interleaved: true } }),
    (rng) => ({ source: 'logs.amazonaws.com', name: 'StartQuery', readOnly: true, params: { logGroupName: rng.pick(['/ecs/orders-api', '/ecs/web-frontend']), queryString: 'fields @timestamp, @message | filter level = "ERROR" | sort @timestamp desc | limit 200' }, response: { queryId: rng.uuid() } }),
  ],
  cloudwatch: [
    read('monitoring.amazonaws.com', 'DescribeAlarms', { maxRecords: 100 }),
    read('monitoring.amazonaws.com', 'GetMetricData', null),
    read('monitoring.amazonaws.com', 'ListDashboards', null),
  ],
  lambda: [
    read('lambda.amazonaws.com', 'ListFunctions20150331', null),
    (rng, c) => ({ source: 'lambda.amazonaws.com', name: 'GetFunction20150331v2', readOnly: true, params: { functionName: rng.pick(c.org.lambdas) } }),
  ],
  s3: [
    read('s3.amazonaws.com', 'ListBuckets', { Host: 's3.amazonaws.com' }),
    (rng, c) => {
      const b = rng.pick([c.org.buckets.assets, c.org.buckets.artifacts, c.org.buckets.reports]);
      return { source: 's3.amazonaws.com', name: 'GetBucketLocation', readOnly: true, params: { bucketName: b, Host: `${b}.s3.${c.region}.amazonaws.com`, location: '' } };
    },
  ],
  rds: [read('rds.amazonaws.com', 'DescribeDBInstances', null), read('rds.amazonaws.com', 'DescribeDBClusters', { includeShared: false })],
  cloudformation: [
    read('cloudformation.amazonaws.com', 'DescribeStacks', null),
    (rng) => ({ source: 'cloudformation.amazonaws.com', name: 'DescribeStackEvents', readOnly: true, params: { stackName: rng.pick(['orders-api-prod', 'web-frontend-prod', 'network-core']) } }),
  ],
  dynamodb: [read('dynamodb.amazonaws.com', 'ListTables', null), (rng) => ({ source: 'dynamodb.amazonaws.com', name: 'DescribeTable', readOnly: true, params: { tableName: rng.pick(['orders', 'sessions', 'idempotency-keys']) } })],
  iam: [read('iam.amazonaws.com', 'ListRoles', null), (rng) => ({ source: 'iam.amazonaws.com', name: 'GetRole', readOnly: true, params: { roleName: rng.pick(['orders-api', 'web-frontend', 'batch-worker']) } })],
}; // prettier-ignore

/** Writes some people make as part of their job, none of them security-relevant. */
const WRITES: Api[] = [
  (rng) => ({
    source: 'ec2.amazonaws.com',
    name: 'CreateTags',
    readOnly: false,
    params: {
      resourcesSet: { items: [{ resourceId: `i-0${rng.hex(16)}` }] },
      tagSet: { items: [{ key: 'owner', value: rng.pick(['orders', 'web', 'data']) }] },
    },
    response: { requestId: rng.uuid(), _return: true },
  }),
  (rng) => ({
    source: 'monitoring.amazonaws.com',
    name: 'PutDashboard',
    readOnly: false,
    params: { dashboardName: rng.pick(['orders-latency', 'web-errors', 'batch-throughput']) },
    response: { dashboardValidationMessages: [] },
  }),
  (rng) => ({
    source: 'ecs.amazonaws.com',
    name: 'UpdateService',
    readOnly: false,
    params: { cluster: 'staging-orders', service: 'orders-api', desiredCount: rng.range(1, 4) },
  }),
];

const SERVICES_BY_SET: Record<PermissionSet, string[]> = {
  AdministratorAccess: ['ec2', 'iam', 'cloudwatch', 's3', 'cloudformation', 'logs'],
  PlatformEngineer: ['ec2', 'ecs', 'cloudformation', 'cloudwatch', 'logs', 'rds'],
  Developer: ['ecs', 'logs', 'lambda', 'cloudwatch', 'dynamodb', 's3'],
  ReadOnly: ['cloudwatch', 'logs', 'dynamodb', 'ecs'],
};

interface Habit {
  api: Api;
  region: string;
}

interface DayPlan {
  from: number;
  to: number;
  address: string;
  /** Per account: the Identity Center session (key, created) and whether it has started. */
  sessions: { account: string; set: PermissionSet; key: string; started: boolean }[];
}

export class BenignCloudTrail {
  private readonly rng: Rng;
  private readonly habits = new Map<string, Habit[]>();
  private plans = new Map<string, DayPlan>();
  private planDay = -1;
  /** Instance-profile keys rotate every six hours; key per host and rotation. */
  private readonly instanceKeys = new Map<string, { key: string; since: number }>();

  constructor(private readonly org: Org) {
    this.rng = Rng.derive(org.seed, 'benign-cloudtrail');
    const h = Rng.derive(org.seed, 'habits');
    for (const p of org.people) {
      const services = SERVICES_BY_SET[p.set];
      const list: Habit[] = [];
      for (const s of services) {
        const apis = READS[s] ?? [];
        const region = s === 'iam' ? GLOBAL : h.chance(0.15) ? SECONDARY : PRIMARY;
        for (const api of apis) if (h.chance(0.75)) list.push({ api, region });
      }
      this.habits.set(p.login, list);
    }
  }

  private planFor(day: number): void {
    if (this.planDay === day) return;
    this.planDay = day;
    this.plans = new Map();
    const dayStart = this.org.start + day * DAY;
    for (const p of this.org.people) {
      const w = workday(p, dayStart);
      if (w === undefined) continue;
      // Most people work most days; someone is off now and then.
      if (this.rng.chance(0.06)) continue;
      const jitter = this.rng.range(-15, 15) * MINUTE;
      const weekday = new Date(dayStart).getUTCDay();
      const inOffice = p.officeDays.includes(weekday);
      const address = inOffice
        ? (p.addresses[2] as string)
        : (p.addresses[this.rng.chance(0.8) ? 0 : 1] as string);
      // The main account every working day; the others on the same weekdays each week (people
      // keep routines: the Tuesday release, the Thursday cost review).
      const sessions = p.access.map((a, i) => ({
        account: a.account,
        set: a.set,
        key: sessionKey(this.rng),
        started: false,
        use: i === 0 || (weekday + i + p.login.length) % 2 === 0,
      }));
      this.plans.set(p.login, {
        from: w.from + jitter,
        to: w.to + jitter,
        address,
        sessions: sessions.filter((s) => s.use),
      });
    }
  }

  /** Every benign record with a time in [from, to), in no particular order. */
  window(from: number, to: number): CtItem[] {
    const out: CtItem[] = [];
    const day = Math.floor((from - this.org.start) / DAY);
    this.planFor(day);
    for (const p of this.org.people) this.person(p, from, to, out);
    this.machines(from, to, out);
    return out;
  }

  private emit(
    out: CtItem[],
    t: number,
    account: string,
    region: string,
    caller: Caller,
    call: Call,
  ) {
    out.push({
      kind: 'ct',
      account,
      region,
      time: t,
      record: ctEvent(this.rng, t, account, region, caller, call),
    });
  }

  private ssoCaller(p: Person, plan: DayPlan, s: DayPlan['sessions'][number]): Caller {
    const role = this.org.ssoRoles[s.account]?.[s.set] as { name: string; id: string };
    return {
      identity: roleSession({
        account: s.account,
        role: role.name,
        roleId: role.id,
        session: p.email,
        key: s.key,
        created: plan.from,
        path: 'aws-reserved/sso.amazonaws.com/eu-west-1/',
      }),
      address: plan.address,
      userAgent: p.console ? p.browser : p.cli,
      console: p.console,
    };
  }

  private person(p: Person, from: number, to: number, out: CtItem[]): void {
    const plan = this.plans.get(p.login);
    if (plan === undefined) return;
    const a = Math.max(from, plan.from);
    const b = Math.min(to, plan.to);
    if (a >= b) return;
    for (const s of plan.sessions) {
      if (!s.started && plan.from >= from && plan.from < to) {
        s.started = true;
        this.signIn(p, plan, s, out);
      }
    }
    const habits = this.habits.get(p.login) ?? [];
    if (habits.length === 0) return;
    const perMinute = (p.console ? 1.2 : 0.5) * p.pace;
    const n = this.rng.poisson(((b - a) / MINUTE) * perMinute);
    for (let i = 0; i < n; i++) {
      const t = a + this.rng.int(b - a);
      const s = this.rng.pick(plan.sessions);
      const caller = this.ssoCaller(p, plan, s);
      let call: Call;
      let region: string;
      const writes = s.set === 'PlatformEngineer' || s.set === 'Developer';
      if (writes && this.rng.chance(0.02)) {
        call = this.rng.pick(WRITES)(this.rng, {
          org: this.org,
          account: s.account,
          region: PRIMARY,
        });
        region = PRIMARY;
      } else {
        const h = this.rng.pick(habits);
        region = h.region;
        call = h.api(this.rng, { org: this.org, account: s.account, region });
      }
      // Now and then someone reaches for something their permission set does not give them: the
      // database credentials in production, which only administrators may read.
      if (s.set !== 'AdministratorAccess' && this.rng.chance(0.002)) {
        region = PRIMARY;
        call = {
          source: 'secretsmanager.amazonaws.com',
          name: 'GetSecretValue',
          readOnly: true,
          params: { secretId: this.org.secrets.db },
          error: {
            code: 'AccessDeniedException',
            message: `User: ${String(caller.identity.arn)} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${this.org.secrets.db} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
          },
        };
      }
      this.emit(out, t, s.account, region, caller, call);
    }
  }

  /** Identity Center sign-in: the role session, and the console sign-in for console users. */
  private signIn(p: Person, plan: DayPlan, s: DayPlan['sessions'][number], out: CtItem[]): void {
    const role = this.org.ssoRoles[s.account]?.[s.set] as { name: string; id: string };
    const provider = `arn:aws:iam::${s.account}:saml-provider/AWSSSO_${role.name.slice(-16)}_DO_NOT_DELETE`;
    const roleArn = `arn:aws:iam::${s.account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${role.name}`;
    const t = plan.from;
    this.emit(
      out,
      t,
      s.account,
      GLOBAL,
      {
        identity: {
          type: 'SAMLUser',
          principalId: `${provider.split('/')[1] ?? ''}:${p.email}`,
          userName: p.email,
          identityProvider: provider,
        },
        address: plan.address,
        userAgent: p.console ? p.browser : p.cli,
      },
      {
        source: 'sts.amazonaws.com',
        name: 'AssumeRoleWithSAML',
        readOnly: true,
        params: {
          sAMLAssertionID: `_${this.rng.hex(32)}`,
          roleSessionName: p.email,
          roleArn,
          principalArn: provider,
          durationSeconds: 43200,
        },
        response: {
          credentials: credentials(this.rng, s.key, t, 43200),
          assumedRoleUser: {
            assumedRoleId: `${role.id}:${p.email}`,
            arn: `arn:aws:sts::${s.account}:assumed-role/${role.name}/${p.email}`,
          },
          packedPolicySize: 0,
          subject: p.email,
          subjectType: 'persistent',
          issuer: `https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/${this.rng.alnum(24)}`,
          audience: 'https://signin.aws.amazon.com/saml',
          nameQualifier: this.rng.alnum(28),
        },
        resources: [
          { accountId: s.account, type: 'AWS::IAM::Role', ARN: roleArn },
          { accountId: s.account, type: 'AWS::IAM::SAMLProvider', ARN: provider },
        ],
      },
    );
    if (p.console) {
      const caller = this.ssoCaller(p, plan, s);
      this.emit(
        out,
        t + 2000,
        s.account,
        GLOBAL,
        { ...caller, console: false },
        {
          source: 'signin.amazonaws.com',
          name: 'ConsoleLogin',
          readOnly: false,
          eventType: 'AwsConsoleSignIn',
          response: { ConsoleLogin: 'Success' },
          additional: { MobileVersion: 'No', MFAUsed: 'No' },
        },
      );
    }
  }

  // ------------------------------------------------------------------------------------------
  // Machines
  // ------------------------------------------------------------------------------------------

  private instanceCaller(h: Host, t: number): Caller {
    const slot = Math.floor(t / (6 * HOUR));
    const k = `${h.instanceId}`;
    let cur = this.instanceKeys.get(k);
    if (cur === undefined || cur.since !== slot) {
      cur = { key: sessionKey(this.rng), since: slot };
      this.instanceKeys.set(k, cur);
    }
    const role = h.instanceRole as string;
    return {
      identity: roleSession({
        account: h.account,
        role,
        roleId: this.org.roleIds[`${h.account}/${role}`] as string,
        session: h.instanceId,
        key: cur.key,
        created: slot * 6 * HOUR,
        ec2: { instanceId: h.instanceId },
      }),
      address: this.rng.pick(this.org.nat[h.account] as string[]),
      userAgent: h.role === 'worker' ? BOTO_UA : JAVA_SDK_UA,
    };
  }

  private s3Object(
    rng: Rng,
    bucket: string,
    region: string,
    name: 'GetObject' | 'PutObject',
    key: string,
    account: string,
  ): Call {
    const read = name === 'GetObject';
    return {
      source: 's3.amazonaws.com',
      name,
      readOnly: read,
      data: true,
      params: { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, key },
      additional: {
        SignatureVersion: 'SigV4',
        CipherSuite: 'TLS_AES_128_GCM_SHA256',
        bytesTransferredIn: read ? 0 : rng.range(2_000, 900_000),
        AuthenticationMethod: 'AuthHeader',
        'x-amz-id-2': rng.alnum(76),
        bytesTransferredOut: read ? rng.range(2_000, 900_000) : 0,
      },
      resources: [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
        { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
      ],
    };
  }

  private machines(from: number, to: number, out: CtItem[]): void {
    const rng = this.rng;
    const org = this.org;
    const minutes = (to - from) / MINUTE;
    const at = () => from + rng.int(to - from);
    const prod = org.accounts.production.id;

    for (const h of org.hosts) {
      if (h.instanceRole === undefined || h.role === 'runner') continue;
      const scale = h.account === prod ? 1 : 0.3;
      // Instance-profile credentials, delivered by EC2 every six hours.
      const rot = Math.ceil(from / (6 * HOUR)) * 6 * HOUR;
      if (rot < to) this.instanceRefresh(h, rot + rng.int(60_000), out);
      if (h.role === 'app' || h.role === 'worker') {
        const n = rng.poisson(minutes * 0.8 * scale);
        for (let i = 0; i < n; i++) {
          const t = at();
          const caller = this.instanceCaller(h, t);
          const day = new Date(t).toISOString().slice(0, 10).replace(/-/g, '/');
          const put = rng.chance(0.3);
          const key = `orders/${day}/${rng.hex(8)}.json`;
          this.emit(
            out,
            t,
            h.account,
            PRIMARY,
            caller,
            this.s3Object(
              rng,
              org.buckets.data,
              PRIMARY,
              put ? 'PutObject' : 'GetObject',
              key,
              h.account,
            ),
          );
        }
        const k = rng.poisson(minutes * 0.4 * scale);
        for (let i = 0; i < k; i++) {
          const t = at();
          this.emit(out, t, h.account, PRIMARY, this.instanceCaller(h, t), {
            source: 'kms.amazonaws.com',
            name: 'Decrypt',
            readOnly: true,
            params: {
              encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
              encryptionContext: { service: 'orders-api' },
            },
            resources: [
              {
                accountId: prod,
                type: 'AWS::KMS::Key',
                ARN: `arn:aws:kms:${PRIMARY}:${prod}:key/${org.kmsKey}`,
              },
            ],
          });
        }
        // Secrets and parameters are cached by the app and refreshed every 30 minutes.
        const refresh = Math.ceil(from / (30 * MINUTE)) * 30 * MINUTE;
        if (refresh < to) {
          const t = refresh + rng.int(120_000);
          const secret = h.role === 'app' ? org.secrets.db : org.secrets.payments;
          this.emit(out, t, h.account, PRIMARY, this.instanceCaller(h, t), {
            source: 'secretsmanager.amazonaws.com',
            name: 'GetSecretValue',
            readOnly: true,
            params: { secretId: secret },
            resources: [],
          });
          this.emit(out, t + 400, h.account, PRIMARY, this.instanceCaller(h, t), {
            source: 'ssm.amazonaws.com',
            name: 'GetParameters',
            readOnly: true,
            params: {
              names: ['/prod/orders-api/db-host', '/prod/orders-api/feature-flags'],
              withDecryption: false,
            },
          });
        }
      } else if (h.role === 'web') {
        const n = rng.poisson(minutes * 0.6 * scale);
        for (let i = 0; i < n; i++) {
          const t = at();
          this.emit(
            out,
            t,
            h.account,
            PRIMARY,
            this.instanceCaller(h, t),
            this.s3Object(
              rng,
              org.buckets.assets,
              PRIMARY,
              'GetObject',
              `assets/img/${rng.hex(12)}.webp`,
              h.account,
            ),
          );
        }
      }
    }

    this.lambdas(from, to, out);
    this.services(from, to, out);
    this.vendor(from, to, out);
    this.ci(from, to, out);
    this.reporting(from, to, out);
  }

  private instanceRefresh(h: Host, t: number, out: CtItem[]): void {
    const role = h.instanceRole as string;
    const arn = `arn:aws:iam::${h.account}:role/${role}`;
    const key = sessionKey(this.rng);
    this.emit(out, t, h.account, PRIMARY, serviceCaller('ec2.amazonaws.com'), {
      source: 'sts.amazonaws.com',
      name: 'AssumeRole',
      readOnly: true,
      params: { roleArn: arn, roleSessionName: h.instanceId },
      response: {
        credentials: {
          accessKeyId: key,
          sessionToken: `IQoJb3JpZ2luX2Vj${this.rng.alnum(80)}`,
          expiration: stsExpiry(t + 6 * HOUR),
        },
        assumedRoleUser: {
          assumedRoleId: `${this.org.roleIds[`${h.account}/${role}`] ?? ''}:${h.instanceId}`,
          arn: `arn:aws:sts::${h.account}:assumed-role/${role}/${h.instanceId}`,
        },
      },
      resources: [{ accountId: h.account, type: 'AWS::IAM::Role', ARN: arn }],
      sharedEventId: this.rng.uuid(),
    });
  }

  /** Lambda functions run on events: the service assumes their role, the code writes reports. */
  private lambdas(from: number, to: number, out: CtItem[]): void {
    const org = this.org;
    const prod = org.accounts.production.id;
    const minutes = (to - from) / MINUTE;
    for (const fn of org.lambdas) {
      const role = `${fn}-role`;
      const n = this.rng.poisson(minutes * (fn === 'nightly-report' ? 0.02 : 0.25));
      for (let i = 0; i < n; i++) {
        const t = from + this.rng.int(to - from);
        const key = sessionKey(this.rng);
        const arn = `arn:aws:iam::${prod}:role/${role}`;
        this.emit(out, t, prod, PRIMARY, serviceCaller('lambda.amazonaws.com'), {
          source: 'sts.amazonaws.com',
          name: 'AssumeRole',
          readOnly: true,
          params: { roleArn: arn, roleSessionName: fn },
          response: {
            credentials: {
              accessKeyId: key,
              sessionToken: `IQoJb3JpZ2luX2Vj${this.rng.alnum(80)}`,
              expiration: stsExpiry(t + 12 * HOUR),
            },
            assumedRoleUser: {
              assumedRoleId: `${org.roleIds[`${prod}/${role}`] ?? ''}:${fn}`,
              arn: `arn:aws:sts::${prod}:assumed-role/${role}/${fn}`,
            },
          },
          resources: [{ accountId: prod, type: 'AWS::IAM::Role', ARN: arn }],
          sharedEventId: this.rng.uuid(),
        });
        const caller: Caller = {
          identity: roleSession({
            account: prod,
            role,
            roleId: org.roleIds[`${prod}/${role}`] as string,
            session: fn,
            key,
            created: t,
          }),
          address: `${this.rng.pick(['34.245', '52.50', '54.155'])}.${this.rng.range(1, 254)}.${this.rng.range(2, 254)}`,
          userAgent:
            'aws-sdk-nodejs/2.1692.0 linux/v20.18.0 exec-env/AWS_Lambda_nodejs20.x promise',
        };
        const d = new Date(t).toISOString().slice(0, 10);
        this.emit(
          out,
          t + 800,
          prod,
          PRIMARY,
          caller,
          this.s3Object(
            this.rng,
            org.buckets.reports,
            PRIMARY,
            'PutObject',
            `${fn}/${d}/${this.rng.hex(10)}.pdf`,
            prod,
          ),
        );
      }
    }
  }

  /** AWS Config, CloudTrail and Trusted Advisor acting through their service roles. */
  private services(from: number, to: number, out: CtItem[]): void {
    const org = this.org;
    const minutes = (to - from) / MINUTE;
    for (const a of Object.values(org.accounts)) {
      for (const region of [PRIMARY, SECONDARY]) {
        const n = this.rng.poisson(minutes * 0.15);
        for (let i = 0; i < n; i++) {
          const t = from + this.rng.int(to - from);
          const role = 'AWSServiceRoleForConfig';
          const caller: Caller = {
            identity: roleSession({
              account: a.id,
              role,
              roleId: org.roleIds[`${a.id}/${role}`] as string,
              session: 'AWSConfig-Describe',
              key: sessionKey(this.rng),
              created: t - HOUR,
              path: 'aws-service-role/config.amazonaws.com/',
              invokedBy: 'config.amazonaws.com',
            }),
            address: 'config.amazonaws.com',
            userAgent: 'config.amazonaws.com',
            service: true,
          };
          const api = this.rng.pick([
            ['ec2.amazonaws.com', 'DescribeSecurityGroups'],
            ['ec2.amazonaws.com', 'DescribeInstances'],
            ['ec2.amazonaws.com', 'DescribeNetworkInterfaces'],
            ['iam.amazonaws.com', 'GetRole'],
            ['s3.amazonaws.com', 'GetBucketPolicy'],
          ] as const);
          const reg = api[0] === 'iam.amazonaws.com' ? GLOBAL : region;
          this.emit(out, t, a.id, reg, caller, {
            source: api[0],
            name: api[1],
            readOnly: true,
            params: api[0] === 'iam.amazonaws.com' ? { roleName: 'orders-api' } : null,
          });
        }
      }
      // CloudTrail checks the log bucket's ACL before delivering.
      const m = this.rng.poisson(minutes * 0.1);
      for (let i = 0; i < m; i++) {
        const t = from + this.rng.int(to - from);
        const b = org.buckets.logs;
        this.emit(
          out,
          t,
          org.accounts.management.id,
          PRIMARY,
          serviceCaller('cloudtrail.amazonaws.com'),
          {
            source: 's3.amazonaws.com',
            name: 'GetBucketAcl',
            readOnly: true,
            params: { bucketName: b, Host: `${b}.s3.${PRIMARY}.amazonaws.com`, acl: '' },
            additional: {
              SignatureVersion: 'SigV4',
              CipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256',
              bytesTransferredIn: 0,
              AuthenticationMethod: 'AuthHeader',
              'x-amz-id-2': this.rng.alnum(76),
              bytesTransferredOut: 552,
            },
            resources: [
              {
                accountId: org.accounts.management.id,
                type: 'AWS::S3::Bucket',
                ARN: `arn:aws:s3:::${b}`,
              },
            ],
            sharedEventId: this.rng.uuid(),
          },
        );
      }
    }
  }

  /** The monitoring vendor assumes its integration role in every account every ten minutes. */
  private vendor(from: number, to: number, out: CtItem[]): void {
    const org = this.org;
    const first = Math.ceil(from / (10 * MINUTE)) * 10 * MINUTE;
    for (let slot = first; slot < to; slot += 10 * MINUTE) {
      for (const a of Object.values(org.accounts)) {
        const t = slot + (Number.parseInt(a.id.slice(-3), 10) % 300) * 1000;
        if (t >= to) continue;
        const role = 'DatadogIntegrationRole';
        const arn = `arn:aws:iam::${a.id}:role/${role}`;
        const key = sessionKey(this.rng);
        const address = `${this.rng.pick(['44.192', '3.208', '52.45'])}.${this.rng.range(1, 254)}.${this.rng.range(2, 254)}`;
        const session = `DatadogAWSIntegration-${this.rng.digits(10)}`;
        this.emit(
          out,
          t,
          a.id,
          GLOBAL,
          {
            identity: {
              type: 'AWSAccount',
              principalId: `AROAWJX4VTE2LLZQ7YAHW:dd-aws-crawler`,
              accountId: VENDOR_ACCOUNT,
            },
            address,
            userAgent: DATADOG_UA,
          },
          {
            source: 'sts.amazonaws.com',
            name: 'AssumeRole',
            readOnly: true,
            params: {
              roleArn: arn,
              roleSessionName: session,
              externalId: `dd-${a.id.slice(0, 6)}-ext`,
            },
            response: {
              credentials: credentials(this.rng, key, t, 3600),
              assumedRoleUser: {
                assumedRoleId: `${org.roleIds[`${a.id}/${role}`] ?? ''}:${session}`,
                arn: `arn:aws:sts::${a.id}:assumed-role/${role}/${session}`,
              },
            },
            resources: [{ accountId: a.id, type: 'AWS::IAM::Role', ARN: arn }],
            sharedEventId: this.rng.uuid(),
          },
        );
        const caller: Caller = {
          identity: roleSession({
            account: a.id,
            role,
            roleId: org.roleIds[`${a.id}/${role}`] as string,
            session,
            key,
            created: t,
          }),
          address,
          userAgent: DATADOG_UA,
        };
        const calls: [string, string][] = [
          ['monitoring.amazonaws.com', 'ListMetrics'],
          ['tagging.amazonaws.com', 'GetResources'],
          ['ec2.amazonaws.com', 'DescribeInstances'],
          ['ec2.amazonaws.com', 'DescribeInstanceStatus'],
          ['lambda.amazonaws.com', 'ListFunctions20150331'],
          ['rds.amazonaws.com', 'DescribeDBInstances'],
          ['elasticloadbalancing.amazonaws.com', 'DescribeLoadBalancers'],
        ];
        let dt = 1500;
        for (const [source, name] of calls) {
          this.emit(out, t + dt, a.id, PRIMARY, caller, {
            source,
            name,
            readOnly: true,
            params: null,
          });
          dt += this.rng.range(200, 1500);
        }
      }
    }
  }

  /** CI/CD: runners in shared services assume the deploy role in production or staging. */
  private ci(from: number, to: number, out: CtItem[]): void {
    const org = this.org;
    const shared = org.accounts['shared-services'].id;
    const runners = hostsOf(org, shared, 'runner');
    const hourly = (t: number) => {
      const d = new Date(t);
      const wd = d.getUTCDay();
      const h = d.getUTCHours();
      // Merges during the working day, a scheduled nightly build at 02:00 every day.
      if (h === 2) return 1.5;
      return wd >= 1 && wd <= 5 && h >= 7 && h < 17 ? 1.2 : 0;
    };
    const mean = (hourly(from) * (to - from)) / HOUR;
    const n = this.rng.poisson(mean);
    for (let i = 0; i < n; i++) {
      const t = from + this.rng.int(to - from);
      const runner = this.rng.pick(runners);
      const target = this.rng.chance(0.5) ? org.accounts.production.id : org.accounts.staging.id;
      this.deploy(runner, target, t, out);
    }
  }

  private deploy(runner: Host, target: string, t: number, out: CtItem[]): void {
    const org = this.org;
    const rng = this.rng;
    const shared = runner.account;
    const natIp = rng.pick(org.nat[shared] as string[]);
    const slot = Math.floor(t / (6 * HOUR));
    const runnerCaller: Caller = {
      identity: roleSession({
        account: shared,
        role: 'ci-runner',
        roleId: org.roleIds[`${shared}/ci-runner`] as string,
        session: runner.instanceId,
        key: sessionKey(rng),
        created: slot * 6 * HOUR,
        ec2: { instanceId: runner.instanceId },
      }),
      address: natIp,
      userAgent: GITHUB_RUNNER_UA,
    };
    const arn = `arn:aws:iam::${target}:role/deploy`;
    const session = `gha-${rng.digits(10)}`;
    const key = sessionKey(rng);
    this.emit(out, t, target, PRIMARY, runnerCaller, {
      source: 'sts.amazonaws.com',
      name: 'AssumeRole',
      readOnly: true,
      params: { roleArn: arn, roleSessionName: session, durationSeconds: 3600 },
      response: {
        credentials: credentials(rng, key, t, 3600),
        assumedRoleUser: {
          assumedRoleId: `${org.roleIds[`${target}/deploy`] ?? ''}:${session}`,
          arn: `arn:aws:sts::${target}:assumed-role/deploy/${session}`,
        },
      },
      resources: [{ accountId: target, type: 'AWS::IAM::Role', ARN: arn }],
      sharedEventId: rng.uuid(),
    });
    const terraform = rng.chance(0.3);
    const caller: Caller = {
      identity: roleSession({
        account: target,
        role: 'deploy',
        roleId: org.roleIds[`${target}/deploy`] as string,
        session,
        key,
        created: t,
      }),
      address: natIp,
      userAgent: terraform ? `${TERRAFORM_UA} exec-env/github-actions-runner` : GITHUB_RUNNER_UA,
    };
    let dt = 2000;
    const next = () => (dt += rng.range(300, 4000));
    const day = new Date(t).toISOString().slice(0, 10);
    const build = rng.hex(7);
    this.emit(
      out,
      t + next(),
      target,
      PRIMARY,
      caller,
      this.s3Object(
        rng,
        org.buckets.artifacts,
        PRIMARY,
        'GetObject',
        `releases/orders-api/${build}/bundle.zip`,
        target,
      ),
    );
    if (terraform) {
      for (const [s, nm] of [
        ['ec2.amazonaws.com', 'DescribeVpcs'],
        ['ec2.amazonaws.com', 'DescribeSecurityGroups'],
        ['iam.amazonaws.com', 'GetRole'],
        ['ecs.amazonaws.com', 'DescribeServices'],
        ['cloudformation.amazonaws.com', 'DescribeStacks'],
      ] as const) {
        this.emit(out, t + next(), target, s === 'iam.amazonaws.com' ? GLOBAL : PRIMARY, caller, {
          source: s,
          name: nm,
          readOnly: true,
          params: null,
        });
      }
    }
    if (rng.chance(0.5)) {
      this.emit(out, t + next(), target, PRIMARY, caller, {
        source: 'ecs.amazonaws.com',
        name: 'RegisterTaskDefinition',
        readOnly: false,
        params: {
          family: 'orders-api',
          containerDefinitions: [
            {
              name: 'orders-api',
              image: `${target}.dkr.ecr.${PRIMARY}.amazonaws.com/orders-api:${build}`,
            },
          ],
        },
        response: {
          taskDefinition: {
            taskDefinitionArn: `arn:aws:ecs:${PRIMARY}:${target}:task-definition/orders-api:${rng.range(100, 900)}`,
          },
        },
      });
      this.emit(out, t + next(), target, PRIMARY, caller, {
        source: 'ecs.amazonaws.com',
        name: 'UpdateService',
        readOnly: false,
        params: {
          cluster: 'prod-orders',
          service: 'orders-api',
          taskDefinition: 'orders-api',
          forceNewDeployment: false,
        },
      });
    } else {
      const fn = rng.pick(org.lambdas);
      this.emit(out, t + next(), target, PRIMARY, caller, {
        source: 'lambda.amazonaws.com',
        name: 'UpdateFunctionCode20150331v2',
        readOnly: false,
        params: {
          functionName: fn,
          s3Bucket: org.buckets.artifacts,
          s3Key: `lambda/${fn}/${build}.zip`,
          publish: true,
          dryRun: false,
        },
        response: {
          functionName: fn,
          functionArn: `arn:aws:lambda:${PRIMARY}:${target}:function:${fn}`,
          runtime: 'nodejs20.x',
          version: String(rng.range(10, 400)),
          lastModified: `${day}T00:00:00.000+0000`,
        },
      });
    }
  }

  /** The reporting integration: an IAM user's key on an office server, weekdays at 06:00 UTC. */
  private reporting(from: number, to: number, out: CtItem[]): void {
    const org = this.org;
    const u = org.reportingUser;
    for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) {
      const wd = new Date(d).getUTCDay();
      if (wd === 0 || wd === 6) continue;
      const t0 = d + 6 * HOUR + 5 * MINUTE;
      if (t0 < from || t0 >= to) continue;
      const caller: Caller = {
        identity: iamUser({ account: u.account, name: u.name, id: u.id, key: u.key }),
        address: u.address,
        userAgent: BOTO_UA,
      };
      let t = t0;
      const qid = this.rng.uuid();
      this.emit(out, t, u.account, PRIMARY, caller, {
        source: 'athena.amazonaws.com',
        name: 'StartQueryExecution',
        readOnly: false,
        params: {
          queryString: 'SELECT order_date, sum(total) FROM orders_curated GROUP BY 1',
          workGroup: 'reporting',
          clientRequestToken: this.rng.uuid(),
        },
        response: { queryExecutionId: qid },
      });
      for (let i = 0; i < 4; i++) {
        t += 5000;
        this.emit(out, t, u.account, PRIMARY, caller, {
          source: 'athena.amazonaws.com',
          name: 'GetQueryExecution',
          readOnly: true,
          params: { queryExecutionId: qid },
        });
      }
      t += 3000;
      this.emit(out, t, u.account, PRIMARY, caller, {
        source: 'athena.amazonaws.com',
        name: 'GetQueryResults',
        readOnly: true,
        params: { queryExecutionId: qid, maxResults: 1000 },
      });
      this.emit(
        out,
        t + 2000,
        u.account,
        PRIMARY,
        caller,
        this.s3Object(
          this.rng,
          org.buckets.reports,
          PRIMARY,
          'PutObject',
          `daily/${new Date(t).toISOString().slice(0, 10)}/revenue.csv`,
          u.account,
        ),
      );
    }
  }
}
