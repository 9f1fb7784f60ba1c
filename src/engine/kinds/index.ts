/**
 * The detection kinds, by name. The stateful stage looks a rule's kind up here; adding a kind means
 * adding its rule shape in rule.ts and its evaluator here.
 */
import type { StatefulRule } from '../rule.js';
import { baselineKind } from './baseline.js';
import { beaconKind } from './beacon.js';
import { dormancyKind } from './dormancy.js';
import { firstSeenKind } from './first-seen.js';
import { sequenceKind } from './sequence.js';
import { thresholdKind } from './threshold.js';
import type { KindFactory } from './types.js';

export const KINDS: {
  [K in StatefulRule['kind']]: KindFactory<Extract<StatefulRule, { kind: K }>>;
} = {
  threshold: thresholdKind,
  firstSeen: firstSeenKind,
  dormancy: dormancyKind,
  sequence: sequenceKind,
  baseline: baselineKind,
  beacon: beaconKind,
};
