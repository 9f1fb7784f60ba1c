/**
 * The simulated organisation: its accounts, people, machines and networks, drawn once from the seed.
 * Everything else in the simulator reads this profile; the same profile is written out as the
 * trailhound configuration a team running it would keep (`configYaml`), so a hunt over the
 * simulated logs can be tuned exactly the way a real one is.
 */
import { stringify } from 'yaml';
import type { Rule } from '../engine/rule.js';
import { DAY, Rng } from './random.js';

export const PRIMARY = 'eu-west-1';
export const SECONDARY = 'eu-central-1';
/** IAM, the global STS endpoint and console sign-in write their events here. */
export const GLOBAL = 'us-east-1';
export const REGIONS = [PRIMARY, SECONDARY, GLOBAL] as const;

/** The monitoring vendor's AWS account (Datadog's published integration account). */
export const VENDOR_ACCOUNT = '464622532012';
/**
 * The monitoring vendor's intake addresses, which every host's agent holds an HTTPS connection
 * to; the vendor publishes them, so the configuration lists them as expected destinations.
 */
export const MONITORING_INTAKE: readonly string[] = ['34.107.172.23', '34.107.236.155'];

export type AccountName = 'management' | 'production' | 'staging' | 'shared-services';
export interface Account {
  id: string;
  name: AccountName;
  /** Internal range of the account's VPC in the primary region (none for management). */
  cidr?: string;
}

export type PermissionSet = 'AdministratorAccess' | 'PlatformEngineer' | 'Developer' | 'ReadOnly';

export interface Country {
  code: string;
  timeZone: string;
  /** Residential broadband blocks (first two octets) of large local ISPs. */
  blocks: readonly string[];
  /** The office's fixed address. */
  office: string;
}

/**
 * Countries people work from, with address blocks of the big local ISPs (BT, Deutsche Telekom,
 * KPN, Orange, Eir, Free). A test checks that the offline geo data maps every address picked
 * from them to the country intended.
 */
export const COUNTRIES: readonly Country[] = [
  { code: 'GB', timeZone: 'Europe/London', blocks: ['86.130', '86.150', '86.160', '82.10'], office: '86.140.21.6' },
  { code: 'DE', timeZone: 'Europe/Berlin', blocks: ['84.130', '84.160', '91.10', '79.200'], office: '84.150.97.13' },
  { code: 'NL', timeZone: 'Europe/Amsterdam', blocks: ['77.163', '77.170', '84.26'], office: '77.165.40.9' },
  { code: 'PL', timeZone: 'Europe/Warsaw', blocks: ['83.5', '83.24', '83.28'], office: '83.10.200.7' },
  { code: 'FR', timeZone: 'Europe/Paris', blocks: ['90.10', '90.100', '82.64'], office: '90.60.12.99' },
  { code: 'IE', timeZone: 'Europe/Dublin', blocks: ['86.40', '86.45'], office: '86.42.8.30' },
]; // prettier-ignore

export interface Person {
  login: string;
  email: string;
  country: Country;
  /** Local minute of the day work starts, and minutes worked. */
  startMinute: number;
  workMinutes: number;
  /** Home broadband addresses (one ISP) and the office address. */
  addresses: string[];
  set: PermissionSet;
  /** Accounts this person signs in to, with the permission set used there. */
  access: { account: string; set: PermissionSet }[];
  console: boolean;
  browser: string;
  cli: string;
  /** Days a week spent in the office rather than at home (Mon–Fri). */
  officeDays: number[];
  /** Relative activity: some people make many more calls than others. */
  pace: number;
}

export type HostRole = 'web' | 'app' | 'worker' | 'db' | 'cache' | 'runner';

export interface Host {
  account: string;
  role: HostRole;
  ip: string;
  eni: string;
  instanceId: string;
  /** Instance role name (none for managed databases and caches). */
  instanceRole?: string;
}

