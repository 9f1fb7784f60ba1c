/**
 * The `asff` format: findings in the AWS Security Finding Format, as request bodies for Security
 * Hub's `BatchImportFindings`. Each output line is one body, `{"Findings":[…]}`, so a loop can send
 * the file line by line:
 *
 *   while read -r body; do aws securityhub batch-import-findings --cli-input-json "$body"; done
 *
 * What shapes the batches (AWS: "Guidelines for using the BatchImportFindings API"):
 * - at most 100 findings per call;
 * - the call must come from the account named in `AwsAccountId` when, as here, the product ARN is the
 *   account's own `product/<account>/default` (the form for custom integrations), and it goes to the
 *   region in that ARN; so a batch never mixes accounts or regions.
 *
 * Limits from the ASFF reference are enforced here, text cut with an ellipsis: Title 256, Description
 * 1024, Remediation text 512, ProductFields 50 entries (key 128, value 2048), Resources 32.
 *
 * A finding without an account (a flow log in a custom format without `account-id`, say) gets the
 * `defaultAccount` the caller passes (`--asff-account`); with none, it is left out and reported
 * through `onSkipped`, because Security Hub rejects a finding without a 12-digit account. A finding
 * without a region goes to `defaultRegion`, else us-east-1, where CloudTrail records the global
 * services.
 *
 * `CreatedAt`/`UpdatedAt` are the finding's first and last event times, not the clock, so every run
 * over the same logs writes the same bodies, and a re-import updates a finding instead of adding one
 * (the `Id` is the finding's stable id).
 *
 * Suppressed findings (written with `--show-suppressed`) carry `Workflow.Status` SUPPRESSED. Security
 * Hub takes `Workflow` only when it creates a finding; one imported earlier and suppressed later keeps
 * its workflow status until `BatchUpdateFindings` changes it.
 */
import type { Priority } from '../config/schema.js';
import type { Finding } from '../findings/finding.js';
import { resolveTechnique, type TacticId } from './attack.js';
import type { RuleLookup } from './ocsf.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const ASFF_BATCH_SIZE = 100;

/** Limits from the AwsSecurityFinding API reference. */
export const ASFF_LIMITS = {
  id: 512,
  generatorId: 512,
  title: 256,
  description: 1024,
  recommendationText: 512,
  types: 50,
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2048,
  resources: 32,
  resourceType: 256,
  resourceRegion: 16,
} as const;

export interface AsffOptions {
  /** AwsAccountId for findings that name no account; without it such findings are skipped. */
  defaultAccount?: string;
  /** Region for findings that name none (default us-east-1). */
  defaultRegion?: string;
  rules?: RuleLookup;
  /** Told about each finding left out (no account and no default). */
  onSkipped?: (finding: Finding, reason: string) => void;
}

