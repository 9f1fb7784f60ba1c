/**
 * The network rules, in the order the registry lists them: VPC Flow Log detections (NET-1: C2 and
 * TOR egress, unusual ports, beaconing, scans and lateral movement, new admin connections, egress
 * volume), shadow VPC endpoints (NET-2), perimeter changes (NET-3), and perimeter detections beyond
 * the matrix.
 */
import type { Rule } from '../../engine/rule.js';
import internetGatewayAttached from './internet-gateway-attached.js';
import natGatewayCreated from './nat-gateway-created.js';
import networkAclAllowAll from './network-acl-allow-all.js';
import route53DomainTransfer from './route53-domain-transfer.js';
import routeToInternetGateway from './route-to-internet-gateway.js';
import securityGroupOpenedToWorld from './security-group-opened-to-world.js';
import flowBeaconing from './flow-beaconing.js';
import flowEgressUnusualPort from './flow-egress-unusual-port.js';
import flowEgressVolumeSpike from './flow-egress-volume-spike.js';
import flowInternalFanout from './flow-internal-fanout.js';
import flowInternalScan from './flow-internal-scan.js';
import flowNewAdminConnection from './flow-new-admin-connection.js';
import flowThreatIntelContact from './flow-threat-intel-contact.js';
import trafficMirroring from './traffic-mirroring.js';
import vpcEndpointSensitiveService from './vpc-endpoint-sensitive-service.js';
import vpcPeeringUnknownAccount from './vpc-peering-unknown-account.js';
import wafWebAclRemoved from './waf-web-acl-removed.js';

export const NETWORK_RULES: readonly Rule[] = [
  // network, NET-1: traffic in VPC Flow Logs (single records; behaviour over time is stateful)
  flowThreatIntelContact,
  flowEgressUnusualPort,
  // NET-1: behaviour over time
  flowBeaconing,
  flowInternalScan,
  flowInternalFanout,
  flowNewAdminConnection,
  flowEgressVolumeSpike,
  // network, NET-2: shadow VPC endpoints
  vpcEndpointSensitiveService,
  // network, NET-3: perimeter changes that open an exfiltration path
  internetGatewayAttached,
  natGatewayCreated,
  routeToInternetGateway,
  securityGroupOpenedToWorld,
  networkAclAllowAll,
  vpcPeeringUnknownAccount,
  // network, beyond the matrix
  wafWebAclRemoved,
  trafficMirroring,
  route53DomainTransfer,
];
