/**
 * `aws.evasion.cloudtrail-management-events-dropped`: `PutEventSelectors` leaves a trail logging
 * but no longer recording all management events, through either selector syntax: basic selectors
 * (`includeManagementEvents`, `readWriteType`, `excludeManagementEventSources`) or advanced ones
 * (`fieldSelectors` on `eventCategory`, `readOnly` and `eventSource`).
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonValue } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  bool,
  ctRecord,
  failed,
  list,
  names,
  reqString,
  shift,
  str,
  strings,
  where,
} from '../lib.js';

/** What one selector records of management events. */
interface Selects {
  reads: boolean;
  writes: boolean;
  /** Event sources left out; empty when none. */
  excluded: string[];
  /** Event sources the selector is limited to, when it is. */
  only: string[] | undefined;
}

function basicSelector(s: JsonValue): Selects {
  // The API defaults: management events included, reads and writes.
  const include = bool(s, 'includeManagementEvents') ?? true;
  const rw = str(s, 'readWriteType') ?? 'All';
  return {
    reads: include && rw !== 'WriteOnly',
    writes: include && rw !== 'ReadOnly',
    excluded: strings(s, 'excludeManagementEventSources'),
    only: undefined,
  };
}

function advancedSelector(s: JsonValue): Selects {
  const fields = list(s, 'fieldSelectors');
  const find = (name: string): JsonValue | undefined =>
    fields.find((f) => str(f, 'field') === name);
  const category = find('eventCategory');
  const management = category !== undefined && strings(category, 'equals').includes('Management');
  const readOnly = find('readOnly');
  const readOnlyValues = readOnly === undefined ? [] : strings(readOnly, 'equals');
  const source = find('eventSource');
  const only = source === undefined ? [] : strings(source, 'equals');
  return {
    reads: management && (readOnlyValues.length === 0 || readOnlyValues.includes('true')),
    writes: management && (readOnlyValues.length === 0 || readOnlyValues.includes('false')),
    excluded: source === undefined ? [] : strings(source, 'notEquals'),
    only: only.length > 0 ? only : undefined,
  };
}

interface Narrowing {
  what: string;
  weight: number;
}

function narrowing(e: ApiEvent): Narrowing | undefined {
  const basic = at(e.request, 'eventSelectors');
  const advanced = at(e.request, 'advancedEventSelectors');
  let selects: Selects[];
  if (Array.isArray(advanced)) selects = advanced.map(advancedSelector);
  else if (Array.isArray(basic)) selects = basic.map(basicSelector);
  else return undefined;

  const recording = selects.filter((s) => s.reads || s.writes);
  const reads = recording.some((s) => s.reads);
  const writes = recording.some((s) => s.writes);
  if (!reads && !writes) return { what: 'stopped recording management events', weight: 0 };
  if (!writes) return { what: 'stopped recording write management events', weight: 0 };
  const limited = recording.every((s) => s.only !== undefined);
  if (limited) {
    const sources = [...new Set(recording.flatMap((s) => s.only ?? []))];
    return { what: `limited management events to ${names(sources)}`, weight: 0 };
  }
  if (!reads) return { what: 'stopped recording read-only management events', weight: -1 };
  // A source is unrecorded only when every recording selector leaves it out.
  const excluded = (recording[0]?.excluded ?? []).filter((src) =>
    recording.every((s) => s.excluded.includes(src)),
  );
  if (excluded.length > 0) {
    return { what: `stopped recording management events from ${names(excluded)}`, weight: -1 };
  }
  return undefined;
}