export interface Org {
  seed: string;
  name: string;
  domain: string;
  start: number;
  days: number;
  learningDays: number;
  accounts: Record<AccountName, Account>;
  people: Person[];
  hosts: Host[];
  /** SSO permission-set role names per account (suffix differs per account, as AWS does). */
  ssoRoles: Record<string, Record<PermissionSet, { name: string; id: string }>>;
  /** Role ids (AROA…) of other roles by `account/name`. */
  roleIds: Record<string, string>;
  /** NAT gateway public addresses (AWS-owned) by account. */
  nat: Record<string, string[]>;
  /** The reporting integration's IAM user and its long-term key. */
  reportingUser: { account: string; name: string; id: string; key: string; address: string };
  buckets: { data: string; artifacts: string; assets: string; logs: string; reports: string };
  secrets: { db: string; payments: string; search: string };
  kmsKey: string;
  lambdas: string[];
  flowLogs: Record<string, { id: string; vpc: string }>;
}

export interface OrgOptions {
  seed: string;
  principals: number;
  start: number;
  days: number;
  learningDays: number;
}

const FIRST = [
  'alex', 'maria', 'james', 'priya', 'lukas', 'sofia', 'daniel', 'anna', 'rahul', 'emma', 'marek',
  'olivia', 'tomasz', 'chloe', 'arjun', 'hannah', 'oliver', 'julia', 'noah', 'ines', 'pierre',
  'camille', 'sean', 'aoife', 'jan', 'sanne', 'kasia', 'felix', 'lea', 'niamh',
]; // prettier-ignore
const LAST = [
  'smith', 'kowalski', 'muller', 'sharma', 'brown', 'schmidt', 'dubois', 'nowak', 'taylor',
  'wagner', 'devries', 'murphy', 'walker', 'fischer', 'wright', 'zielinski', 'martin', 'evans',
  'jansen', 'byrne', 'bernard', 'lewandowski', 'bakker', 'kelly',
]; // prettier-ignore

export const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
];
export const cliAgent = (os: string) =>
  `aws-cli/2.18.10 md/awscrt#0.22.0 ua/2.0 os/${os} md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off`;
export const TERRAFORM_UA =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.74.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.3 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64';
export const GITHUB_RUNNER_UA =
  'aws-cli/2.18.10 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-1017-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython exec-env/github-actions-runner cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off';
export const JAVA_SDK_UA =
  'aws-sdk-java/2.28.29 Linux/6.1.112-122.189.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. md/internal io/sync http/Apache cfg/retry-mode/standard';
export const BOTO_UA =
  'Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#6.1.112-122.189.amzn2023.x86_64 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.54';
export const DATADOG_UA = 'aws-sdk-go/1.55.5 (go1.22.8; linux; amd64) datadog-aws-integration/2.0';

const ACCOUNT_NAMES: readonly AccountName[] = [
  'management',
  'production',
  'staging',
  'shared-services',
];

const roleId = (rng: Rng) => `AROA${rng.upper(17)}`;

