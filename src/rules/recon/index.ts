/**
 * The reconnaissance rules (matrix row REC-1, single-event parts), in the order the registry
 * lists them.
 */
import type { Rule } from '../../engine/rule.js';
import attackToolUserAgent from './attack-tool-user-agent.js';
import deniedEnumerationTemporaryCredentials from './denied-enumeration-temporary-credentials.js';
import instanceUserDataRead from './instance-user-data-read.js';
import bulkEnumeration from './bulk-enumeration.js';
import accessDeniedBurst from './access-denied-burst.js';
import userDataEnumeration from './user-data-enumeration.js';

export const RECON_RULES: readonly Rule[] = [
  // recon, REC-1: tools, denied enumeration, user-data reads
  attackToolUserAgent,
  deniedEnumerationTemporaryCredentials,
  instanceUserDataRead,
  // REC-1: behaviour over time
  bulkEnumeration,
  accessDeniedBurst,
  userDataEnumeration,
];
