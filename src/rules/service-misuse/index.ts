/**
 * The service-misuse rules (matrix row SVC-1), in the order the registry lists them.
 */
import type { Rule } from '../../engine/rule.js';
import parameterDecryptedByUnexpectedPrincipal from './parameter-decrypted-by-unexpected-principal.js';
import sensitiveSecretRead from './sensitive-secret-read.js';
import shellCommandByUnexpectedPrincipal from './shell-command-by-unexpected-principal.js';
import stepFunctionsStartedByUnexpectedPrincipal from './step-functions-started-by-unexpected-principal.js';

export const SERVICE_MISUSE_RULES: readonly Rule[] = [
  // service-misuse, SVC-1: Systems Manager, Secrets Manager and Step Functions control planes
  shellCommandByUnexpectedPrincipal,
  parameterDecryptedByUnexpectedPrincipal,
  sensitiveSecretRead,
  stepFunctionsStartedByUnexpectedPrincipal,
];
