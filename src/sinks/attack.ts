/**
 * The MITRE ATT&CK names and tactics of the techniques trailhound's rules cite, for the formats
 * that carry more than the bare id (OCSF `attacks`, ASFF `Types`). A static table rather than the
 * ATT&CK STIX bundle: the rules cite a few dozen techniques and the names change rarely. A technique
 * missing here still goes out with its id; `src/sinks/attack.test.ts` fails when a rule cites one.
 * Names and tactics follow ATT&CK Enterprise v16.1 (`ATTACK_VERSION`).
 */

export const ATTACK_VERSION = '16.1';

export const TACTICS = {
  TA0001: 'Initial Access',
  TA0002: 'Execution',
  TA0003: 'Persistence',
  TA0004: 'Privilege Escalation',
  TA0005: 'Defense Evasion',
  TA0006: 'Credential Access',
  TA0007: 'Discovery',
  TA0008: 'Lateral Movement',
  TA0009: 'Collection',
  TA0010: 'Exfiltration',
  TA0011: 'Command and Control',
  TA0040: 'Impact',
  TA0042: 'Resource Development',
  TA0043: 'Reconnaissance',
} as const;
export type TacticId = keyof typeof TACTICS;

interface TechniqueEntry {
  name: string;
  /** Parent techniques only; a sub-technique has its parent's tactics. */
  tactics?: readonly TacticId[];
}

/** Techniques and sub-techniques by id. Sub-technique names are their own (`Cloud Accounts`). */
const TECHNIQUES: Readonly<Record<string, TechniqueEntry>> = {
  T1005: { name: 'Data from Local System', tactics: ['TA0009'] },
  T1018: { name: 'Remote System Discovery', tactics: ['TA0007'] },
  T1020: { name: 'Automated Exfiltration', tactics: ['TA0010'] },
  T1021: { name: 'Remote Services', tactics: ['TA0008'] },
  'T1021.001': { name: 'Remote Desktop Protocol' },
  'T1021.002': { name: 'SMB/Windows Admin Shares' },
  'T1021.004': { name: 'SSH' },
  'T1021.006': { name: 'Windows Remote Management' },
  'T1021.007': { name: 'Cloud Services' },
  T1027: { name: 'Obfuscated Files or Information', tactics: ['TA0005'] },
  T1029: { name: 'Scheduled Transfer', tactics: ['TA0010'] },
  T1037: { name: 'Boot or Logon Initialization Scripts', tactics: ['TA0003', 'TA0004'] },
  T1040: { name: 'Network Sniffing', tactics: ['TA0006', 'TA0007'] },
  T1041: { name: 'Exfiltration Over C2 Channel', tactics: ['TA0010'] },
  T1046: { name: 'Network Service Discovery', tactics: ['TA0007'] },
  T1048: { name: 'Exfiltration Over Alternative Protocol', tactics: ['TA0010'] },
  T1053: { name: 'Scheduled Task/Job', tactics: ['TA0002', 'TA0003', 'TA0004'] },
  T1059: { name: 'Command and Scripting Interpreter', tactics: ['TA0002'] },
  'T1059.004': { name: 'Unix Shell' },
  'T1059.009': { name: 'Cloud API' },
  T1069: { name: 'Permission Groups Discovery', tactics: ['TA0007'] },
  'T1069.003': { name: 'Cloud Groups' },
  T1070: { name: 'Indicator Removal', tactics: ['TA0005'] },
  T1071: { name: 'Application Layer Protocol', tactics: ['TA0011'] },
  T1072: { name: 'Software Deployment Tools', tactics: ['TA0002', 'TA0008'] },
  T1078: { name: 'Valid Accounts', tactics: ['TA0005', 'TA0003', 'TA0004', 'TA0001'] },
  'T1078.004': { name: 'Cloud Accounts' },
  T1087: { name: 'Account Discovery', tactics: ['TA0007'] },
  'T1087.004': { name: 'Cloud Account' },
  T1090: { name: 'Proxy', tactics: ['TA0011'] },
  'T1090.003': { name: 'Multi-hop Proxy' },
  T1098: { name: 'Account Manipulation', tactics: ['TA0003', 'TA0004'] },
  'T1098.001': { name: 'Additional Cloud Credentials' },
  'T1098.003': { name: 'Additional Cloud Roles' },
  'T1098.004': { name: 'SSH Authorized Keys' },
  T1110: { name: 'Brute Force', tactics: ['TA0006'] },
  'T1110.001': { name: 'Password Guessing' },
  'T1110.003': { name: 'Password Spraying' },
  'T1110.004': { name: 'Credential Stuffing' },
  T1136: { name: 'Create Account', tactics: ['TA0003'] },
  'T1136.003': { name: 'Cloud Account' },
  T1190: { name: 'Exploit Public-Facing Application', tactics: ['TA0001'] },
  T1195: { name: 'Supply Chain Compromise', tactics: ['TA0001'] },
  'T1195.002': { name: 'Compromise Software Supply Chain' },
  T1199: { name: 'Trusted Relationship', tactics: ['TA0001'] },
  T1484: { name: 'Domain or Tenant Policy Modification', tactics: ['TA0005', 'TA0004'] },
  'T1484.002': { name: 'Trust Modification' },
  T1485: { name: 'Data Destruction', tactics: ['TA0040'] },
  T1486: { name: 'Data Encrypted for Impact', tactics: ['TA0040'] },
  T1489: { name: 'Service Stop', tactics: ['TA0040'] },
  T1490: { name: 'Inhibit System Recovery', tactics: ['TA0040'] },
  T1496: { name: 'Resource Hijacking', tactics: ['TA0040'] },
  'T1496.004': { name: 'Cloud Service Hijacking' },
  T1525: { name: 'Implant Internal Image', tactics: ['TA0003'] },
  T1526: { name: 'Cloud Service Discovery', tactics: ['TA0007'] },
  T1528: { name: 'Steal Application Access Token', tactics: ['TA0006'] },
  T1530: { name: 'Data from Cloud Storage', tactics: ['TA0009'] },
  T1535: { name: 'Unused/Unsupported Cloud Regions', tactics: ['TA0005'] },
  T1537: { name: 'Transfer Data to Cloud Account', tactics: ['TA0010'] },
  T1546: { name: 'Event Triggered Execution', tactics: ['TA0004', 'TA0003'] },
  T1550: { name: 'Use Alternate Authentication Material', tactics: ['TA0005', 'TA0008'] },
  'T1550.001': { name: 'Application Access Token' },
  T1552: { name: 'Unsecured Credentials', tactics: ['TA0006'] },
  'T1552.001': { name: 'Credentials In Files' },
  'T1552.005': { name: 'Cloud Instance Metadata API' },
  T1555: { name: 'Credentials from Password Stores', tactics: ['TA0006'] },
  'T1555.006': { name: 'Cloud Secrets Management Stores' },
  T1556: { name: 'Modify Authentication Process', tactics: ['TA0006', 'TA0005', 'TA0003'] },
  'T1556.006': { name: 'Multi-Factor Authentication' },
  'T1556.007': { name: 'Hybrid Identity' },
  T1562: { name: 'Impair Defenses', tactics: ['TA0005'] },
  'T1562.001': { name: 'Disable or Modify Tools' },
  'T1562.007': { name: 'Disable or Modify Cloud Firewall' },
  'T1562.008': { name: 'Disable or Modify Cloud Logs' },
  T1565: { name: 'Data Manipulation', tactics: ['TA0040'] },
  T1567: { name: 'Exfiltration Over Web Service', tactics: ['TA0010'] },
  T1571: { name: 'Non-Standard Port', tactics: ['TA0011'] },
  T1573: { name: 'Encrypted Channel', tactics: ['TA0011'] },
  T1578: { name: 'Modify Cloud Compute Infrastructure', tactics: ['TA0005'] },
  'T1578.001': { name: 'Create Snapshot' },
  'T1578.002': { name: 'Create Cloud Instance' },
  T1580: { name: 'Cloud Infrastructure Discovery', tactics: ['TA0007'] },
  T1584: { name: 'Compromise Infrastructure', tactics: ['TA0042'] },
  'T1584.001': { name: 'Domains' },
  T1599: { name: 'Network Boundary Bridging', tactics: ['TA0005'] },
  T1606: { name: 'Forge Web Credentials', tactics: ['TA0006'] },
  'T1606.002': { name: 'SAML Tokens' },
  T1648: { name: 'Serverless Execution', tactics: ['TA0002'] },
  T1651: { name: 'Cloud Administration Command', tactics: ['TA0002'] },
  T1666: { name: 'Modify Cloud Resource Hierarchy', tactics: ['TA0005'] },
};

