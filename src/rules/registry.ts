/**
 * The rule registry: every rule trailhound ships, in one explicit list. A rule exists for the
 * engine, the docs and the CLI only when it is listed here; nothing registers itself on import.
 * Keep the list grouped by category and, within a category, by matrix row.
 */
import type { Rule } from '../engine/rule.js';
import { EVASION_RULES } from './evasion/index.js';
import { IAM_RULES } from './iam/index.js';
import { PERSISTENCE_RULES } from './persistence/index.js';
import { NETWORK_RULES } from './network/index.js';
import { DATA_RULES } from './data/index.js';
import { COMPUTE_RULES } from './compute/index.js';
import { SERVICE_MISUSE_RULES } from './service-misuse/index.js';
import { RECON_RULES } from './recon/index.js';
import { TIME_GEO_RULES } from './time-geo/index.js';
import { CREDENTIAL_RULES } from './credential/index.js';
import { CROSS_ACCOUNT_RULES } from './cross-account/index.js';

/** Each category keeps its own list in `src/rules/<category>/index.ts`; this joins them. */
export const RULES: readonly Rule[] = [
  ...EVASION_RULES,
  ...IAM_RULES,
  ...PERSISTENCE_RULES,
  ...NETWORK_RULES,
  ...DATA_RULES,
  ...COMPUTE_RULES,
  ...SERVICE_MISUSE_RULES,
  ...RECON_RULES,
  ...TIME_GEO_RULES,
  ...CREDENTIAL_RULES,
  ...CROSS_ACCOUNT_RULES,
];
