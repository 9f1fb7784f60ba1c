/**
 * Detection figures on the Invictus AWS dataset (a recorded run of Stratus Red Team attack
 * techniques against one account). Runs the hunt exactly as `trailhound hunt DIR --format json`
 * does, then sorts every finding's evidence by who produced it:
 *
 * - detonation: the technique itself (user agent `stratus-red-team_<run id>`, which S3 logs in
 *   brackets);
 * - set-up / tear-down: Terraform applying or destroying a technique's prerequisites (user agent
 *   Terraform with `stratus-red-team_<run id>` appended, or plain Terraform);
 * - other: console and AWS-internal activity.
 *
 * A technique counts as detected when at least one finding's evidence includes one of its
 * detonation events. Usage: `npm run figures:invictus [-- [--config FILE] [DIR]]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { defaultConfig } from '../src/config/schema.js';
import { hunt } from '../src/hunt/run.js';
import { RULES } from '../src/rules/registry.js';

const args = process.argv.slice(2);
const configAt = args.indexOf('--config');
const configFile = configAt >= 0 ? args.splice(configAt, 2)[1] : undefined;
const dir =
  args[0] ??
  join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'invictus-aws-dataset', 'CloudTrail');

/** Stratus Red Team technique, recognised by the API calls its detonation makes. */
const TECHNIQUES: readonly [string, (names: Set<string>) => boolean][] = [
  ['aws.defense-evasion.cloudtrail-stop', (n) => n.has('StopLogging')],
  ['aws.defense-evasion.cloudtrail-delete', (n) => n.has('DeleteTrail')],
  ['aws.defense-evasion.cloudtrail-event-selectors', (n) => n.has('PutEventSelectors')],
  ['aws.defense-evasion.vpc-remove-flow-logs', (n) => n.has('DeleteFlowLogs')],
  ['aws.defense-evasion.organizations-leave', (n) => n.has('LeaveOrganization')],
  ['aws.credential-access.ec2-get-password-data', (n) => n.has('GetPasswordData')],
  ['aws.credential-access.secretsmanager-retrieve-secrets', (n) => n.has('GetSecretValue')],
  ['aws.credential-access.ssm-retrieve-securestring-parameters', (n) => n.has('GetParameters')],
  ['aws.discovery.ec2-download-user-data', (n) => n.has('DescribeInstanceAttribute')],
  ['aws.execution.ssm-send-command', (n) => n.has('SendCommand')],
  ['aws.execution.ec2-launch-unusual-instances', (n) => n.has('RunInstances')],
  [
    'aws.exfiltration.ec2-security-group-open-port-22-ingress',
    (n) => n.has('AuthorizeSecurityGroupIngress'),
  ],
  ['aws.exfiltration.s3-backdoor-bucket-policy', (n) => n.has('PutBucketPolicy')],
  ['aws.exfiltration.ec2-share-ami', (n) => n.has('ModifyImageAttribute')],
  ['aws.exfiltration.ec2-share-ebs-snapshot', (n) => n.has('ModifySnapshotAttribute')],
  ['aws.exfiltration.rds-share-snapshot', (n) => n.has('ModifyDBSnapshotAttribute')],
  ['aws.initial-access.console-login-without-mfa', (n) => n.has('ConsoleLogin')],
  ['aws.persistence.iam-create-user-login-profile', (n) => n.has('CreateLoginProfile')],
  ['aws.persistence.rolesanywhere-create-trust-anchor', (n) => n.has('CreateTrustAnchor')],
  ['aws.persistence.iam-backdoor-role', (n) => n.has('UpdateAssumeRolePolicy')],
  ['aws.persistence.lambda-backdoor-function', (n) => n.has('AddPermission20150331v2')],
  ['aws.persistence.lambda-overwrite-code', (n) => n.has('UpdateFunctionCode20150331v2')],
  [
    'aws.persistence.iam-create-admin-user',
    (n) => n.has('CreateUser') && n.has('AttachUserPolicy'),
  ],
  ['aws.persistence.iam-backdoor-user', (n) => n.has('CreateAccessKey') && !n.has('CreateUser')],
];

