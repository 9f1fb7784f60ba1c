/**
 * Reading `RunInstances` records: the instance types, images and counts of a launch. The request
 * names the type at its top level (`instanceType`) and the image in `instancesSet`, but a launch
 * from a launch template may leave both out, so the types and images the response reports for the
 * created instances count too. Failed launches have no response; their request still shows what
 * was asked for.
 */
import type { ApiEvent } from '../../model/event.js';
import { list, num, str } from '../lib.js';

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Instance types asked for or created (`p3.2xlarge`), in the order first seen. */
export function launchTypes(e: ApiEvent): string[] {
  const out: string[] = [];
  const requested = str(e.request, 'instanceType');
  if (requested !== undefined) out.push(requested);
  for (const item of list(e.response, 'instancesSet', 'items')) {
    const t = str(item, 'instanceType');
    if (t !== undefined) out.push(t);
  }
  return unique(out);
}

/**
 * AMI ids asked for or launched (`ami-0abc…`), in the order first seen. A launch from a launch
 * template may name no image in the request (the template holds it); the response still reports
 * the image of each created instance.
 */
export function launchImages(e: ApiEvent): string[] {
  const out: string[] = [];
  for (const item of list(e.request, 'instancesSet', 'items')) {
    const id = str(item, 'imageId');
    if (id !== undefined) out.push(id);
  }
  for (const item of list(e.response, 'instancesSet', 'items')) {
    const id = str(item, 'imageId');
    if (id !== undefined) out.push(id);
  }
  return unique(out);
}

/** Instance ids created (empty for a failed call). */
export function launchedInstances(e: ApiEvent): string[] {
  const out: string[] = [];
  for (const item of list(e.response, 'instancesSet', 'items')) {
    const id = str(item, 'instanceId');
    if (id !== undefined) out.push(id);
  }
  return out;
}

/** How many instances were created, or for a failed call the most that were asked for. */
export function launchCount(e: ApiEvent): number {
  const created = launchedInstances(e).length;
  if (created > 0) return created;
  let asked = 0;
  for (const item of list(e.request, 'instancesSet', 'items')) {
    asked += num(item, 'maxCount') ?? num(item, 'minCount') ?? 1;
  }
  return Math.max(asked, 1);
}

/** `2 instances of type p3.2xlarge from ami-0abc…`, for summaries. */
export function describeLaunch(e: ApiEvent, types: readonly string[] = launchTypes(e)): string {
  const n = launchCount(e);
  const what = n === 1 ? '1 instance' : failedLaunch(e) ? `up to ${n} instances` : `${n} instances`;
  const typeText = types.length === 0 ? 'of an unnamed type' : `of type ${types.join(', ')}`;
  const images = launchImages(e);
  const imageText = images.length === 0 ? '' : ` from ${images.join(', ')}`;
  return `${what} ${typeText}${imageText}`;
}

function failedLaunch(e: ApiEvent): boolean {
  return e.errorCode !== undefined;
}
