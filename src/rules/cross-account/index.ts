/**
 * The cross-account rules (matrix row XACCT-1, single-event part), in the order the registry
 * lists them.
 */
import type { Rule } from '../../engine/rule.js';
import unexpectedRoleAssumption from './unexpected-role-assumption.js';
import firstCrossAccountAssumption from './first-cross-account-assumption.js';

export const CROSS_ACCOUNT_RULES: readonly Rule[] = [
  // cross-account, XACCT-1: role assumption outside approved account pairs
  unexpectedRoleAssumption,
  // XACCT-1: behaviour over time
  firstCrossAccountAssumption,
];
