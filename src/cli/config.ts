/**
 * `trailhound config check FILE` and `trailhound config example`: validate a configuration file
 * without running anything (all problems at once, exit 2), and print a commented example that
 * passes validation, to start a file from.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { compileRules } from '../engine/compile.js';
import { RULES } from '../rules/registry.js';
import type { Config } from '../config/schema.js';
import { parseWhen, resolveChangePaths } from '../config/suppressions.js';
import { formatLocation } from '../errors.js';
import { loadChangeFeeds } from '../findings/changes.js';

/** Printed by `trailhound config example`; kept equal to test/fixtures/config/full.yaml by a test. */
export const EXAMPLE_CONFIG = `# trailhound.yaml: what is normal for this organisation, so detections can tell unexpected
# activity from the usual. Every key is optional; an empty file (or no file) means defaults.
# Check a file without running a hunt: trailhound config check trailhound.yaml

organisation:
  # Accounts the organisation owns. Quote account ids: unquoted, YAML reads them as numbers.
  accounts:
    - '111122223333'
    - '444455556666'
  # Third-party accounts the organisation trusts (vendors, auditors).
  trustedAccounts:
    - '777788889999'
  # Internal ranges, in addition to the private ranges of RFC 1918 / 4193.
  internalCidrs:
    - 10.0.0.0/8
    - 203.0.113.0/24
    - 2001:db8::/32
  # Regions in use; activity elsewhere is unexpected. Empty means any region.
  approvedRegions: [eu-west-1, us-east-1]
  # CI/CD and automation identities, as ARN globs.
  automationArns:
    - arn:aws:iam::*:role/deploy-*
    - arn:aws:sts::111122223333:assumed-role/github-actions/*
  # User agents of CI/CD tooling, as globs.
  automationUserAgents:
    - '*terraform*'
    - '*aws-cdk*'
  # Identities allowed to open SSM sessions and EC2 Instance Connect, as ARN globs.
  jumpUsers:
    - arn:aws:sts::111122223333:assumed-role/ops-jump/*
  # ISO 3166 alpha-2 codes of countries logins are expected from. Empty means any.
  expectedCountries: [GB, IE]
  # Working hours; activity outside them is "odd hours".
  workingHours:
    timeZone: Europe/London
    start: '08:00'
    end: '18:30'
    days: [1, 2, 3, 4, 5] # ISO weekdays, 1 = Monday
  # Approved cross-account role use, caller account to target account.
  crossAccountPairs:
    - from: '111122223333'
      to: '444455556666'
  # Resources whose use is watched closely, as ARN or name globs.
  sensitive:
    buckets: [payroll-*, arn:aws:s3:::customer-exports]
    secrets: ['prod/*']
    kmsKeys: ['arn:aws:kms:eu-west-1:111122223333:key/*']

# Per-rule settings, keyed by rule id or a glob over rule ids.
rules:
  aws.evasion.cloudtrail-stopped:
    priority: critical
  aws.recon.*:
    priority: low
  aws.time-geo.*:
    enabled: false
  # Knobs tune one rule; the rule catalogue (docs/rules.md) lists each rule's knobs and defaults.
  aws.network.flow-egress-unusual-port:
    knobs:
      allowedPorts: [53, 80, 123, 443, 587]

# Threat intelligence matched against every address. List files are relative to this file:
# one address or CIDR block per line with # comments (TOR exit-addresses files work too), or CSV.
intel:
  lists:
    - name: bad-ips
      addresses: [198.51.100.66, 192.0.2.0/28]
    # - name: tor
    #   file: tor-exit-addresses.txt

# Findings accepted on purpose. A matching finding is marked suppressed, not dropped: it is
# counted in the run summary and written with hunt --show-suppressed. Every field but rule, reason
# and expires is optional; all given must match. An expired entry stops applying and the run warns.
suppressions:
  - rule: aws.recon.* # a rule id or a glob over rule ids
    # actor: ARN glob(s); an assumed-role session also matches as its role.
    actor: arn:aws:iam::111122223333:role/security-scanner
    # account: account id(s) or glob(s); sourceIp: address(es) or CIDR block(s);
    # userAgent: glob(s), case-insensitive.
    sourceIp: 10.0.0.0/8
    reason: weekly inventory scan by the security team
    ticket: SEC-1042 # optional, shown with the finding
    expires: '2027-06-30' # a date (applies through that UTC day) or an ISO 8601 time

# Approved changes and CI/CD deploy runs, as CSV or JSON files relative to this file (hunt
# --changes FILE and --deploys FILE add more). A finding whose events all fall inside a ticket or
# run is suppressed (by change / deploy); one that only partly overlaps keeps its priority and
# names the ticket. Columns: ticket,principal,actions,start,end for tickets;
# pipeline,run,role,start,end and optional actions for deploy runs.
changes:
  tickets: []
  # tickets: [approved-changes.csv]
  deploys: []
  # deploys: [deploy-runs.json]

input:
  # Records larger than this many bytes are reported and skipped rather than parsed.
  maxRecordBytes: 67108864

findings:
  # Events of one rule and key within this many minutes become one finding.
  windowMinutes: 60
  # At most this many event ids and origins are listed in a finding's evidence.
  maxEvidence: 50

state:
  # Keys (principals, address pairs, ...) each stateful rule tracks at most; the least recently
  # used beyond this are evicted and counted in the run summary. Lower it to bound memory on a very
  # busy network; an evicted key starts again from nothing.
  maxKeysPerRule: 100000

# Alert destinations for hunt --send and watch. Secrets never go in this file: each destination
# names the environment variable holding its URL, signing secret or token. Findings of one rule and
# principal within windowMinutes become one alert with a count. Alerts a destination did not take
# after the retries wait in deadLetterDir (relative to this file) for trailhound sinks replay.
# sinks:
#   windowMinutes: 60
#   deadLetterDir: trailhound-dead-letter
#   retry: { attempts: 5, baseDelayMs: 1000, maxDelayMs: 60000, timeoutMs: 10000 }
#   destinations:
#     - name: soc-slack
#       type: slack # a Slack-compatible incoming webhook
#       urlEnv: TRAILHOUND_SLACK_URL
#       minPriority: high
#     - name: siem
#       type: webhook # JSON, X-Trailhound-Signature: sha256=HMAC(secret, "timestamp.body")
#       urlEnv: TRAILHOUND_WEBHOOK_URL
#       secretEnv: TRAILHOUND_WEBHOOK_SECRET
#     - name: tickets
#       type: jira
#       url: https://example.atlassian.net
#       apiVersion: 2 # or 3: Jira Cloud with a rich-text description
#       project: SEC
#       issueType: Task
#       labels: [trailhound]
#       priorities: { critical: Highest, high: High }
#       email: secops@example.com # basic auth with an API token; auth: bearer for a PAT
#       tokenEnv: TRAILHOUND_JIRA_TOKEN
#       minPriority: high
#       rules: ['aws.evasion.*', 'aws.iam.*']
#     - name: archive
#       type: file # JSON lines, appended
#       path: alerts.jsonl
#       minPriority: info
`;

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('check a configuration file, or print an example one');
  config
    .command('check')
    .description('validate a configuration file without running anything (exit 2 when invalid)')
    .argument('<file>', 'YAML configuration file')
    .action(async (file: string) => {
      const loaded = await loadConfig(file);
      // Rule settings are checked against the registry too: an unknown rule id or knob is an error.
      compileRules(RULES, loaded.config);
      // Change and deploy feeds too: a missing file is an error, bad rows are listed.
      const changes = resolveChangePaths(loaded.config.changes, loaded.path);
      const feeds = await loadChangeFeeds(changes);
      const lines = describeConfig(loaded.config);
      if (changes.tickets.length + changes.deploys.length > 0) {
        lines.push(
          `  ${'feeds'.padEnd(18)}${feeds.windows.length} tickets and runs read, ${feeds.problems.length} bad`,
        );
        for (const p of feeds.problems) lines.push(`    ${formatLocation(p)}: ${p.reason}`);
      }
      process.stdout.write(`${file}: ok\n${lines.join('\n')}\n`);
    });
  config
    .command('example')
    .description('print a commented example configuration')
    .action(() => {
      process.stdout.write(EXAMPLE_CONFIG);
    });
}

