/**
 * The organisation's normal VPC Flow Log records (default version 2 format), one time window at a
 * time: clients reaching the load balancers, east-west traffic between tiers (web → app → database
 * and cache), DNS to the VPC resolver, NTP to public pools, egress through NAT to AWS endpoints and
 * a few SaaS services (the monitoring agent's long-lived connection, the source host, the chat
 * webhook). Each interface logs both directions of a conversation, and both ends log it when both
 * are in the VPC, as AWS does. Records are aggregated over the default ten-minute capture window.
 */
import { MONITORING_INTAKE, PRIMARY, type Host, type Org } from './org.js';
import { MINUTE, Rng } from './random.js';

export const FLOW_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

export interface FlowItem {
  kind: 'flow';
  account: string;
  region: string;
  /** Flow start, epoch ms. */
  time: number;
  line: string;
  attack?: string;
}

export interface FlowFields {
  account: string;
  eni: string;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  /** Seconds. */
  start: number;
  end: number;
  action: 'ACCEPT' | 'REJECT';
}

export function flowLine(f: FlowFields): string {
  return `2 ${f.account} ${f.eni} ${f.src} ${f.dst} ${f.srcPort} ${f.dstPort} ${f.protocol} ${f.packets} ${f.bytes} ${f.start} ${f.end} ${f.action} OK`;
}

/** SaaS endpoints the workloads talk to (monitoring intake, source host, chat webhooks). */
const SAAS = {
  monitoring: MONITORING_INTAKE,
  git: ['140.82.121.3', '140.82.121.4'],
  chat: ['34.226.14.81', '3.94.36.189'],
};
/** Public NTP pool servers the hosts' chrony falls back to. */
const NTP = ['162.159.200.1', '162.159.200.123', '194.58.202.20'];
/** Client networks reaching the public load balancers. */
const CLIENT_BLOCKS = ['86.130', '84.160', '77.163', '90.10', '83.24', '86.40', '73.162', '98.207'];
/** AWS endpoint addresses in the region (S3, STS, Secrets Manager, SSM, KMS). */
const AWS_ENDPOINTS = [
  '52.218.16.10',
  '52.92.17.38',
  '3.5.64.90',
  '52.94.5.12',
  '52.94.220.4',
  '52.119.161.5',
];

export class BenignFlows {
  private readonly rng: Rng;
  private readonly albs = new Map<string, { eni: string; ip: string }[]>();

  constructor(private readonly org: Org) {
    this.rng = Rng.derive(org.seed, 'benign-flows');
    for (const [account] of Object.entries(org.flowLogs)) {
      const a = Object.values(org.accounts).find((x) => x.id === account);
      const base = (a?.cidr ?? '10.0.0.0/16').split('.').slice(0, 2).join('.');
      this.albs.set(account, [
        { eni: `eni-0${this.rng.hex(16)}`, ip: `${base}.0.${this.rng.range(10, 250)}` },
        { eni: `eni-0${this.rng.hex(16)}`, ip: `${base}.1.${this.rng.range(10, 250)}` },
      ]);
    }
  }

  private resolver(account: string): string {
    const a = Object.values(this.org.accounts).find((x) => x.id === account);
    return `${(a?.cidr ?? '10.0.0.0/16').split('.').slice(0, 2).join('.')}.0.2`;
  }

  /** A conversation logged on one interface: the request out and the answer back. */
  private conv(
    out: FlowItem[],
    account: string,
    eni: string,
    local: string,
    remote: string,
    localIsClient: boolean,
    port: number,
    proto: number,
    t: number,
    bytesOut: number,
    bytesIn: number,
  ): void {
    const rng = this.rng;
    const eph = rng.range(32768, 60999);
    const start = Math.floor(t / 1000);
    const end = start + rng.range(1, 59);
    const pk = (b: number) => Math.max(1, Math.round(b / rng.range(400, 1400)));
    const [cs, cp, ss, sp] = localIsClient
      ? [local, eph, remote, port]
      : [remote, eph, local, port];
    const req = localIsClient ? bytesOut : bytesIn;
    const res = localIsClient ? bytesIn : bytesOut;
    const a: FlowFields = {
      account,
      eni,
      src: cs,
      dst: ss,
      srcPort: cp,
      dstPort: sp,
      protocol: proto,
      packets: pk(req),
      bytes: req,
      start,
      end,
      action: 'ACCEPT',
    };
    const b: FlowFields = {
      ...a,
      src: ss,
      dst: cs,
      srcPort: sp,
      dstPort: cp,
      packets: pk(res),
      bytes: res,
    };
    out.push({ kind: 'flow', account, region: PRIMARY, time: t, line: flowLine(a) });
    out.push({ kind: 'flow', account, region: PRIMARY, time: t, line: flowLine(b) });
  }

