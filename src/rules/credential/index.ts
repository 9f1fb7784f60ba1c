/**
 * The credential rules (matrix row CRED-1, single-event parts, and credential abuse beyond the
 * matrix), in the order the registry lists them.
 */
import type { Rule } from '../../engine/rule.js';
import callerIdentityLongTermKey from './caller-identity-long-term-key.js';
import consoleLoginFailed from './console-login-failed.js';
import federationTokenIssued from './federation-token-issued.js';
import instanceCredentialsOutsideAws from './instance-credentials-outside-aws.js';
import signinTokenOutsideConsole from './signin-token-outside-console.js';
import windowsPasswordRetrieved from './windows-password-retrieved.js';
import sessionUsedFromManyPlaces from './session-used-from-many-places.js';
import newSourceForLongTermKey from './new-source-for-long-term-key.js';

export const CREDENTIAL_RULES: readonly Rule[] = [
  // credential, CRED-1: credentials used from unexpected places, token tricks
  instanceCredentialsOutsideAws,
  callerIdentityLongTermKey,
  signinTokenOutsideConsole,
  federationTokenIssued,
  // credential, beyond the matrix
  consoleLoginFailed,
  windowsPasswordRetrieved,
  // CRED-1: behaviour over time
  sessionUsedFromManyPlaces,
  newSourceForLongTermKey,
];
