/**
 * Who acts on whom, for the IAM and persistence rules: the acting user's name and the user a call
 * targets (is this key, password or MFA device the caller's own or someone else's?), whether an
 * account belongs to the organisation, whether a source address is on the open internet, the
 * assumption sentences rules attach when the organisation profile is empty, and the extra example
 * identities (root, a SAML-federated role, an administrator user) the rule examples act as.
 */
import type { Organisation } from '../../config/schema.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { EXAMPLE_ACCOUNT, str } from '../lib.js';

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

/** The last path segment of an IAM user ARN (`arn:aws:iam::1:user/ops/alice` → `alice`). */
function userFromArn(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const m = /:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? (m[1] as string) : undefined;
}

/** The acting IAM user's name; undefined for roles, federated sessions, root and services. */
export function actorUserName(e: ApiEvent): string | undefined {
  if (e.actor.type !== 'IAMUser') return undefined;
  return e.actor.userName ?? userFromArn(e.actor.arn);
}

/**
 * The user a call targets: `requestParameters.userName`, else the user named in the response
 * (`accessKey.userName`, `loginProfile.userName`, `user.userName`). Undefined when the call names
 * nobody, which for an IAM user means the caller itself.
 */
export function targetUserName(e: ApiEvent): string | undefined {
  return (
    str(e.request, 'userName') ??
    str(e.response, 'accessKey', 'userName') ??
    str(e.response, 'loginProfile', 'userName') ??
    str(e.response, 'user', 'userName')
  );
}

/**
 * True when the call acts on another user than the caller: an IAM user naming a different user,
 * or a role, federated session or root naming any user (none of them is that user).
 */
export function actsOnAnotherUser(e: ApiEvent): boolean {
  const target = targetUserName(e);
  if (target === undefined) return false;
  const self = actorUserName(e);
  return self === undefined || self !== target;
}

/** True when a role session changes the role it is running as (`roleName` = its issuer's name). */
export function actsOnOwnRole(e: ApiEvent): boolean {
  const role = str(e.request, 'roleName');
  return role !== undefined && role === e.actor.sessionIssuerName;
}

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

/**
 * Whether an account belongs to the organisation as configured: one of `organisation.accounts`,
 * `organisation.trustedAccounts`, or the account the event was recorded in.
 */
export function accountKnown(e: ApiEvent, org: Organisation): (account: string) => boolean {
  return (account) =>
    account === e.account ||
    account === e.actor.accountId ||
    org.accounts.includes(account) ||
    org.trustedAccounts.includes(account);
}

/** The account of an ARN (`arn:aws:lambda:us-east-1:111122223333:layer:x:1` → `111122223333`). */
export function accountOfArn(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const account = parts[4] ?? '';
  return /^\d{12}$/.test(account) ? account : undefined;
}

// ---------------------------------------------------------------------------------------------
// Source addresses
// ---------------------------------------------------------------------------------------------

function ipv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** RFC 1918, loopback, link-local, CGNAT, documentation and multicast ranges of IPv4. */
function reservedV4(o: number[]): boolean {
  const [a = 0, b = 0, c = 0] = o;
  return (
    a === 0 ||
    (a === 192 && b === 0 && c === 2) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

/**
 * Where a call came from, as far as "on the internet" goes: `public` when enrichment classed the
 * address public (not internal, private, AWS-owned or a service name); `unenriched-public` when
 * the event was not enriched but the address is a routable IPv4 or IPv6 literal (AWS ranges are
 * then not excluded, which the finding says); undefined otherwise.
 */
export function internetSource(e: ApiEvent): 'public' | 'unenriched-public' | undefined {
  if (e.source !== undefined) return e.source.class === 'public' ? 'public' : undefined;
  const ip = e.sourceIp;
  if (ip === undefined) return undefined;
  const v4 = ipv4(ip);
  if (v4 !== undefined) return reservedV4(v4) ? undefined : 'unenriched-public';
  if (/^[0-9a-f:]+$/i.test(ip) && ip.includes(':')) {
    const l = ip.toLowerCase();
    const local = l === '::1' || l.startsWith('fe80') || l.startsWith('fc') || l.startsWith('fd');
    return local ? undefined : 'unenriched-public';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Assumptions
// ---------------------------------------------------------------------------------------------

/** The assumption of rules that exempt the organisation's automation, when none is configured. */
export function automationAssumption(org: Organisation): string[] {
  return org.automationArns.length === 0 && org.automationUserAgents.length === 0
    ? [
        'No automation is configured (organisation.automationArns, organisation.automationUserAgents): every identity is treated as a person.',
      ]
    : [];
}

/** The assumption of rules that speak of foreign accounts, when no account is configured. */
export function accountsAssumption(org: Organisation): string[] {
  return org.accounts.length === 0 && org.trustedAccounts.length === 0
    ? [
        'No own or trusted accounts are configured (organisation.accounts, organisation.trustedAccounts): every account other than the one the event was recorded in counts as foreign.',
      ]
    : [];
}

// ---------------------------------------------------------------------------------------------
// Example identities
// ---------------------------------------------------------------------------------------------

/** Identities the IAM and persistence examples act as, besides the shared `IDENTITIES`. */
export const IAM_IDENTITIES = {
  /** The root user working in the console (temporary console credentials, with MFA). */
  root: {
    type: 'Root',
    principalId: EXAMPLE_ACCOUNT,
    arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE7',
    sessionContext: {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: '2026-01-02T02:41:09Z', mfaAuthenticated: 'true' },
    },
  },
  /** The root user as sign-in events show it (no access key yet). */
  rootSignin: {
    type: 'Root',
    principalId: EXAMPLE_ACCOUNT,
    arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: '',
  },
  /** An IAM user as sign-in events show it. */
  userSignin: {
    type: 'IAMUser',
    principalId: 'AIDA4XJ7LBQ5EXAMPLE01',
    arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/alice`,
    accountId: EXAMPLE_ACCOUNT,
    userName: 'alice',
  },
  /** A console user federated through a SAML identity provider (Okta), as ConsoleLogin shows it. */
  samlSignin: {
    type: 'AssumedRole',
    principalId: 'AROA4XJ7LBQ5EXAMPLE05:carol@example.com',
    arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/okta-admin/carol@example.com`,
    accountId: EXAMPLE_ACCOUNT,
    userName: 'carol@example.com',
  },
  /** A second IAM user, an administrator working with a long-term key. */
  admin: {
    type: 'IAMUser',
    principalId: 'AIDA4XJ7LBQ5EXAMPLE06',
    arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/ops/dave`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE6',
    userName: 'dave',
  },
  /** Credentials of an EC2 instance profile role, as an attacker who took them from IMDS uses them. */
  instanceRole: {
    type: 'AssumedRole',
    principalId: 'AROA4XJ7LBQ5EXAMPLE08:i-0c3f5e9a1b2d4c6e8',
    arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/webapp-ec2/i-0c3f5e9a1b2d4c6e8`,
    accountId: EXAMPLE_ACCOUNT,
    accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE8',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROA4XJ7LBQ5EXAMPLE08',
        arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/webapp-ec2`,
        accountId: EXAMPLE_ACCOUNT,
        userName: 'webapp-ec2',
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-01-02T01:12:44Z', mfaAuthenticated: 'false' },
      ec2RoleDelivery: '2.0',
    },
  },
} as const satisfies Record<string, JsonObject>;

/** A foreign account for examples (the one AWS documentation uses for "another account"). */
export const FOREIGN_ACCOUNT = '444455556666';