const TRAIL = 'org-trail';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:123456789012:trail/${TRAIL}`;

export default defineApiRule({
  id: 'aws.evasion.cloudtrail-management-events-dropped',
  title: 'CloudTrail trail stops recording management events',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008'],
  description:
    'A PutEventSelectors call left a trail logging but no longer recording all management ' +
    'events: includeManagementEvents set to false, readWriteType limited to ReadOnly (writes ' +
    'vanish) or WriteOnly, management event sources excluded, or advanced selectors with no ' +
    'eventCategory = Management selector, with readOnly limited, or with eventSource filters. The ' +
    'trail still looks healthy in the console, which makes this quieter than StopLogging. Losing ' +
    'write events or all management events is reported at the rule priority; losing only read ' +
    'events or a few excluded sources (often KMS or RDS Data API for cost) one level lower. Failed ' +
    'calls are reported one level lower again as attempts.',
  falsePositives: [
    'A trail deliberately dedicated to data events while another trail records management events.',
    'Excluding high-volume KMS or RDS Data API events to save cost.',
  ],
  response: [
    'Check with GetEventSelectors which trails still record management events for the account and regions.',
    'Restore the selectors (includeManagementEvents true, readWriteType All, no exclusions) unless the change was approved.',
    'Treat management activity after the change as unrecorded by this trail and look for it in other trails or CloudTrail event history (90 days).',
    'Restrict cloudtrail:PutEventSelectors to the logging team or a break-glass role.',
  ],
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['cloudtrail.amazonaws.com'], eventNames: ['PutEventSelectors'] },
  match: (e) => narrowing(e) !== undefined,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), (narrowing(e)?.weight ?? 0) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const trail = reqString(e, 'trailName') ?? str(e.response, 'trailARN') ?? '(unnamed)';
    const what = narrowing(e)?.what ?? 'changed its event selectors';
    return failed(e)
      ? `${actorName(e)} tried to change the event selectors of CloudTrail trail ${trail} so that it ${what} ${where(e)}`
      : `${actorName(e)} changed the event selectors of CloudTrail trail ${trail} so that it ${what} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'Basic selectors: management events off, as Stratus Red Team does it',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutEventSelectors',
          userAgent: 'stratus-red-team_1d949e3e-4092-4c96-a6ef-96a967510a46',
          requestParameters: {
            trailName: TRAIL,
            eventSelectors: [
              {
                readWriteType: 'ReadOnly',
                includeManagementEvents: false,
                dataResources: [
                  { type: 'AWS::S3::Object', values: [] },
                  { type: 'AWS::Lambda::Function', values: [] },
                ],
                excludeManagementEventSources: [],
              },
            ],
          },
          responseElements: {
            trailARN: TRAIL_ARN,
            eventSelectors: [
              {
                readWriteType: 'ReadOnly',
                includeManagementEvents: false,
                dataResources: [
                  { type: 'AWS::S3::Object', values: [] },
                  { type: 'AWS::Lambda::Function', values: [] },
                ],
                excludeManagementEventSources: [],
              },
            ],
          },
        }),
      },
      {
        title: 'Basic selectors: only read-only management events kept',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutEventSelectors',
          identity: 'role',
          requestParameters: {
            trailName: TRAIL_ARN,
            eventSelectors: [
              {
                readWriteType: 'ReadOnly',
                includeManagementEvents: true,
                dataResources: [],
                excludeManagementEventSources: [],
              },
            ],
          },
        }),
      },
      {
        title: 'Basic selectors: KMS events excluded',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutEventSelectors',
          requestParameters: {
            trailName: TRAIL,
            eventSelectors: [
              {
                readWriteType: 'All',
                includeManagementEvents: true,
                dataResources: [],
                excludeManagementEventSources: ['kms.amazonaws.com'],
              },
            ],
          },
        }),
      },
      {
        title: 'Advanced selectors: data events only, no management selector',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutEventSelectors',
          requestParameters: {
            trailName: TRAIL,
            advancedEventSelectors: [
              {
                name: 'S3 object writes',
                fieldSelectors: [
                  { field: 'eventCategory', equals: ['Data'] },
                  { field: 'resources.type', equals: ['AWS::S3::Object'] },
                  { field: 'readOnly', equals: ['false'] },
                ],
              },
            ],
          },
        }),
      },
      {
        title: 'Advanced selectors: management events limited to reads',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutEventSelectors',
          requestParameters: {
            trailName: TRAIL,
            advancedEventSelectors: [
              {
                name: 'Management reads',
                fieldSelectors: [
                  { field: 'eventCategory', equals: ['Management'] },
                  { field: 'readOnly', equals: ['true'] },
                ],
              },
            ],
          },
        }),
      },
    ],
    miss: [
      {
        title: 'Basic selectors restored to all management events (the Stratus clean-up call)',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutEventSelectors',
          userAgent: 'stratus-red-team_c00af10e-2362-41c2-a2df-369d28b7c629',
          requestParameters: {
            trailName: TRAIL,
            eventSelectors: [
              {
                readWriteType: 'All',
                includeManagementEvents: true,
                dataResources: [],
                excludeManagementEventSources: [],
              },
            ],
          },
          responseElements: {
            trailARN: TRAIL_ARN,
            eventSelectors: [
              {
                readWriteType: 'All',
                includeManagementEvents: true,
                dataResources: [],
                excludeManagementEventSources: [],
              },
            ],
          },
        }),
      },
      {
        title: 'Advanced selectors adding S3 data events next to all management events',
        record: ctRecord({
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutEventSelectors',
          requestParameters: {
            trailName: TRAIL,
            advancedEventSelectors: [
              {
                name: 'Management events',
                fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }],
              },
              {
                name: 'S3 data events',
                fieldSelectors: [
                  { field: 'eventCategory', equals: ['Data'] },
                  { field: 'resources.type', equals: ['AWS::S3::Object'] },
                ],
              },
            ],
          },
        }),
      },
    ],
  },
});
