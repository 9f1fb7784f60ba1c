/**
 * The IAM rules (matrix rows IAM-1, IAM-2, IAM-3, and IAM detections beyond the matrix: root use,
 * console sign-in without MFA, password policy, MFA removal, privileged group membership), in the
 * order the registry lists them.
 */
import type { Rule } from '../../engine/rule.js';
import accessKeyCreated from './access-key-created.js';
import accessKeyReactivated from './access-key-reactivated.js';
import adminInlinePolicy from './admin-inline-policy.js';
import adminPolicyAttached from './admin-policy-attached.js';
import adminPolicyVersion from './admin-policy-version.js';
import consoleLoginWithoutMfa from './console-login-without-mfa.js';
import loginProfileChanged from './login-profile-changed.js';
import longTermKeyMintsSession from './long-term-key-mints-session.js';
import mfaDeviceRemoved from './mfa-device-removed.js';
import passwordPolicyWeakened from './password-policy-weakened.js';
import permissionsBoundaryRemoved from './permissions-boundary-removed.js';
import policyVersionSwitched from './policy-version-switched.js';
import quarantinePolicyChanged from './quarantine-policy-changed.js';
import rootAccessKeyCreated from './root-access-key-created.js';
import rootAccountUsed from './root-account-used.js';
import rootConsoleLogin from './root-console-login.js';
import rootPasswordRecovery from './root-password-recovery.js';
import userAddedToAdminGroup from './user-added-to-admin-group.js';
import userCreated from './user-created.js';
import roleChaining from './role-chaining.js';
import newRoleForPrincipal from './new-role-for-principal.js';
import privilegeGrantThenUse from './privilege-grant-then-use.js';
import backdoorUserSequence from './backdoor-user-sequence.js';
import dormantAccessKeyUsed from './dormant-access-key-used.js';
import sessionTokenFirstUse from './session-token-first-use.js';

export const IAM_RULES: readonly Rule[] = [
  // iam, IAM-1: excessive permissions and policy abuse
  adminPolicyAttached,
  adminInlinePolicy,
  adminPolicyVersion,
  policyVersionSwitched,
  permissionsBoundaryRemoved,
  quarantinePolicyChanged,
  // iam, IAM-2: backdoor users, keys and passwords
  userCreated,
  accessKeyCreated,
  loginProfileChanged,
  rootAccessKeyCreated,
  // iam, IAM-3: key reuse and STS abuse (single-event parts)
  accessKeyReactivated,
  longTermKeyMintsSession,
  // iam, beyond the matrix
  rootConsoleLogin,
  rootAccountUsed,
  rootPasswordRecovery,
  consoleLoginWithoutMfa,
  mfaDeviceRemoved,
  passwordPolicyWeakened,
  userAddedToAdminGroup,
  // IAM-1: behaviour over time
  roleChaining,
  newRoleForPrincipal,
  privilegeGrantThenUse,
  // IAM-2: behaviour over time
  backdoorUserSequence,
  // IAM-3: behaviour over time
  dormantAccessKeyUsed,
  sessionTokenFirstUse,
];
