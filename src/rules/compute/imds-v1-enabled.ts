/**
 * `aws.compute.imds-v1-enabled`: the instance metadata service allowed to answer without a session
 * token (IMDSv1) again: on a running instance, as the account's default for new launches, or
 * asked for explicitly at launch. IMDSv1 is what turns a server-side request forgery in a web
 * application into the instance role's credentials, so switching it back on prepares that theft.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  did,
  failed,
  isAutomation,
  shift,
  str,
  where,
} from '../lib.js';
import { runInstancesRequest, runInstancesResponse } from '../lib/compute-fixtures.js';
import { ec2Param } from '../lib/ec2-shapes.js';
import { automationAssumption } from '../lib/ownership.js';
import { describeLaunch, launchedInstances } from '../lib/run-instances.js';

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

type Change =
  /** ModifyInstanceMetadataOptions on one instance. */
  | { kind: 'instance'; instance: string | undefined }
  /** ModifyInstanceMetadataDefaults for the account and region; `value` optional or no-preference. */
  | { kind: 'default'; value: string }
  /** RunInstances asking for optional tokens. */
  | { kind: 'launch' };

/**
 * The HttpTokens value of the request, lower-cased. Newer EC2 APIs log their parameters in
 * PascalCase inside an `XxxRequest` wrapper (which normalisation removes); exports and older
 * records have them flat in camelCase, which `ec2Param` also finds.
 */
function httpTokens(e: ApiEvent): string | undefined {
  return ec2Param(e, 'HttpTokens')?.trim().toLowerCase();
}

function change(e: ApiEvent): Change | undefined {
  if (e.eventName === 'ModifyInstanceMetadataOptions') {
    if (httpTokens(e) !== 'optional') return undefined;
    return {
      kind: 'instance',
      instance: ec2Param(e, 'InstanceId') ?? str(e.response, 'instanceId'),
    };
  }
  if (e.eventName === 'ModifyInstanceMetadataDefaults') {
    const value = httpTokens(e);
    return value === 'optional' || value === 'no-preference'
      ? { kind: 'default', value }
      : undefined;
  }
  const launch = str(e.request, 'metadataOptions', 'httpTokens')?.trim().toLowerCase();
  return launch === 'optional' ? { kind: 'launch' } : undefined;
}

/** Levels below the rule priority: 0 for an instance or an explicit account default, 1 otherwise. */
function steps(c: Change): number {
  if (c.kind === 'instance') return 0;
  if (c.kind === 'default') return c.value === 'optional' ? 0 : -1;
  return -1;
}

/** A RunInstances response whose instance allows IMDSv1, as the examples use it. */
function launchResponseWithOptionalTokens(): JsonObject {
  const response = runInstancesResponse({ instanceId: 'i-0f4e2a9c7b3d1e5a6' });
  const set = response.instancesSet as { items: JsonObject[] };
  const item = set.items[0] as JsonObject;
  item.metadataOptions = {
    state: 'pending',
    httpTokens: 'optional',
    httpPutResponseHopLimit: 1,
    httpEndpoint: 'enabled',
    httpProtocolIpv4: 'enabled',
    httpProtocolIpv6: 'disabled',
    instanceMetadataTags: 'disabled',
  };
  return response;
}

function modifyResponse(instance: string, tokens: string): JsonObject {
  return {
    ModifyInstanceMetadataOptionsResponse: {
      xmlns: EC2_NS,
      requestId: '3f9d7c1e-6b2a-4e85-9c0d-7a1b2c3d4e5f',
      instanceId: instance,
      instanceMetadataOptions: {
        state: 'pending',
        httpTokens: tokens,
        httpPutResponseHopLimit: 1,
        httpEndpoint: 'enabled',
        httpProtocolIpv6: 'disabled',
        instanceMetadataTags: 'disabled',
      },
    },
  };
}