  /** Internal east-west: logged on both interfaces. */
  private internal(
    out: FlowItem[],
    client: Host | { account: string; eni: string; ip: string },
    server: Host,
    port: number,
    t: number,
    req: number,
    res: number,
  ): void {
    this.conv(out, client.account, client.eni, client.ip, server.ip, true, port, 6, t, req, res);
    this.conv(out, server.account, server.eni, server.ip, client.ip, false, port, 6, t, res, req);
  }

  window(from: number, to: number): FlowItem[] {
    const out: FlowItem[] = [];
    const rng = this.rng;
    const minutes = (to - from) / MINUTE;
    const at = () => from + rng.int(to - from);
    for (const account of Object.keys(this.org.flowLogs)) {
      const hosts = this.org.hosts.filter((h) => h.account === account);
      const of = (role: Host['role']) => hosts.filter((h) => h.role === role);
      const web = of('web');
      const app = of('app');
      const db = of('db');
      const cache = of('cache');
      const scale = account === this.org.accounts.production.id ? 1 : 0.25;
      const albs = this.albs.get(account) ?? [];
      // Clients → load balancer (443), load balancer → web (8080), web → app (8080).
      if (web.length > 0) {
        const n = rng.poisson(minutes * 0.4 * web.length * scale);
        for (let i = 0; i < n; i++) {
          const t = at();
          const alb = rng.pick(albs);
          const client = `${rng.pick(CLIENT_BLOCKS)}.${rng.range(1, 254)}.${rng.range(2, 254)}`;
          this.conv(
            out,
            account,
            alb.eni,
            alb.ip,
            client,
            false,
            443,
            6,
            t,
            rng.range(4_000, 90_000),
            rng.range(800, 4_000),
          );
          const w = rng.pick(web);
          this.internal(
            out,
            { account, eni: alb.eni, ip: alb.ip },
            w,
            8080,
            t + 20,
            rng.range(600, 3_000),
            rng.range(3_000, 80_000),
          );
          if (app.length > 0)
            this.internal(
              out,
              w,
              rng.pick(app),
              8080,
              t + 40,
              rng.range(400, 2_000),
              rng.range(1_000, 20_000),
            );
        }
      }
      for (const h of [...app, ...of('worker')]) {
        const n = rng.poisson(minutes * 0.5 * scale);
        for (let i = 0; i < n; i++) {
          const t = at();
          if (db.length > 0)
            this.internal(
              out,
              h,
              rng.pick(db),
              5432,
              t,
              rng.range(500, 20_000),
              rng.range(1_000, 200_000),
            );
          if (cache.length > 0 && rng.chance(0.5))
            this.internal(
              out,
              h,
              rng.pick(cache),
              6379,
              t + 5,
              rng.range(100, 2_000),
              rng.range(100, 8_000),
            );
        }
        // AWS APIs through the NAT gateway.
        const k = rng.poisson(minutes * 0.2 * scale);
        for (let i = 0; i < k; i++) {
          this.conv(
            out,
            account,
            h.eni,
            h.ip,
            rng.pick(AWS_ENDPOINTS),
            true,
            443,
            6,
            at(),
            rng.range(1_000, 60_000),
            rng.range(2_000, 400_000),
          );
        }
      }
      for (const h of hosts) {
        if (h.role === 'db' || h.role === 'cache') continue;
        // DNS to the VPC resolver.
        const d = rng.poisson(minutes * 0.2);
        for (let i = 0; i < d; i++) {
          this.conv(
            out,
            account,
            h.eni,
            h.ip,
            this.resolver(account),
            true,
            53,
            17,
            at(),
            rng.range(60, 300),
            rng.range(90, 600),
          );
        }
        // The monitoring agent's connection stays open and is logged once per capture window.
        const cap = Math.ceil(from / (10 * MINUTE)) * 10 * MINUTE;
        for (let w = cap; w < to; w += 10 * MINUTE) {
          const dst = SAAS.monitoring[Number.parseInt(h.eni.slice(-2), 16) % 2] as string;
          this.conv(
            out,
            account,
            h.eni,
            h.ip,
            dst,
            true,
            443,
            6,
            w + rng.int(5_000),
            rng.range(40_000, 120_000),
            rng.range(4_000, 9_000),
          );
        }
        // NTP fallback to public pool servers, now and then.
        if (rng.chance(minutes / 120)) {
          this.conv(out, account, h.eni, h.ip, rng.pick(NTP), true, 123, 17, at(), 76, 76);
        }
        if (h.role === 'runner') {
          const g = rng.poisson(minutes * 0.3);
          for (let i = 0; i < g; i++) {
            this.conv(
              out,
              account,
              h.eni,
              h.ip,
              rng.pick(SAAS.git),
              true,
              443,
              6,
              at(),
              rng.range(2_000, 30_000),
              rng.range(50_000, 20_000_000),
            );
          }
        }
        if (h.role === 'app' && rng.chance(minutes / 90)) {
          this.conv(
            out,
            account,
            h.eni,
            h.ip,
            rng.pick(SAAS.chat),
            true,
            443,
            6,
            at(),
            rng.range(1_000, 4_000),
            rng.range(300, 900),
          );
        }
      }
    }
    return out;
  }
}
