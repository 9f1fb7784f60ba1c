/**
 * `aws.persistence.saml-provider-changed`: an IAM SAML identity provider created, updated or
 * deleted. Whoever controls a trusted SAML provider's signing key can sign in as any role that
 * trusts it ("golden SAML"); adding a provider or swapping its metadata plants exactly that.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  reqString,
  shift,
  str,
  where,
} from '../lib.js';
import { automationAssumption } from '../lib/iam-principals.js';

function provider(e: ApiEvent): string {
  // `field` tries the name with its first letter's case flipped too (`SAMLProviderArn`).
  return (
    reqString(e, 'sAMLProviderArn') ??
    str(e.response, 'sAMLProviderArn') ??
    reqString(e, 'name') ??
    '(unnamed)'
  );
}

const VERBS: Record<string, [string, string]> = {
  CreateSAMLProvider: ['created', 'create'],
  UpdateSAMLProvider: ['replaced the metadata of', 'replace the metadata of'],
  DeleteSAMLProvider: ['deleted', 'delete'],
};

const METADATA =
  '<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.com/exk8x2d1q0ZzYbC4p5d7"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>MIIDqDCCApCgAwIBAgIGAY7hQ3vXMA0GCSqGSIb3DQEBCwUAMIGUMQswCQYDVQQGEwJVUzETMBEGA1UECAwKQ2FsaWZvcm5pYTEWMBQGA1UEBwwNU2FuIEZyYW5jaXNjbzENMAsGA1UECgwET2t0YTEUMBIGA1UECwwLU1NPUHJvdmlkZXI=</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://acme.okta.com/app/amazon_aws/exk8x2d1q0ZzYbC4p5d7/sso/saml"/></md:IDPSSODescriptor></md:EntityDescriptor>';

export default defineApiRule({
  id: 'aws.persistence.saml-provider-changed',
  title: 'IAM SAML identity provider created, updated or deleted',
  category: 'persistence',
  row: null,
  priority: 'high',
  mitre: ['T1484.002', 'T1606.002'],
  description:
    'CreateSAMLProvider, UpdateSAMLProvider or DeleteSAMLProvider. A new provider, or new metadata ' +
    '(and with it a new signing certificate) for an existing one, lets whoever holds the matching ' +
    'private key mint SAML assertions for every role that trusts the provider. Creation and update ' +
    'are reported at the rule priority, deletion one level lower (it breaks sign-in rather than ' +
    'opening it, but can clear the way for a replacement). The configured automation and failed calls ' +
    'lower the priority one level each.',
  falsePositives: [
    'Planned identity-provider migrations and yearly signing-certificate rotations.',
  ],
  response: [
    "Check with the identity team that the change was planned; compare the provider's metadata (GetSAMLProvider) with the IdP's published metadata.",
    'If unexpected, restore the metadata or delete the provider, and review ConsoleLogin and AssumeRoleWithSAML events that used it.',
    'List the roles that trust the provider (their trust policies name its ARN).',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateSAMLProvider.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateSAMLProvider.html',
    'https://attack.mitre.org/techniques/T1484/002/',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['iam.amazonaws.com'],
    eventNames: ['CreateSAMLProvider', 'UpdateSAMLProvider', 'DeleteSAMLProvider'],
  },
  match: () => true,
  priorityOf: (e, ctx): Priority =>
    shift(
      basePriority(ctx, 'high'),
      -(e.eventName === 'DeleteSAMLProvider' ? 1 : 0) -
        (isAutomation(e, ctx.org) ? 1 : 0) -
        (failed(e) ? 1 : 0),
    ),
  summary: (e) => {
    const [past, inf] = VERBS[e.eventName] ?? ['changed', 'change'];
    return `${actorName(e)} ${did(e, past, inf)} SAML identity provider ${provider(e)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A new SAML provider created from the CLI',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateSAMLProvider',
          requestParameters: { sAMLMetadataDocument: METADATA, name: 'okta-new' },
          responseElements: {
            sAMLProviderArn: 'arn:aws:iam::123456789012:saml-provider/okta-new',
          },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'The metadata of the production provider replaced',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'UpdateSAMLProvider',
          identity: IDENTITIES.role,
          requestParameters: {
            sAMLMetadataDocument: METADATA,
            sAMLProviderArn: 'arn:aws:iam::123456789012:saml-provider/Okta',
          },
          responseElements: { sAMLProviderArn: 'arn:aws:iam::123456789012:saml-provider/Okta' },
          host: 'iam.amazonaws.com',
        }),
      },
      {
        title: 'A SAML provider deleted',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'DeleteSAMLProvider',
          requestParameters: { sAMLProviderArn: 'arn:aws:iam::123456789012:saml-provider/Okta' },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A SAML provider read',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'GetSAMLProvider',
          readOnly: true,
          requestParameters: { sAMLProviderArn: 'arn:aws:iam::123456789012:saml-provider/Okta' },
          host: 'iam.amazonaws.com',
        }),
      },
    ],
  },
});
