/**
 * The compute rules (matrix rows COMP-1 and COMP-2, then detections beyond the matrix: IMDSv1,
 * key pairs, CloudShell), in the order the registry lists them.
 */
import type { Rule } from '../../engine/rule.js';
import cloudshellUsed from './cloudshell-used.js';
import imdsV1Enabled from './imds-v1-enabled.js';
import instanceConnectOutsideJumpUsers from './instance-connect-outside-jump-users.js';
import instancesLaunchedOutsideCi from './instances-launched-outside-ci.js';
import keyPairCreatedOutsideAutomation from './key-pair-created-outside-automation.js';
import lambdaDeployedOutsideCi from './lambda-deployed-outside-ci.js';
import runCommandOutsideJumpUsers from './run-command-outside-jump-users.js';
import serialConsoleAccessEnabled from './serial-console-access-enabled.js';
import ssmSessionOutsideJumpUsers from './ssm-session-outside-jump-users.js';
import unapprovedRegion from './unapproved-region.js';
import unusualInstanceType from './unusual-instance-type.js';
import firstRemoteSessionForPrincipal from './first-remote-session-for-principal.js';
import instanceLaunchBurst from './instance-launch-burst.js';
import newInstanceTypeForAccount from './new-instance-type-for-account.js';
import newRegionForAccount from './new-region-for-account.js';
import newImageForAccount from './new-image-for-account.js';

export const COMPUTE_RULES: readonly Rule[] = [
  // compute, COMP-1: provisioning outside CI/CD, unusual instance types and regions
  instancesLaunchedOutsideCi,
  unusualInstanceType,
  unapprovedRegion,
  lambdaDeployedOutsideCi,
  // compute, COMP-2: access to instances outside the approved jump users
  ssmSessionOutsideJumpUsers,
  runCommandOutsideJumpUsers,
  instanceConnectOutsideJumpUsers,
  serialConsoleAccessEnabled,
  // compute, beyond the matrix
  imdsV1Enabled,
  keyPairCreatedOutsideAutomation,
  cloudshellUsed,
  // COMP-2: behaviour over time
  firstRemoteSessionForPrincipal,
  // COMP-1: behaviour over time
  instanceLaunchBurst,
  newInstanceTypeForAccount,
  newRegionForAccount,
  newImageForAccount,
];
