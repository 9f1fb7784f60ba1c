/**
 * The seed threat matrix (`seed/threat-matrix.md`) as data: one entry per row of DESIGN.md's row
 * table, with the seed's category heading, behaviour and priority. The generated docs and the
 * `matrix` command read it; a test keeps it in step with the engine's `ROWS`.
 */
import type { Category, Row } from '../engine/rule.js';

export interface MatrixRow {
  row: Row;
  category: Category;
  /** The seed's category heading. */
  seedCategory: string;
  /** The threat behaviour, as DESIGN.md words it. */
  behaviour: string;
  seedPriority: 'high' | 'medium';
}

export const SEED_MATRIX: readonly MatrixRow[] = [
  { row: 'IAM-1', category: 'iam', seedCategory: 'IAM Abuse & Priv Esc', behaviour: 'role chaining, excessive permissions, inline policy abuse', seedPriority: 'high' },
  { row: 'IAM-2', category: 'iam', seedCategory: 'IAM Abuse & Priv Esc', behaviour: 'backdoor user / access key / login profile creation', seedPriority: 'high' },
  { row: 'IAM-3', category: 'iam', seedCategory: 'IAM Abuse & Priv Esc', behaviour: 'dormant key reuse, STS abuse', seedPriority: 'medium' },
  { row: 'NET-1', category: 'network', seedCategory: 'Network & Perimeter', behaviour: 'C2 traffic, TOR/VPN egress, odd ports, lateral movement (flow logs)', seedPriority: 'high' },
  { row: 'NET-2', category: 'network', seedCategory: 'Network & Perimeter', behaviour: 'shadow VPC endpoints to sensitive services', seedPriority: 'medium' },
  { row: 'NET-3', category: 'network', seedCategory: 'Network & Perimeter', behaviour: 'IGW / NAT / security-group / NACL / route changes enabling exfiltration', seedPriority: 'high' },
  { row: 'DATA-1', category: 'data', seedCategory: 'Data Exfil / Access', behaviour: 'S3 download, secret and KMS use spikes; sensitive resources', seedPriority: 'high' },
  { row: 'DATA-2', category: 'data', seedCategory: 'Data Exfil / Access', behaviour: 'EBS snapshot (and AMI / RDS snapshot) copy or share', seedPriority: 'high' },
  { row: 'COMP-1', category: 'compute', seedCategory: 'Compute Abuse', behaviour: 'EC2 / Lambda provisioning by non-CI identities', seedPriority: 'high' },
  { row: 'COMP-2', category: 'compute', seedCategory: 'Compute Abuse', behaviour: 'SSM sessions, EC2 Instance Connect outside approved jump users', seedPriority: 'medium' },
  { row: 'EVA-1', category: 'evasion', seedCategory: 'Detection Evasion', behaviour: 'CloudTrail, GuardDuty, Config (and other security-tool) tampering', seedPriority: 'high' },
  { row: 'EVA-2', category: 'evasion', seedCategory: 'Detection Evasion', behaviour: 'alarm, log group, log stream deletion or silencing', seedPriority: 'high' },
  { row: 'REC-1', category: 'recon', seedCategory: 'Reconnaissance', behaviour: 'bulk List* / Describe* / Get* enumeration, esp. from temporary credentials', seedPriority: 'medium' },
  { row: 'PER-1', category: 'persistence', seedCategory: 'Persistence', behaviour: 'IAM trust-policy manipulation', seedPriority: 'high' },
  { row: 'PER-2', category: 'persistence', seedCategory: 'Persistence', behaviour: 'Lambda / EventBridge / S3-notification triggers not from CI/CD', seedPriority: 'medium' },
  { row: 'PER-3', category: 'persistence', seedCategory: 'Persistence', behaviour: 'EC2 user-data modification', seedPriority: 'medium' },
  { row: 'GEO-1', category: 'time-geo', seedCategory: 'Time/Geo Anomalies', behaviour: 'logins and role use from new geographies or at odd hours', seedPriority: 'medium' },
  { row: 'CRED-1', category: 'credential', seedCategory: 'Credential Abuse', behaviour: 'STS token reuse from unknown IPs, credentials used from unexpected places', seedPriority: 'medium' },
  { row: 'XACCT-1', category: 'cross-account', seedCategory: 'Cross-Account Movement', behaviour: 'role assumption across accounts outside approved patterns', seedPriority: 'high' },
  { row: 'SVC-1', category: 'service-misuse', seedCategory: 'Service Misuse', behaviour: 'SSM / Secrets Manager / Step Functions control-plane abuse', seedPriority: 'medium' },
];