const LABEL: Readonly<Record<Priority, string>> = {
  info: 'INFORMATIONAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/** ATT&CK tactics with an ASFF `TTPs/<category>`; the rest become `Effects/…` per technique. */
const TTP_CATEGORY: Partial<Record<TacticId, string>> = {
  TA0001: 'Initial Access',
  TA0002: 'Execution',
  TA0003: 'Persistence',
  TA0004: 'Privilege Escalation',
  TA0005: 'Defense Evasion',
  TA0006: 'Credential Access',
  TA0007: 'Discovery',
  TA0008: 'Lateral Movement',
  TA0009: 'Collection',
  TA0011: 'Command and Control',
};

/** Impact techniques by the ASFF effect they have. */
const IMPACT_EFFECT: Readonly<Record<string, string>> = {
  T1485: 'Data Destruction',
  T1486: 'Data Destruction',
  T1490: 'Data Destruction',
  T1565: 'Data Destruction',
  T1489: 'Denial of Service',
  T1496: 'Resource Consumption',
};

/**
 * Cuts text to `max` UTF-16 units (the unit of the API's length limits), ending in an ellipsis,
 * without splitting a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** `namespace/category/classifier` types from the ATT&CK mapping, most specific first. */
export function asffTypes(f: Finding): string[] {
  const types: string[] = [];
  const add = (t: string) => {
    if (!types.includes(t)) types.push(t);
  };
  for (const id of f.mitre) {
    const r = resolveTechnique(id);
    // The classifier is the cited id and its name, so a filter on "T1562" finds every variant.
    const name = r.subTechnique ? r.subTechnique.name : r.technique.name;
    const classifier = name === undefined ? id : `${id} ${name.replace(/\//g, ' or ')}`;
    for (const t of r.tactics) {
      const ttp = TTP_CATEGORY[t.uid];
      if (ttp !== undefined) add(`TTPs/${ttp}/${classifier}`);
      else if (t.uid === 'TA0010') add('Effects/Data Exfiltration');
      else if (t.uid === 'TA0040') {
        const effect = Object.hasOwn(IMPACT_EFFECT, r.technique.uid)
          ? IMPACT_EFFECT[r.technique.uid]
          : undefined;
        add(`Effects/${effect ?? 'Data Destruction'}`);
      }
    }
  }
  // Techniques outside the TTP and effect lists (Resource Development, unknown ids): the finding
  // is still unusual behaviour of whoever acted.
  if (types.length === 0)
    add(
      f.matrix.category === 'network' ? 'Unusual Behaviors/Network Flow' : 'Unusual Behaviors/User',
    );
  return types.slice(0, ASFF_LIMITS.types);
}

function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

type Resource = { Type: string; Id: string; Partition: string; Region: string; Details?: unknown };

function resources(f: Finding, account: string, region: string): Resource[] {
  const Partition = partitionOf(region);
  const Region = clip(region, ASFF_LIMITS.resourceRegion);
  const out: Resource[] = [];
  const arn = f.actor.arn;
  if (arn !== undefined) {
    const resource = arn.split(':').slice(5).join(':');
    if (resource === 'root') {
      // The root user is the account itself.
    } else if (resource.startsWith('user/'))
      out.push({ Type: 'AwsIamUser', Id: arn, Partition, Region });
    else if (resource.startsWith('role/'))
      out.push({ Type: 'AwsIamRole', Id: arn, Partition, Region });
    else {
      // An STS session (assumed-role/Role/session) is no IAM resource of its own; the role ARN cannot
      // be rebuilt from it (the role's path is not in the session ARN), so it is sent as it is.
      const other: Record<string, string> = { PrincipalArn: clip(arn, 1023) };
      if (f.actor.type !== undefined) other.PrincipalType = clip(f.actor.type, 1023);
      out.push({ Type: 'Other', Id: arn, Partition, Region, Details: { Other: other } });
    }
  }
  if (f.actor.accessKeyId !== undefined)
    out.push({ Type: 'AwsIamAccessKey', Id: f.actor.accessKeyId, Partition, Region });
  out.push({ Type: 'AwsAccount', Id: `AWS::::Account:${account}`, Partition, Region });
  return out.slice(0, ASFF_LIMITS.resources);
}

function productFields(f: Finding): Record<string, string> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const put = (key: string, value: string | number | undefined | null) => {
    if (value === undefined || value === null || value === '') return;
    if (Object.keys(fields).length >= ASFF_LIMITS.productFields) return;
    fields[clip(key, ASFF_LIMITS.productFieldKey)] = clip(
      String(value),
      ASFF_LIMITS.productFieldValue,
    );
  };
  put('trailhound/RuleId', f.rule.id);
  put('trailhound/Category', f.matrix.category);
  put('trailhound/MatrixRow', f.matrix.row);
  put('trailhound/Priority', f.priority);
  put('trailhound/Mitre', f.mitre.join(','));
  put('trailhound/EventCount', f.evidence.count);
  put('trailhound/EventIds', f.evidence.eventIds.join(','));
  put('trailhound/Origins', f.evidence.origins.join(','));
  if (f.evidence.truncated) put('trailhound/EvidenceTruncated', 'true');
  put('trailhound/Actions', f.evidence.actions?.join(','));
  put('trailhound/Actor/Arn', f.actor.arn);
  put('trailhound/Actor/Type', f.actor.type);
  put('trailhound/Actor/AccessKeyId', f.actor.accessKeyId);
  put('trailhound/Actor/SourceIp', f.actor.sourceIp);
  put('trailhound/Actor/UserAgent', f.actor.userAgent);
  if (f.suppressed) {
    put('trailhound/Suppressed/By', f.suppressed.by);
    put('trailhound/Suppressed/Reason', f.suppressed.reason);
    put('trailhound/Suppressed/Ticket', f.suppressed.ticket);
  }
  (f.changes ?? []).forEach((c, i) =>
    put(`trailhound/Change/${i + 1}`, `${c.by} ${c.ticket} (${c.overlap}): ${c.reason}`),
  );
  (f.assumptions ?? []).forEach((a, i) => put(`trailhound/Assumption/${i + 1}`, a));
  for (const [k, v] of Object.entries(f.evidence.figures ?? {})) put(`trailhound/Figures/${k}`, v);
  // A plain object for JSON.stringify; keys were never taken from the prototype.
  return { ...fields };
}