/**
 * What a valid configuration defines, one aligned line per part, for `config check`.
 *
 * @example
 * describeConfig(defaultConfig()); // ['  accounts            none listed', …]
 */
export function describeConfig(config: Config): string[] {
  const org = config.organisation;
  const n = (count: number, one: string, many = `${one}s`): string =>
    `${count} ${count === 1 ? one : many}`;
  const listed = (items: readonly string[], none: string): string =>
    items.length === 0 ? none : items.length <= 4 ? items.join(', ') : `${items.length} listed`;
  const hours = org.workingHours;
  const rules = Object.values(config.rules);
  const disabled = rules.filter((r) => r.enabled === false).length;
  const reprioritised = rules.filter((r) => r.priority !== undefined).length;
  const tuned = rules.filter((r) => r.knobs !== undefined).length;
  const now = Date.now();
  const expired = config.suppressions.filter(
    (s) => (parseWhen(s.expires, 'end') ?? -Infinity) < now,
  ).length;
  const lines: [string, string][] = [
    [
      'accounts',
      `${n(org.accounts.length, 'own', 'own')}, ${n(org.trustedAccounts.length, 'trusted', 'trusted')}`,
    ],
    ['internal CIDRs', listed(org.internalCidrs, 'none beyond the private ranges')],
    ['approved regions', listed(org.approvedRegions, 'any')],
    [
      'automation',
      `${n(org.automationArns.length, 'ARN glob')}, ${n(org.automationUserAgents.length, 'user-agent glob')}`,
    ],
    ['jump users', n(org.jumpUsers.length, 'ARN glob')],
    ['countries', listed(org.expectedCountries, 'any')],
    [
      'working hours',
      hours
        ? `${hours.start}-${hours.end} ${hours.timeZone}, ISO days ${hours.days.join(',')}`
        : 'not set',
    ],
    ['cross-account', n(org.crossAccountPairs.length, 'approved pair')],
    [
      'sensitive',
      `${n(org.sensitive.buckets.length, 'bucket')}, ${n(org.sensitive.secrets.length, 'secret')}, ` +
        n(org.sensitive.kmsKeys.length, 'KMS key'),
    ],
    [
      'rules',
      `${n(rules.length, 'setting')} (${disabled} disabling, ${reprioritised} changing priority, ` +
        `${tuned} setting knobs)`,
    ],
    [
      'intel',
      config.intel.lists.length === 0
        ? 'no threat-intelligence lists'
        : `${n(config.intel.lists.length, 'list')} (${config.intel.lists.map((l) => l.name).join(', ')})`,
    ],
    [
      'suppressions',
      `${n(config.suppressions.length, 'entry', 'entries')}${expired > 0 ? ` (${expired} expired)` : ''}, ` +
        `${n(config.changes.tickets.length, 'change feed')}, ${n(config.changes.deploys.length, 'deploy feed')}`,
    ],
    ['input', `records up to ${formatBytes(config.input.maxRecordBytes)}`],
    [
      'findings',
      `${config.findings.windowMinutes}-minute window, up to ${config.findings.maxEvidence} evidence items`,
    ],
    [
      'state',
      `up to ${config.state.maxKeysPerRule.toLocaleString('en-US')} keys per stateful rule`,
    ],
    [
      'alert sinks',
      config.sinks.destinations.length === 0
        ? 'none'
        : `${n(config.sinks.destinations.length, 'destination')} (${config.sinks.destinations.map((d) => `${d.name}: ${d.type}`).join(', ')}), ` +
          `one alert per rule and principal per ${config.sinks.windowMinutes} minutes`,
    ],
  ];
  return lines.map(([label, value]) => `  ${label.padEnd(18)}${value}`);
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