/** Builds the organisation for a seed and size. */
export function buildOrg(opts: OrgOptions): Org {
  const rng = Rng.derive(opts.seed, 'org');
  const name = rng.pick(['kestrel', 'tidewell', 'larkspur', 'northgate', 'brightmoor']);
  const domain = `${name}.io`;
  const ids = new Set<string>();
  const accounts = {} as Record<AccountName, Account>;
  ACCOUNT_NAMES.forEach((n, i) => {
    let id: string;
    do id = `${rng.range(1, 9)}${rng.digits(11)}`;
    while (ids.has(id) || id === VENDOR_ACCOUNT);
    ids.add(id);
    accounts[n] = { id, name: n, ...(i === 0 ? {} : { cidr: `10.${10 * i}.0.0/16` }) };
  });

  const ssoRoles: Org['ssoRoles'] = Object.create(null) as Org['ssoRoles'];
  for (const a of Object.values(accounts)) {
    const sets = {} as Record<PermissionSet, { name: string; id: string }>;
    for (const s of ['AdministratorAccess', 'PlatformEngineer', 'Developer', 'ReadOnly'] as const) {
      sets[s] = { name: `AWSReservedSSO_${s}_${rng.hex(16)}`, id: roleId(rng) };
    }
    ssoRoles[a.id] = sets;
  }
  const roleIds: Record<string, string> = Object.create(null) as Record<string, string>;
  const roleNames = [
    'deploy',
    'ci-runner',
    'orders-api',
    'web-frontend',
    'batch-worker',
    'DatadogIntegrationRole',
    'terraform-plan',
    'orders-events-consumer-role',
    'invoice-renderer-role',
    'nightly-report-role',
    'AWSServiceRoleForConfig',
    'AWSServiceRoleForAutoScaling',
    'AWSServiceRoleForTrustedAdvisor',
    'OrganizationAccountAccessRole',
  ];
  for (const a of Object.values(accounts)) {
    for (const r of roleNames) roleIds[`${a.id}/${r}`] = roleId(rng);
  }

  const people: Person[] = [];
  const sets: [number, PermissionSet][] = [
    [6, 'AdministratorAccess'],
    [16, 'PlatformEngineer'],
    [58, 'Developer'],
    [20, 'ReadOnly'],
  ];
  const n = Math.max(4, opts.principals);
  for (let i = 0; i < n; i++) {
    const country = i < COUNTRIES.length ? (COUNTRIES[i] as Country) : rng.pick(COUNTRIES);
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length] as string;
    const login = `${first}.${last}${i >= FIRST.length ? String(i) : ''}`;
    // The first person of the organisation runs it; the next two keep the platform.
    const set: PermissionSet =
      i === 0 ? 'AdministratorAccess' : i < 3 ? 'PlatformEngineer' : rng.weighted(sets);
    const block = rng.pick(country.blocks);
    const home = `${block}.${rng.range(1, 254)}.${rng.range(2, 254)}`;
    const home2 = `${block}.${rng.range(1, 254)}.${rng.range(2, 254)}`;
    const access: Person['access'] = [];
    const A = accounts;
    if (set === 'AdministratorAccess') {
      for (const a of Object.values(A)) access.push({ account: a.id, set });
    } else if (set === 'PlatformEngineer') {
      access.push({ account: A.production.id, set }, { account: A.staging.id, set });
      access.push({ account: A['shared-services'].id, set });
    } else if (set === 'Developer') {
      access.push({ account: A.staging.id, set }, { account: A.production.id, set: 'ReadOnly' });
    } else {
      access.push({ account: A.production.id, set });
    }
    const console = set === 'ReadOnly' || rng.chance(0.6);
    people.push({
      login,
      email: `${login}@${domain}`,
      country,
      startMinute: rng.range(8 * 60, 9 * 60 + 30),
      workMinutes: rng.range(7 * 60 + 30, 9 * 60),
      addresses: [home, home2, country.office],
      set,
      access,
      console,
      browser: rng.pick(BROWSERS),
      cli: cliAgent(rng.pick(['macos#24.1.0', 'linux#6.8.0-48-generic', 'windows#10'])),
      officeDays: [1, 2, 3, 4, 5].filter(() => rng.chance(0.4)),
      pace: 0.5 + rng.next(),
    });
  }

  const hosts: Host[] = [];
  // The fleet grows with the organisation: roughly one application host per fifteen people.
  const fleet = (per: number, min: number) => Math.max(min, Math.round(n / per));
  const hostPlan: [AccountName, HostRole, number, string | undefined][] = [
    ['production', 'web', fleet(20, 1), 'web-frontend'],
    ['production', 'app', fleet(15, 2), 'orders-api'],
    ['production', 'worker', fleet(30, 1), 'batch-worker'],
    ['production', 'db', fleet(40, 1), undefined],
    ['production', 'cache', 1, undefined],
    ['staging', 'web', 1, 'web-frontend'],
    ['staging', 'app', fleet(30, 1), 'orders-api'],
    ['staging', 'worker', 1, 'batch-worker'],
    ['staging', 'db', 1, undefined],
    ['shared-services', 'runner', fleet(25, 1), 'ci-runner'],
  ];
  const subnetOf: Record<HostRole, number> = {
    web: 1,
    app: 2,
    worker: 2,
    db: 3,
    cache: 3,
    runner: 2,
  };
  for (const [acc, role, count, instanceRole] of hostPlan) {
    const a = accounts[acc];
    const base = (a.cidr as string).split('.').slice(0, 2).join('.');
    for (let i = 0; i < count; i++) {
      hosts.push({
        account: a.id,
        role,
        ip: `${base}.${subnetOf[role] * 16 + rng.int(16)}.${rng.range(10, 250)}`,
        eni: `eni-0${rng.hex(16)}`,
        instanceId: `i-0${rng.hex(16)}`,
        ...(instanceRole === undefined ? {} : { instanceRole }),
      });
    }
  }
  const eip = (prefixes: readonly string[]) =>
    `${rng.pick(prefixes)}.${rng.range(1, 254)}.${rng.range(2, 254)}`;
  const euWest = ['52.18', '54.76', '34.240', '3.248', '52.31', '18.200'];
  const nat: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const a of Object.values(accounts)) nat[a.id] = [eip(euWest), eip(euWest)];

  const flowLogs: Org['flowLogs'] = Object.create(null) as Org['flowLogs'];
  for (const acc of ['production', 'staging', 'shared-services'] as const) {
    flowLogs[accounts[acc].id] = { id: `fl-0${rng.hex(16)}`, vpc: `vpc-0${rng.hex(16)}` };
  }
  const office = (people[0] as Person).country.office;
  return {
    seed: opts.seed,
    name,
    domain,
    start: opts.start,
    days: opts.days,
    learningDays: opts.learningDays,
    accounts,
    people,
    hosts,
    ssoRoles,
    roleIds,
    nat,
    reportingUser: {
      account: accounts.production.id,
      name: 'svc-reporting',
      id: `AIDA${rng.upper(17)}`,
      key: `AKIA${rng.upper(16)}`,
      address: office,
    },
    buckets: {
      data: `${name}-prod-customer-data`,
      artifacts: `${name}-ci-artifacts`,
      assets: `${name}-prod-static-assets`,
      logs: `${name}-org-cloudtrail-logs`,
      reports: `${name}-prod-reports`,
    },
    secrets: {
      db: `prod/orders-api/db-credentials-${rng.alnum(6)}`,
      payments: `prod/payments/stripe-api-key-${rng.alnum(6)}`,
      search: `prod/search/admin-password-${rng.alnum(6)}`,
    },
    kmsKey: rng.uuid(),
    lambdas: ['orders-events-consumer', 'invoice-renderer', 'nightly-report'],
    flowLogs,
  };
}