const UA_RULE = 'aws.recon.attack-tool-user-agent';

type Rec = { eventID?: string; eventName?: string; userAgent?: string };
const runOf = (ua: string | undefined): string | undefined =>
  /^\[?stratus-red-team_([0-9a-f-]{36})/.exec(ua ?? '')?.[1];
const phase = (ua: string | undefined): 'detonation' | 'setup-teardown' | 'other' =>
  runOf(ua) !== undefined ? 'detonation' : /Terraform/.test(ua ?? '') ? 'setup-teardown' : 'other';

const config = configFile === undefined ? defaultConfig() : (await loadConfig(configFile)).config;
const { findings, summary } = await hunt({
  inputs: [dir],
  config,
  registry: RULES,
  workers: 1,
});

// Records by origin, to see which events each finding stands on.
const cache = new Map<string, Rec[]>();
function record(origin: string): Rec | undefined {
  const hash = origin.lastIndexOf('#');
  const file = origin.slice(0, hash);
  let recs = cache.get(file);
  if (recs === undefined)
    cache.set(
      file,
      (recs = (JSON.parse(readFileSync(file, 'utf8')) as { Records: Rec[] }).Records),
    );
  return recs[Number(origin.slice(hash + 1))];
}

// Detonation runs and the technique each is.
const runs = new Map<string, Set<string>>();
for (const f of readdirSync(dir)) {
  for (const r of (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { Records: Rec[] }).Records) {
    const run = runOf(r.userAgent);
    if (run === undefined || r.eventName === undefined) continue;
    let names = runs.get(run);
    if (names === undefined) runs.set(run, (names = new Set()));
    names.add(r.eventName);
  }
}
const techniqueOfRun = new Map<string, string>();
for (const [run, names] of runs) {
  const t = TECHNIQUES.find(([, is]) => is(names));
  if (t) techniqueOfRun.set(run, t[0]);
}

const detectedBy = new Map<string, Set<string>>();
const byPhase = { detonation: 0, 'setup-teardown': 0, other: 0 };
const benign: string[] = [];
for (const f of findings) {
  const recs = f.evidence.origins.map(record).filter((r): r is Rec => r !== undefined);
  const phases = new Set(recs.map((r) => phase(r.userAgent)));
  const p = phases.has('detonation')
    ? 'detonation'
    : phases.has('setup-teardown')
      ? 'setup-teardown'
      : 'other';
  byPhase[p]++;
  if (p !== 'detonation') benign.push(`${p}\t${f.priority}\t${f.rule.id}\t${f.summary}`);
  // The Stratus user agent gives every detonation away; a real attacker would not announce
  // themselves, so a technique only counts as detected by a rule that looks at the behaviour.
  if (f.rule.id === UA_RULE) continue;
  for (const r of recs) {
    const t = techniqueOfRun.get(runOf(r.userAgent) ?? '');
    if (t === undefined) continue;
    let rules = detectedBy.get(t);
    if (rules === undefined) detectedBy.set(t, (rules = new Set()));
    rules.add(f.rule.id);
  }
}

const techniques = [...new Set(techniqueOfRun.values())].sort();
console.log(`events ${summary.events.api}, findings ${findings.length}`);
console.log(
  `findings by phase: detonation ${byPhase.detonation}, set-up/tear-down ${byPhase['setup-teardown']}, other ${byPhase.other}`,
);
console.log(
  `techniques detected: ${techniques.filter((t) => detectedBy.has(t)).length} of ${techniques.length}`,
);
for (const t of techniques)
  console.log(
    `${detectedBy.has(t) ? 'yes' : 'NO '}\t${t}\t${[...(detectedBy.get(t) ?? [])].join(', ')}`,
  );
console.log('\nfindings not on detonation events:');
for (const b of benign) console.log(b);
