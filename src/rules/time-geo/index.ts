/**
 * The time and place rules (matrix row GEO-1, single-event parts), in the order the registry
 * lists them.
 */
import type { Rule } from '../../engine/rule.js';
import outsideWorkingHours from './outside-working-hours.js';
import unexpectedCountry from './unexpected-country.js';

export const TIME_GEO_RULES: readonly Rule[] = [
  // time-geo, GEO-1: sessions started from unexpected countries or at odd hours
  unexpectedCountry,
  outsideWorkingHours,
];