/** Hosts with an instance role in an account. */
export function hostsOf(org: Org, account: string, role?: HostRole): Host[] {
  return org.hosts.filter((h) => h.account === account && (role === undefined || h.role === role));
}

/** Whether a UTC time falls in a person's working time (their local weekday and hours). */
export function localClock(t: number, timeZone: string): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(t));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { weekday, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** The UTC start of a person's working day that begins on the UTC date of `dayStart`, if any. */
export function workday(p: Person, dayStart: number): { from: number; to: number } | undefined {
  // Local midnight is within a few hours of UTC midnight for the European zones used here.
  const noon = localClock(dayStart + 12 * 3_600_000, p.country.timeZone);
  if (noon.weekday > 5) return undefined;
  const offsetMin = noon.minute - 12 * 60;
  const from = dayStart + (p.startMinute - offsetMin) * 60_000;
  return { from, to: from + p.workMinutes * 60_000 };
}

/** The sensitive resources the configuration lists. */
export function sensitiveOf(org: Org) {
  return {
    buckets: [org.buckets.data],
    secrets: ['prod/payments/*'],
    kmsKeys: [`arn:aws:kms:*:${org.accounts.production.id}:key/${org.kmsKey}`],
  };
}

/**
 * The organisation as a trailhound configuration: what its security team would write down about
 * its normal. `rules` carries the tuning a team does for its own set-up (the CI runner is a hub
 * that assumes deploy roles; learning periods match the history it has).
 */
export function orgConfig(org: Org, registry: readonly Rule[]): Record<string, unknown> {
  const A = org.accounts;
  const rules: Record<string, { knobs: Record<string, unknown> }> = {};
  for (const r of registry) {
    const knob = (r.knobs as Record<string, { default?: unknown }> | undefined)?.learningDays;
    if (typeof knob?.default === 'number' && knob.default > org.learningDays) {
      rules[r.id] = { knobs: { learningDays: org.learningDays } };
    }
  }
  // The workloads that read the sensitive data, secrets and key, around the clock.
  const readers = ['arn:aws:iam::*:role/orders-api', 'arn:aws:iam::*:role/batch-worker'];
  rules['aws.data.sensitive-resource-access'] = { knobs: { allowedPrincipals: readers } };
  rules['aws.data.sensitive-access-outside-hours'] = { knobs: { anyHourPrincipals: readers } };
  rules['aws.service-misuse.sensitive-secret-read'] = { knobs: { readers } };
  rules['aws.iam.role-chaining'] = {
    knobs: { hubRoles: [`arn:aws:iam::${A['shared-services'].id}:role/ci-runner`] },
  };
  // The monitoring agents' connection to the vendor's published intake addresses is periodic by
  // design (one flow record per capture window); only HTTPS to them is expected.
  rules['aws.network.flow-beaconing'] = {
    knobs: { expectedDestinations: MONITORING_INTAKE.map((a) => `${a}/32:443`) },
  };
  return {
    organisation: {
      accounts: Object.values(A).map((a) => a.id),
      trustedAccounts: [VENDOR_ACCOUNT],
      internalCidrs: Object.values(A).flatMap((a) => (a.cidr === undefined ? [] : [a.cidr])),
      approvedRegions: [...REGIONS],
      automationArns: [
        `arn:aws:iam::${A['shared-services'].id}:role/ci-runner`,
        'arn:aws:iam::*:role/deploy',
        'arn:aws:iam::*:role/terraform-plan',
        'arn:aws:iam::*:role/DatadogIntegrationRole',
      ],
      automationUserAgents: ['*exec-env/github-actions-runner*'],
      jumpUsers: [
        'arn:aws:sts::*:assumed-role/AWSReservedSSO_PlatformEngineer_*/*',
        'arn:aws:sts::*:assumed-role/AWSReservedSSO_AdministratorAccess_*/*',
      ],
      expectedCountries: COUNTRIES.map((c) => c.code),
      workingHours: {
        timeZone: 'Europe/Berlin',
        start: '07:00',
        end: '20:00',
        days: [1, 2, 3, 4, 5],
      },
      crossAccountPairs: [
        { from: A['shared-services'].id, to: A.production.id },
        { from: A['shared-services'].id, to: A.staging.id },
        { from: VENDOR_ACCOUNT, to: A.production.id },
        { from: VENDOR_ACCOUNT, to: A.staging.id },
        { from: VENDOR_ACCOUNT, to: A['shared-services'].id },
        { from: VENDOR_ACCOUNT, to: A.management.id },
      ],
      sensitive: sensitiveOf(org),
    },
    rules,
  };
}

/** The configuration as the YAML file written beside the logs. */
export function configYaml(org: Org, registry: readonly Rule[]): string {
  const head =
    `# trailhound configuration for the simulated organisation "${org.name}" (seed ${org.seed}).\n` +
    `# Written by \`trailhound simulate\`: what its security team knows about its normal.\n`;
  return head + stringify(orgConfig(org, registry));
}

export const learningEnd = (org: Org) => org.start + org.learningDays * DAY;