export interface AttackRef {
  uid: string;
  /** Absent when the id is not in the table. */
  name?: string;
}

/** One cited id, resolved: the technique, its sub-technique when the id names one, its tactics. */
export interface ResolvedTechnique {
  technique: AttackRef;
  subTechnique?: AttackRef;
  tactics: { uid: TacticId; name: string }[];
}

/**
 * Resolves `T1562.008` to Impair Defenses / Disable or Modify Cloud Logs / Defense Evasion. An id
 * not in the table keeps its uid and gets no name or tactic.
 *
 * @example
 * resolveTechnique('T1098.001').tactics.map((t) => t.name); // ['Persistence', 'Privilege Escalation']
 */
export function resolveTechnique(id: string): ResolvedTechnique {
  const dot = id.indexOf('.');
  const parentId = dot === -1 ? id : id.slice(0, dot);
  const parent = Object.hasOwn(TECHNIQUES, parentId) ? TECHNIQUES[parentId] : undefined;
  const technique: AttackRef = { uid: parentId };
  if (parent) technique.name = parent.name;
  const resolved: ResolvedTechnique = {
    technique,
    tactics: (parent?.tactics ?? []).map((uid) => ({ uid, name: TACTICS[uid] })),
  };
  if (dot !== -1) {
    const sub = Object.hasOwn(TECHNIQUES, id) ? TECHNIQUES[id] : undefined;
    resolved.subTechnique = sub ? { uid: id, name: sub.name } : { uid: id };
  }
  return resolved;
}

/** Whether the table knows this id (technique or sub-technique, and its parent). */
export function knowsTechnique(id: string): boolean {
  const r = resolveTechnique(id);
  return (
    r.technique.name !== undefined &&
    (r.subTechnique === undefined || r.subTechnique.name !== undefined)
  );
}

/** The ATT&CK page of a technique (`T1562.008` → …/techniques/T1562/008/). */
export function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}
