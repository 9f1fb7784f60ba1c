/**
 * `aws.network.waf-web-acl-removed`: a WAF web ACL deleted or disassociated from the load
 * balancer, API or CloudFront distribution it protected, in WAF (v2), WAF Classic or WAF Classic
 * Regional. The application is then exposed without its filtering and rate limiting.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, ctRecord, did, reqString, tamperPriority, USER_AGENTS, where } from '../lib.js';

const SERVICE: Record<string, string> = {
  'wafv2.amazonaws.com': 'WAF',
  'waf.amazonaws.com': 'WAF Classic',
  'waf-regional.amazonaws.com': 'WAF Classic Regional',
};

function serviceOf(e: ApiEvent): string {
  return Object.hasOwn(SERVICE, e.eventSource) ? (SERVICE[e.eventSource] as string) : 'WAF';
}

export default defineApiRule({
  id: 'aws.network.waf-web-acl-removed',
  title: 'WAF web ACL deleted or disassociated',
  category: 'network',
  row: null,
  priority: 'medium',
  mitre: ['T1562.007'],
  description:
    'A principal deleted a web ACL (DeleteWebACL) or removed one from a protected resource ' +
    '(DisassociateWebACL) in AWS WAF, WAF Classic (waf.amazonaws.com, CloudFront) or WAF Classic ' +
    'Regional. The resource keeps serving traffic without the rules that blocked injection, bots ' +
    'and abusive rates, which is what an attacker wants before exploiting or scraping it. ' +
    'Failed calls (WAFNonexistentItemException, AccessDenied) are one level lower as attempts.',
  falsePositives: [
    'Replacing a web ACL by a new one (an AssociateWebACL for the same resource follows closely).',
    'Tearing down an application stack.',
  ],
  response: [
    'Identify the protected resource (resourceArn) or the ACL (name, id) and whether it still has a web ACL (GetWebACLForResource).',
    'Re-associate the web ACL or restore it from infrastructure-as-code.',
    "Review the application's access logs for the time it was unprotected.",
  ],
  references: [
    'https://docs.aws.amazon.com/waf/latest/APIReference/API_DeleteWebACL.html',
    'https://docs.aws.amazon.com/waf/latest/APIReference/API_DisassociateWebACL.html',
    'https://docs.aws.amazon.com/waf/latest/APIReference/API_waf_DeleteWebACL.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['wafv2.amazonaws.com', 'waf.amazonaws.com', 'waf-regional.amazonaws.com'],
    eventNames: ['DeleteWebACL', 'DisassociateWebACL'],
  },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'medium'),
  summary: (e) => {
    if (e.eventName === 'DisassociateWebACL') {
      const res = reqString(e, 'resourceArn', 'ResourceArn') ?? '(unnamed resource)';
      return `${actorName(e)} ${did(e, 'removed', 'remove')} the ${serviceOf(e)} web ACL from ${res} ${where(e)}`;
    }
    const acl = reqString(e, 'name', 'Name', 'webACLId', 'WebACLId', 'id', 'Id') ?? '(unnamed)';
    return `${actorName(e)} ${did(e, 'deleted', 'delete')} ${serviceOf(e)} web ACL ${acl} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A WAF web ACL deleted',
        record: ctRecord({
          eventSource: 'wafv2.amazonaws.com',
          eventName: 'DeleteWebACL',
          requestParameters: {
            name: 'prod-api-acl',
            scope: 'REGIONAL',
            id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
            lockToken: '6f3e1c2a-9b8d-4e7f-a0b1-c2d3e4f5a6b7',
          },
          responseElements: null,
        }),
      },
      {
        title: 'A web ACL removed from a load balancer',
        record: ctRecord({
          eventSource: 'wafv2.amazonaws.com',
          eventName: 'DisassociateWebACL',
          identity: 'role',
          userAgent: USER_AGENTS.console,
          requestParameters: {
            resourceArn:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-web/50dc6c495c0c9188',
          },
        }),
      },
      {
        title: 'A WAF Classic Regional web ACL removed from an API stage',
        record: ctRecord({
          eventSource: 'waf-regional.amazonaws.com',
          eventName: 'DisassociateWebACL',
          requestParameters: {
            resourceArn: 'arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod',
          },
        }),
      },
      {
        title: 'A WAF Classic web ACL (CloudFront) deleted',
        record: ctRecord({
          eventSource: 'waf.amazonaws.com',
          eventName: 'DeleteWebACL',
          requestParameters: {
            webACLId: '6f3e1c2a-9b8d-4e7f-a0b1-c2d3e4f5a6b7',
            changeToken: 'abcd12f2-46da-4fdb-b8d5-fbd4c466928f',
          },
          responseElements: { changeToken: 'abcd12f2-46da-4fdb-b8d5-fbd4c466928f' },
        }),
      },
    ],
    miss: [
      {
        title: 'A web ACL associated with a load balancer',
        record: ctRecord({
          eventSource: 'wafv2.amazonaws.com',
          eventName: 'AssociateWebACL',
          requestParameters: {
            webACLArn:
              'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/prod-api-acl/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
            resourceArn:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-web/50dc6c495c0c9188',
          },
        }),
      },
    ],
  },
});
