/**
 * The persistence rules (matrix rows PER-1, PER-2, PER-3, and identity-provider persistence beyond
 * the matrix: SAML, IAM Identity Center, OIDC, Roles Anywhere), in the order the registry lists them.
 */
import type { Rule } from '../../engine/rule.js';
import ec2UserDataModified from './ec2-user-data-modified.js';
import eventbridgeTrigger from './eventbridge-trigger.js';
import identityCenterIdpChanged from './identity-center-idp-changed.js';
import lambdaEventSourceMapping from './lambda-event-source-mapping.js';
import lambdaFunctionUrlPublic from './lambda-function-url-public.js';
import lambdaLayerForeign from './lambda-layer-foreign.js';
import lambdaPermissionOpened from './lambda-permission-opened.js';
import oidcProviderChanged from './oidc-provider-changed.js';
import roleCreatedWithOpenTrust from './role-created-with-open-trust.js';
import roleTrustPolicyChanged from './role-trust-policy-changed.js';
import rolesAnywhereTrustAnchor from './roles-anywhere-trust-anchor.js';
import s3NotificationToLambda from './s3-notification-to-lambda.js';
import samlProviderChanged from './saml-provider-changed.js';

export const PERSISTENCE_RULES: readonly Rule[] = [
  // persistence, PER-1: trust-policy manipulation
  roleTrustPolicyChanged,
  roleCreatedWithOpenTrust,
  // persistence, PER-2: triggers outside CI/CD
  lambdaPermissionOpened,
  lambdaFunctionUrlPublic,
  lambdaLayerForeign,
  eventbridgeTrigger,
  lambdaEventSourceMapping,
  s3NotificationToLambda,
  // persistence, PER-3: EC2 user data
  ec2UserDataModified,
  // persistence, beyond the matrix: identity providers and credentials from outside AWS
  samlProviderChanged,
  identityCenterIdpChanged,
  oidcProviderChanged,
  rolesAnywhereTrustAnchor,
];
