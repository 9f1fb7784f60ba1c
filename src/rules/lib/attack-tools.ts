/**
 * Recognising offensive tools and cloud security scanners by the user agent they leave in
 * CloudTrail. The lists are case-insensitive substrings (knob values), split in two because a
 * scanner the defenders run (Prowler, ScoutSuite) matters less than an attack distribution or
 * exploitation framework. Matching runs on every API event, so each pair of lists is compiled
 * once into lowercase needles, and verdicts for recently seen user agents (which repeat heavily
 * in real trails) are remembered in a small bounded cache.
 */

/** Attack distributions and offensive tools; the default of the `attackTools` knob. */
export const DEFAULT_ATTACK_TOOLS: readonly string[] = [
  // Penetration-testing distributions show up in the platform part of the CLI and SDK user
  // agents: `Linux/6.5.0-kali3-amd64`, `exe/x86_64.kali.2024`, `md/distrib#kali.2024`.
  'kali',
  'parrot',
  'pentoo',
  // Exploitation frameworks and credential tooling.
  'pacu',
  'trufflehog',
  'cloudfox',
  'weirdaal',
  'enumerate-iam',
  // Adversary emulation: its user agent is `stratus-red-team_<detonation id>`.
  'stratus-red-team',
];

/** Audit and inventory tools defenders run too; the default of the `scannerTools` knob. */
export const DEFAULT_SCANNER_TOOLS: readonly string[] = [
  'prowler',
  'scoutsuite',
  'scout suite',
  'cloudsploit',
  'cloudmapper',
  'cloudsplaining',
  'pmapper',
  'steampipe',
  's3scanner',
];

const LABELS: Readonly<Record<string, string>> = {
  kali: 'Kali Linux',
  parrot: 'Parrot OS',
  pentoo: 'Pentoo Linux',
  pacu: 'Pacu',
  trufflehog: 'TruffleHog',
  cloudfox: 'CloudFox',
  weirdaal: 'WeirdAAL',
  'enumerate-iam': 'enumerate-iam',
  'stratus-red-team': 'Stratus Red Team',
  prowler: 'Prowler',
  scoutsuite: 'ScoutSuite',
  'scout suite': 'ScoutSuite',
  cloudsploit: 'CloudSploit',
  cloudmapper: 'CloudMapper',
  cloudsplaining: 'Cloudsplaining',
  pmapper: 'PMapper',
  steampipe: 'Steampipe',
  s3scanner: 'S3Scanner',
};

export interface ToolMatch {
  /** The knob entry that matched, lowercased. */
  needle: string;
  /** A readable name (`Kali Linux`), or the entry itself for a user-defined one. */
  label: string;
  kind: 'attack' | 'scanner';
}

export type ToolMatcher = (userAgent: string | undefined) => ToolMatch | undefined;

const CACHE_LIMIT = 4096;
const byAttack = new WeakMap<readonly string[], WeakMap<readonly string[], ToolMatcher>>();

function build(attack: readonly string[], scanner: readonly string[]): ToolMatcher {
  const needles: ToolMatch[] = [];
  const add = (entries: readonly string[], kind: ToolMatch['kind']): void => {
    for (const entry of entries) {
      const needle = entry.trim().toLowerCase();
      if (needle.length === 0) continue;
      needles.push({ needle, label: LABELS[needle] ?? entry.trim(), kind });
    }
  };
  // Attack entries first: a user agent naming both kinds is reported as the more serious one.
  add(attack, 'attack');
  add(scanner, 'scanner');
  const seen = new Map<string, ToolMatch | null>();
  return (userAgent) => {
    if (userAgent === undefined || needles.length === 0) return undefined;
    const cached = seen.get(userAgent);
    if (cached !== undefined) return cached ?? undefined;
    const lower = userAgent.toLowerCase();
    let found: ToolMatch | null = null;
    for (const n of needles) {
      if (lower.includes(n.needle)) {
        found = n;
        break;
      }
    }
    if (seen.size >= CACHE_LIMIT) seen.clear();
    seen.set(userAgent, found);
    return found ?? undefined;
  };
}

/**
 * The matcher for a pair of lists. The engine resolves knobs once per run, so the same arrays
 * come back on every event and the compiled matcher is found by identity.
 *
 * @example toolMatcher(['kali'], ['prowler'])('aws-cli/2.15.0 … Linux/6.5.0-kali3-amd64')
 *   // → { needle: 'kali', label: 'Kali Linux', kind: 'attack' }
 */
export function toolMatcher(attack: readonly string[], scanner: readonly string[]): ToolMatcher {
  let inner = byAttack.get(attack);
  if (inner === undefined) byAttack.set(attack, (inner = new WeakMap()));
  let m = inner.get(scanner);
  if (m === undefined) inner.set(scanner, (m = build(attack, scanner)));
  return m;
}