/**
 * One finding as an ASFF finding for `account` and `region` (already defaulted by the caller).
 *
 * @example
 * toAsff(finding, '111122223333', 'eu-west-1').ProductArn;
 * // 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default'
 */
export function toAsff(
  f: Finding,
  account: string,
  region: string,
  rules?: RuleLookup,
): Record<string, unknown> {
  const rule = rules?.(f.rule.id);
  const types = asffTypes(f);
  const severity = { Label: LABEL[f.priority], Original: f.priority };
  const description =
    f.evidence.count > 1 ? `${f.summary} (${f.evidence.count} events)` : f.summary;
  const finding: Record<string, unknown> = {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: clip(f.id, ASFF_LIMITS.id),
    ProductArn: `arn:${partitionOf(region)}:securityhub:${region}:${account}:product/${account}/default`,
    ProductName: 'trailhound',
    CompanyName: 'trailhound',
    GeneratorId: clip(f.rule.id, ASFF_LIMITS.generatorId),
    AwsAccountId: account,
    Types: types,
    FirstObservedAt: f.time.first,
    LastObservedAt: f.time.last,
    CreatedAt: f.time.first,
    UpdatedAt: f.time.last,
    Severity: severity,
    // Severity and Types above are only taken when the finding is new; Security Hub reads later
    // changes from the provider's own copy here.
    FindingProviderFields: { Severity: severity, Types: types },
    Title: clip(f.rule.title, ASFF_LIMITS.title),
    Description: clip(description, ASFF_LIMITS.description),
    ProductFields: productFields(f),
    Resources: resources(f, account, region),
    Workflow: { Status: f.suppressed ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
  };
  if (rule && rule.response.length > 0) {
    const recommendation: Record<string, string> = {
      Text: clip(
        rule.response.map((s, i) => `${i + 1}. ${s}`).join(' '),
        ASFF_LIMITS.recommendationText,
      ),
    };
    const url = rule.references[0];
    if (url !== undefined) recommendation.Url = url;
    finding.Remediation = { Recommendation: recommendation };
  }
  return finding;
}

/**
 * The whole `asff` output: `{"Findings":[…]}` request bodies, one per line, each for one account and
 * region and holding at most 100 findings, in the order the findings came.
 */
export function* asffLines(findings: Iterable<Finding>, opts: AsffOptions = {}): Generator<string> {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const f of findings) {
    const account = f.account ?? opts.defaultAccount;
    if (account === undefined || !/^\d{12}$/.test(account)) {
      opts.onSkipped?.(
        f,
        account === undefined
          ? 'the finding names no AWS account and no default account was given'
          : `"${account}" is not a 12-digit AWS account id`,
      );
      continue;
    }
    const region = f.region ?? opts.defaultRegion ?? 'us-east-1';
    const key = `${account} ${region}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(toAsff(f, account, region, opts.rules));
  }
  for (const group of groups.values())
    for (let i = 0; i < group.length; i += ASFF_BATCH_SIZE)
      yield `${JSON.stringify({ Findings: group.slice(i, i + ASFF_BATCH_SIZE) })}\n`;
}
