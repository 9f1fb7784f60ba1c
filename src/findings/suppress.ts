/**
 * Suppression: marking findings that are known and accepted, never dropping them. Three sources,
 * applied in this order, the first that applies wins: a configured suppression entry (rule glob,
 * actor, account, source address, user agent; with a reason and an expiry date), an approved-change
 * ticket the finding lies wholly inside, and a CI/CD deploy run it lies wholly inside. A finding
 * that only partly overlaps a ticket or run keeps its priority and names it (`changes`). Output
 * formats leave suppressed findings out unless asked (`visibleFindings`); the run summary counts
 * them either way.
 */
import { asList, parseWhen, type Suppression } from '../config/suppressions.js';
import type { Config } from '../config/schema.js';
import { parseAddress, parseCidr, type ParsedCidr } from '../enrich/address.js';
import type { InputProblem } from '../formats/types.js';
import { globToRegExp, matchesAnyIgnoreCase } from '../util/glob.js';
import { actorArns, correlate, type ApprovedWindow } from './changes.js';
import type { Finding } from './finding.js';

export interface SuppressOptions {
  /** `suppressions` is read from it. */
  config: Pick<Config, 'suppressions'>;
  /** Windows of approved changes and deploy runs, from `loadChangeFeeds`. */
  windows?: readonly ApprovedWindow[];
  /** The time expiry is judged against, epoch ms (the run's start). */
  now: number;
  /** The configuration file, named in expiry warnings; `configuration` when unknown. */
  configFile?: string | undefined;
}

export interface SuppressResult {
  /** The findings in the same order, suppressed ones marked, partial overlaps named. */
  findings: Finding[];
  /** One `suppression-expired` warning per expired entry, for the run summary. */
  warnings: InputProblem[];
}

interface CompiledSuppression {
  index: number;
  entry: Suppression;
  expiresAt: number;
  matches(f: Finding): boolean;
}

/**
 * Marks the findings that configured suppressions, approved changes and deploy runs account for.
 * A finding already marked keeps its mark, so applying twice changes nothing.
 *
 * @example
 * const { findings, warnings } = applySuppressions(built, { config, windows, now: Date.now() });
 */
export function applySuppressions(
  findings: readonly Finding[],
  opts: SuppressOptions,
): SuppressResult {
  const s = createSuppressor(opts);
  const out = findings.map((f) => s.mark(f));
  return { findings: out, warnings: s.warnings() };
}

export interface Suppressor {
  /** The finding, marked if suppressed, with the changes it partly overlaps. */
  mark(f: Finding): Finding;
  /** One `suppression-expired` warning per expired entry, counting the findings marked so far. */
  warnings(): InputProblem[];
}

/**
 * `applySuppressions` one finding at a time, for findings written as they are built.
 *
 * @example
 * const s = createSuppressor({ config, windows, now: Date.now() });
 * for (const f of built) write(s.mark(f));
 * summaryWarnings.push(...s.warnings());
 */
export function createSuppressor(opts: SuppressOptions): Suppressor {
  const compiled = opts.config.suppressions.map(compileSuppression);
  const active = compiled.filter((s) => s.expiresAt >= opts.now);
  const expired = compiled.filter((s) => s.expiresAt < opts.now);
  const wouldHave = new Map<CompiledSuppression, number>();
  const windows = opts.windows ?? [];

  const mark = (f: Finding): Finding => {
    let suppressed = f.suppressed;
    if (suppressed === null) {
      const s = active.find((x) => x.matches(f));
      if (s !== undefined) {
        suppressed = { by: 'suppression', reason: s.entry.reason };
        if (s.entry.ticket !== undefined) suppressed.ticket = s.entry.ticket;
      }
    }
    for (const s of expired) if (s.matches(f)) wouldHave.set(s, (wouldHave.get(s) ?? 0) + 1);
    const c = correlate(f, windows);
    if (suppressed === null && c.inside !== undefined) {
      suppressed = { by: c.inside.by, ticket: c.inside.ticket };
    }
    const next: Finding = { ...f, suppressed };
    if (c.partial.length > 0) next.changes = c.partial;
    else delete next.changes;
    return next;
  };

  const warnings = () =>
    expired.map((s): InputProblem => {
      const n = wouldHave.get(s) ?? 0;
      const effect =
        n === 0
          ? 'no finding of this run matches it'
          : `${n} ${n === 1 ? 'finding' : 'findings'} it matches ${n === 1 ? 'is' : 'are'} reported`;
      return {
        code: 'suppression-expired',
        severity: 'warning',
        file: opts.configFile ?? 'configuration',
        reason: `suppressions[${s.index}] (rule ${s.entry.rule}: ${s.entry.reason}) expired on ${s.entry.expires} and no longer applies; ${effect}`,
      };
    });
  return { mark, warnings };
}

function compileSuppression(entry: Suppression, index: number): CompiledSuppression {
  const rule = globToRegExp(entry.rule);
  const actors = asList(entry.actor).map((p) => globToRegExp(p));
  const accounts = asList(entry.account).map((p) => globToRegExp(p));
  const blocks = asList(entry.sourceIp)
    .map((c) => parseCidr(c))
    .filter((c): c is ParsedCidr => c !== undefined);
  const userAgents = asList(entry.userAgent);
  // The schema has checked the date; a value it let through but this cannot read never expires
  // silently: it counts as expired, so the run warns.
  const expiresAt = parseWhen(entry.expires, 'end') ?? -Infinity;
  return {
    index,
    entry,
    expiresAt,
    matches(f) {
      if (!rule.test(f.rule.id)) return false;
      if (entry.actor !== undefined) {
        const arns = actorArns(f.actor);
        if (!actors.some((re) => arns.some((a) => re.test(a)))) return false;
      }
      if (entry.account !== undefined) {
        if (f.account === null || !accounts.some((re) => re.test(f.account as string)))
          return false;
      }
      if (entry.sourceIp !== undefined && !inBlocks(blocks, f.actor.sourceIp)) return false;
      if (entry.userAgent !== undefined && !matchesAnyIgnoreCase(userAgents, f.actor.userAgent))
        return false;
      return true;
    },
  };
}

/** True when `value` is an address inside one of the blocks; false for service names and junk. */
export function inBlocks(blocks: readonly ParsedCidr[], value: string | undefined): boolean {
  if (value === undefined) return false;
  const a = parseAddress(value);
  if (a === undefined) return false;
  return blocks.some((b) => b.family === a.family && a.value >= b.first && a.value <= b.last);
}

/**
 * The findings an output format writes: all of them with `--show-suppressed`, else those not
 * suppressed. The run summary counts suppressed findings whichever is chosen.
 *
 * @example
 * await writeOutput(visibleFindings(findings, flags.showSuppressed === true), summary, out);
 */
export function* visibleFindings(
  findings: Iterable<Finding>,
  showSuppressed: boolean,
): Generator<Finding> {
  for (const f of findings) if (showSuppressed || f.suppressed === null) yield f;
}
