/**
 * `aws.evasion.detective-disabled`: an Amazon Detective behaviour graph is deleted, or a member
 * account leaves one, removing the investigation history responders would rely on.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

const GRAPH = 'arn:aws:detective:us-east-1:123456789012:graph:027c7c4610ea4aacaf6a5cbd7d2af7e1';

export default defineApiRule({
  id: 'aws.evasion.detective-disabled',
  title: 'Amazon Detective graph deleted or left',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.001'],
  description:
    'DeleteGraph disables Detective and deletes its behaviour graph, the months of linked ' +
    'CloudTrail, flow-log and GuardDuty data an investigation would start from. ' +
    'DisassociateMembership removes a member account from a graph (reported one level lower). ' +
    'Failed calls are reported one level lower as attempts.',
  falsePositives: ['Cost reduction, or moving Detective to a new administrator account.'],
  response: [
    'Re-enable Detective (CreateGraph) and re-invite members; note that deleted graph data cannot be restored.',
    'Preserve other investigation sources (CloudTrail, flow logs, GuardDuty findings) for the period.',
    'Restrict detective:DeleteGraph and detective:DisassociateMembership to the security team.',
  ],
  references: [
    'https://docs.aws.amazon.com/detective/latest/APIReference/API_DeleteGraph.html',
    'https://docs.aws.amazon.com/detective/latest/APIReference/API_DisassociateMembership.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['detective.amazonaws.com'],
    eventNames: ['DeleteGraph', 'DisassociateMembership'],
  },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'high', { lower: e.eventName === 'DisassociateMembership' }),
  summary: (e) => {
    const graph = reqString(e, 'graphArn') ?? '(unknown)';
    return e.eventName === 'DeleteGraph'
      ? `${actorName(e)} ${did(e, 'deleted', 'delete')} Amazon Detective behaviour graph ${graph} ${where(e)}`
      : `${actorName(e)} ${did(e, 'removed', 'remove')} its account from Amazon Detective behaviour graph ${graph} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'The behaviour graph deleted',
        record: ctRecord({
          eventSource: 'detective.amazonaws.com',
          eventName: 'DeleteGraph',
          requestParameters: { graphArn: GRAPH },
          host: 'api.detective.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'A member account leaves the graph',
        record: ctRecord({
          eventSource: 'detective.amazonaws.com',
          eventName: 'DisassociateMembership',
          identity: 'role',
          requestParameters: { graphArn: GRAPH },
          host: 'api.detective.us-east-1.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'A membership invitation accepted',
        record: ctRecord({
          eventSource: 'detective.amazonaws.com',
          eventName: 'AcceptInvitation',
          requestParameters: { graphArn: GRAPH },
          host: 'api.detective.us-east-1.amazonaws.com',
        }),
      },
    ],
  },
});
