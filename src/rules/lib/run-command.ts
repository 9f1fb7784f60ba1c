/**
 * Reading Systems Manager Run Command requests: which document ran, on which instances or
 * targets, and which documents amount to running arbitrary code on the instances. CloudTrail
 * hides the command text itself (`parameters: "HIDDEN_DUE_TO_SECURITY_REASONS"`), so the document
 * is what a rule can judge.
 */
import type { ApiEvent } from '../../model/event.js';
import { list, reqString, str, strings } from '../lib.js';
import { lastSegment } from './caller.js';

/**
 * AWS-owned documents that run whatever script or playbook the caller passes; the default of the
 * `shellDocuments` knob.
 */
export const DEFAULT_SHELL_DOCUMENTS: readonly string[] = [
  'AWS-RunShellScript',
  'AWS-RunPowerShellScript',
  'AWS-RunRemoteScript',
  'AWS-RunDocument',
  'AWS-ApplyAnsiblePlaybooks',
  'AWS-RunAnsiblePlaybook',
  'AWS-ApplyChefRecipes',
  'AWS-RunSaltState',
  'AWS-InstallApplication',
];

/** The document name, without the ARN prefix a shared or cross-account document carries. */
export function documentName(e: ApiEvent): string | undefined {
  const name = reqString(e, 'documentName') ?? str(e.response, 'command', 'documentName');
  if (name === undefined) return undefined;
  return name.startsWith('arn:') ? lastSegment(name) : name;
}

/** True when `name` is one of `documents`, compared without regard to case. */
export function isListedDocument(name: string | undefined, documents: readonly string[]): boolean {
  if (name === undefined) return false;
  const lower = name.toLowerCase();
  return documents.some((d) => d.toLowerCase() === lower);
}

/**
 * What a SendCommand ran on, in words: the instance ids, or the target expressions
 * (`tag:Env=prod`, `InstanceIds=*`) when the caller chose instances by tag or resource group.
 */
export function commandTargets(e: ApiEvent): { text: string; all: boolean; count: number } {
  const ids = strings(e.request, 'instanceIds');
  if (ids.length > 0) {
    const shown =
      ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
    return {
      text: `${ids.length === 1 ? 'instance' : 'instances'} ${shown}`,
      all: false,
      count: ids.length,
    };
  }
  const exprs: string[] = [];
  let all = false;
  for (const t of list(e.request, 'targets')) {
    const key = str(t, 'key') ?? str(t, 'Key');
    const values = strings(t, 'values').length > 0 ? strings(t, 'values') : strings(t, 'Values');
    if (key === undefined) continue;
    if (values.includes('*')) all = true;
    exprs.push(`${key}=${values.join(',')}`);
  }
  if (exprs.length > 0) return { text: `targets ${exprs.join('; ')}`, all, count: 0 };
  return { text: 'unnamed instances', all: false, count: 0 };
}
