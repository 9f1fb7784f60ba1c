/**
 * `aws.evasion.access-analyzer-deleted`: an IAM Access Analyzer analyzer is deleted, ending the
 * findings on resources shared outside the account or organisation.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

export default defineApiRule({
  id: 'aws.evasion.access-analyzer-deleted',
  title: 'IAM Access Analyzer analyzer deleted',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'medium',
  mitre: ['T1562.001'],
  description:
    'A principal deleted an IAM Access Analyzer analyzer (DeleteAnalyzer). Its findings are ' +
    'deleted with it and resources later shared with outside accounts (bucket policies, role trust, ' +
    'KMS key policies, snapshots) raise no external-access findings. Failed calls are reported one ' +
    'level lower as attempts.',
  falsePositives: ['Replacing an account analyzer by an organisation analyzer.'],
  response: [
    'Re-create the analyzer (CreateAnalyzer) with the same zone of trust.',
    'Review sharing changes since the deletion: bucket policies, role trust policies, snapshot and AMI permissions.',
    'Restrict access-analyzer:DeleteAnalyzer to the security team.',
  ],
  references: [
    'https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_DeleteAnalyzer.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['access-analyzer.amazonaws.com'], eventNames: ['DeleteAnalyzer'] },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'medium'),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'deleted', 'delete')} IAM Access Analyzer analyzer ` +
    `${reqString(e, 'analyzerName') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'The account analyzer deleted',
        record: ctRecord({
          eventSource: 'access-analyzer.amazonaws.com',
          eventName: 'DeleteAnalyzer',
          requestParameters: {
            analyzerName: 'ConsoleAnalyzer-3c8f1a52-7d4e-4b90-a6e1-52f0c9d8b417',
            clientToken: 'e5f6a7b8-c9d0-4e1f-9a2b-3c4d5e6f7a81',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'An analyzer created',
        record: ctRecord({
          eventSource: 'access-analyzer.amazonaws.com',
          eventName: 'CreateAnalyzer',
          identity: 'ci',
          requestParameters: { analyzerName: 'org-analyzer', type: 'ORGANIZATION' },
          responseElements: {
            arn: 'arn:aws:access-analyzer:us-east-1:123456789012:analyzer/org-analyzer',
          },
        }),
      },
    ],
  },
});
