/**
 * The time and place rules (matrix row GEO-1, single-event parts), in the order the registry
 * lists them.
 */
import type { Rule } from '../../engine/rule.js';
import outsideWorkingHours from './outside-working-hours.js';
import unexpectedCountry from './unexpected-country.js';
import newCountryForPrincipal from './new-country-for-principal.js';
import newAsnForPrincipal from './new-asn-for-principal.js';
import impossibleTravel from './impossible-travel.js';
import unusualHourForPrincipal from './unusual-hour-for-principal.js';
import consoleBruteForce from './console-brute-force.js';
import passwordSpraying from './password-spraying.js';
import newRegionForPrincipal from './new-region-for-principal.js';
import newServiceForPrincipal from './new-service-for-principal.js';

export const TIME_GEO_RULES: readonly Rule[] = [
  // time-geo, GEO-1: sessions started from unexpected countries or at odd hours
  unexpectedCountry,
  outsideWorkingHours,
  // GEO-1: behaviour over time
  newCountryForPrincipal,
  newAsnForPrincipal,
  impossibleTravel,
  unusualHourForPrincipal,
  consoleBruteForce,
  passwordSpraying,
  newRegionForPrincipal,
  newServiceForPrincipal,
];
