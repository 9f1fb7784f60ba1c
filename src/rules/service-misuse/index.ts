/**
 * The service-misuse rules (matrix row SVC-1, then detections beyond the matrix: SSM document
 * sharing, SES sending), in the order the registry lists them.
 */
import type { Rule } from '../../engine/rule.js';
import parameterDecryptedByUnexpectedPrincipal from './parameter-decrypted-by-unexpected-principal.js';
import sensitiveSecretRead from './sensitive-secret-read.js';
import sesSendingEnabled from './ses-sending-enabled.js';
import shellCommandByUnexpectedPrincipal from './shell-command-by-unexpected-principal.js';
import ssmDocumentSharedPublicly from './ssm-document-shared-publicly.js';
import stepFunctionsStartedByUnexpectedPrincipal from './step-functions-started-by-unexpected-principal.js';
import commandFanOut from './command-fan-out.js';
import commandToManyInstances from './command-to-many-instances.js';
import newStateMachineForPrincipal from './new-state-machine-for-principal.js';

export const SERVICE_MISUSE_RULES: readonly Rule[] = [
  // service-misuse, SVC-1: Systems Manager, Secrets Manager and Step Functions control planes
  shellCommandByUnexpectedPrincipal,
  parameterDecryptedByUnexpectedPrincipal,
  sensitiveSecretRead,
  stepFunctionsStartedByUnexpectedPrincipal,
  // service-misuse, beyond the matrix
  ssmDocumentSharedPublicly,
  sesSendingEnabled,
  // SVC-1: behaviour over time
  commandFanOut,
  commandToManyInstances,
  newStateMachineForPrincipal,
];