export default defineApiRule({
  id: 'aws.compute.imds-v1-enabled',
  title: 'Instance metadata service v1 (no session token) re-enabled',
  category: 'compute',
  row: null,
  priority: 'medium',
  mitre: ['T1552.005'],
  description:
    'A change that lets the EC2 instance metadata service answer IMDSv1 requests, which need no ' +
    'session token: ModifyInstanceMetadataOptions with HttpTokens `optional` on an instance ' +
    '(reported at the rule priority), ModifyInstanceMetadataDefaults setting the account and ' +
    "region's default for new launches to `optional` (rule priority) or `no-preference` (one " +
    "level lower: the AMI's own setting then decides), and RunInstances that explicitly asks " +
    'for metadataOptions.httpTokens `optional` (one level lower). With IMDSv1 on, a server-side ' +
    'request forgery or an open proxy on the instance is enough to read the instance role’s ' +
    'credentials from 169.254.169.254; attackers switch it back on before exploiting such a ' +
    'flaw, and hardening baselines switch it off. Launches that only end up with optional ' +
    'tokens through the AMI or the account default (the response shows `optional`, the request ' +
    'asked for nothing) do not match: they are the old default, and the account default change ' +
    'is reported when it happens. Both request shapes are read: the PascalCase parameters EC2 ' +
    'logs inside `ModifyInstanceMetadataOptionsRequest` and flat camelCase ones. Failed calls ' +
    "are reported one level lower as attempts, and so are the organisation's automation " +
    '(organisation.automationArns, automationUserAgents); AWS services acting on their own ' +
    'behalf do not match. Triage: which instance and role, whether it serves web traffic, and ' +
    'whether instance-role credentials were used from outside AWS afterwards ' +
    '(aws.credential.instance-credentials-outside-aws).',
  falsePositives: [
    'Legacy software or old SDKs on an instance that cannot use IMDSv2 tokens yet.',
    'Launch pipelines that still pin HttpTokens optional for an old AMI (add them to the automation profile).',
  ],
  response: [
    'Ask the owner why IMDSv1 was needed; set HttpTokens back to required (ModifyInstanceMetadataOptions, ModifyInstanceMetadataDefaults) unless a documented dependency exists.',
    'Review the instance role’s CloudTrail activity since the change for use from addresses outside AWS, and rotate the role’s sessions if any appear.',
    'Enforce IMDSv2 with the ec2:MetadataHttpTokens condition key in a service control policy and the account-level default.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataOptions.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataDefaults.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html',
    'https://aws.amazon.com/blogs/security/defense-in-depth-open-firewalls-reverse-proxies-ssrf-vulnerabilities-ec2-instance-metadata-service/',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: ['ModifyInstanceMetadataOptions', 'ModifyInstanceMetadataDefaults', 'RunInstances'],
  },
  match: (e) => change(e) !== undefined && !byAwsService(e),
  priorityOf: (e, ctx): Priority => {
    const c = change(e);
    const s = (c === undefined ? 0 : steps(c)) - (failed(e) ? 1 : 0);
    return shift(basePriority(ctx, 'medium'), s - (isAutomation(e, ctx.org) ? 1 : 0));
  },
  summary: (e) => {
    const c = change(e);
    const who = actorName(e);
    if (c?.kind === 'default') {
      return (
        `${who} ${did(e, 'set', 'set')} the account's default instance metadata tokens to ` +
        `${c.value} (IMDSv1 allowed on new instances) ${where(e)}`
      );
    }
    if (c?.kind === 'launch') {
      const ids = launchedInstances(e);
      const idText = ids.length === 0 ? '' : ` (${ids.slice(0, 3).join(', ')})`;
      return (
        `${who} ${did(e, 'launched', 'launch')} ${describeLaunch(e)}${idText} with IMDSv1 ` +
        `allowed (HttpTokens optional) ${where(e)}`
      );
    }
    const instance = c?.instance ?? '(unnamed instance)';
    return (
      `${who} ${did(e, 're-enabled', 're-enable')} IMDSv1 (HttpTokens optional) on instance ` +
      `${instance} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'An SSO administrator allows IMDSv1 on a web server (PascalCase request wrapper)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceMetadataOptions',
          identity: 'role',
          requestParameters: {
            ModifyInstanceMetadataOptionsRequest: {
              HttpTokens: 'optional',
              InstanceId: 'i-0c3f5e9a1b2d4c6e8',
            },
          },
          responseElements: modifyResponse('i-0c3f5e9a1b2d4c6e8', 'optional'),
        }),
      },
      {
        title: 'The same change in an export with flat camelCase parameters',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceMetadataOptions',
          requestParameters: {
            instanceId: 'i-0c3f5e9a1b2d4c6e8',
            httpTokens: 'optional',
            httpEndpoint: 'enabled',
          },
          responseElements: modifyResponse('i-0c3f5e9a1b2d4c6e8', 'optional'),
        }),
      },
      {
        title: "The account's default for new launches set to optional",
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceMetadataDefaults',
          awsRegion: 'eu-west-1',
          requestParameters: { ModifyInstanceMetadataDefaultsRequest: { HttpTokens: 'optional' } },
          responseElements: {
            ModifyInstanceMetadataDefaultsResponse: {
              xmlns: EC2_NS,
              requestId: '8c2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4e5f',
              return: true,
            },
          },
        }),
      },
      {
        title: 'A launch that asks for optional tokens explicitly',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          requestParameters: {
            ...runInstancesRequest(),
            metadataOptions: {
              httpTokens: 'optional',
              httpPutResponseHopLimit: 1,
              httpEndpoint: 'enabled',
            },
          },
          responseElements: launchResponseWithOptionalTokens(),
        }),
      },
      {
        title: 'A denied attempt on an instance',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceMetadataOptions',
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
          requestParameters: {
            ModifyInstanceMetadataOptionsRequest: {
              HttpTokens: 'optional',
              InstanceId: 'i-0dbc91f429e48eeed',
            },
          },
        }),
      },
    ],
    miss: [
      {
        title: 'IMDSv2 enforced on an instance (HttpTokens required)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceMetadataOptions',
          identity: 'role',
          requestParameters: {
            ModifyInstanceMetadataOptionsRequest: {
              HttpTokens: 'required',
              HttpEndpoint: 'enabled',
              InstanceId: 'i-0c3f5e9a1b2d4c6e8',
            },
          },
          responseElements: modifyResponse('i-0c3f5e9a1b2d4c6e8', 'required'),
        }),
      },
      {
        title:
          'A launch that ends up with optional tokens only through the AMI default (Invictus shape)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          requestParameters: runInstancesRequest(),
          responseElements: launchResponseWithOptionalTokens(),
        }),
      },
      {
        title: 'The account default set to required',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceMetadataDefaults',
          requestParameters: { ModifyInstanceMetadataDefaultsRequest: { HttpTokens: 'required' } },
          responseElements: {
            ModifyInstanceMetadataDefaultsResponse: {
              xmlns: EC2_NS,
              requestId: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
              return: true,
            },
          },
        }),
      },
    ],
  },
});
