/**
 * VPC Flow Log records of the production VPC for the benchmark (every field up to version 5, a
 * common custom format), built one at a time in time order: east-west traffic between tiers,
 * S3 through the gateway endpoint, AWS APIs and SaaS through NAT gateways, clients reaching the
 * load balancers, and the internet's constant background of rejected probes. Each interface
 * records both directions of a conversation, and both ends record it when both are in the VPC,
 * as AWS does. Mixed in: a beacon every five minutes for three days, an internal port scan and a
 * 3 GB upload to an unknown address.
 */
import { PROD, REGION, instanceId } from './cloudtrail.js';
import { DAY, DAYS, HOUR, Rng, SEED, START, Table, Timeline, publicIp } from './random.js';

/** Every field up to version 5, in AWS's order: a common custom format. */
export const FLOW_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path';
const VPC = 'vpc-0e5a7c31d94b28f16';
export const FLOW_LOG = 'fl-0b3d95e7a1c2f4086';

type HostRole = 'alb' | 'nat' | 'bastion' | 'web' | 'app' | 'worker' | 'db' | 'cache';

interface Host {
  eni: string;
  ip: string;
  subnet: string;
  az: string;
  /** 0–2: the availability zone, and the NAT gateway its private subnet routes through. */
  zone: number;
  instance: string;
  role: HostRole;
}

/** One record, every field the header names that varies (the rest comes from the host). */
interface FlowFields {
  host: Host;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: 'ACCEPT' | 'REJECT';
  flags: number;
  egress: boolean;
  /** Traffic path of an egress record: 1 within the VPC, 7 gateway endpoint, 8 internet gateway. */
  path: number;
  srcService: string;
  dstService: string;
}

function flowLine(f: FlowFields): string {
  const h = f.host;
  return `5 ${PROD} ${h.eni} ${f.src} ${f.dst} ${f.srcPort} ${f.dstPort} ${f.protocol} ${f.packets} ${f.bytes} ${f.start} ${f.end} ${f.action} OK ${VPC} ${h.subnet} ${h.instance} ${f.flags} IPv4 ${f.src} ${f.dst} ${REGION} ${h.az} - - ${f.srcService} ${f.dstService} ${f.egress ? 'egress' : 'ingress'} ${f.egress ? f.path : '-'}`;
}

/** A TCP conversation: the client's request and the server's answer, in one capture window. */
interface Conversation {
  client: string;
  server: string;
  clientPort: number;
  serverPort: number;
  start: number;
  end: number;
  up: [packets: number, bytes: number];
  down: [packets: number, bytes: number];
  /** The AWS service behind the server address (`S3`, `AMAZON`), or `-`. */
  service: string;
}

/**
 * What one interface records of a conversation: both directions, as egress or ingress depending
 * on which end it is. SYN+FIN (3) from the client, SYN-ACK+FIN (19) from the server.
 */
function seen(host: Host, c: Conversation, end: 'client' | 'server', path: number): string[] {
  const client = end === 'client';
  return [
    flowLine({
      host,
      src: c.client,
      dst: c.server,
      srcPort: c.clientPort,
      dstPort: c.serverPort,
      protocol: 6,
      packets: c.up[0],
      bytes: c.up[1],
      start: c.start,
      end: c.end,
      action: 'ACCEPT',
      flags: 3,
      egress: client,
      path,
      srcService: '-',
      dstService: c.service,
    }),
    flowLine({
      host,
      src: c.server,
      dst: c.client,
      srcPort: c.serverPort,
      dstPort: c.clientPort,
      protocol: 6,
      packets: c.down[0],
      bytes: c.down[1],
      start: c.start,
      end: c.end,
      action: 'ACCEPT',
      flags: 19,
      egress: !client,
      path,
      srcService: c.service,
      dstService: '-',
    }),
  ];
}

interface Timed {
  start: number;
  line: string;
}

const SAAS = [
  ['140.82.112', 443], // GitHub
  ['151.101.1', 443], // package mirrors behind Fastly
  ['3.233.147', 443], // monitoring intake
  ['35.186.224', 443], // payment API
  ['104.18.32', 443], // CDN
  ['142.250.72', 443], // Google APIs
  ['17.253.144', 80], // OS updates
] as const;
const S3_BLOCKS = ['52.216.8', '52.217.44', '3.5.0', '16.182.32', '54.231.160'];
const AWS_API_BLOCKS = ['52.94.224', '3.208.0', '54.239.28', '52.46.128'];

export class FlowSource {
  private readonly rng = new Rng(SEED + 10);
  private readonly byRole = new Map<HostRole, Host[]>();
  private readonly timeline: Timeline;
  private readonly clients: string[] = [];
  private readonly scanners: string[] = [];
  private readonly kinds: Table<() => string[]>;
  private readonly attacks: Timed[];
  private t = 0;

  constructor(private readonly total: number) {
    const rng = this.rng;
    const azs = ['use1-az1', 'use1-az2', 'use1-az4'];
    const subnets = {
      public: ['subnet-0a11c4e8b2d6f3901', 'subnet-0a11c4e8b2d6f3902', 'subnet-0a11c4e8b2d6f3903'],
      private: ['subnet-0b22d5f9c3e7a4011', 'subnet-0b22d5f9c3e7a4012', 'subnet-0b22d5f9c3e7a4013'],
      data: ['subnet-0c33e6a0d4f8b5121', 'subnet-0c33e6a0d4f8b5122', 'subnet-0c33e6a0d4f8b5123'],
    };
    const plan: [HostRole, number, keyof typeof subnets, number, boolean][] = [
      ['alb', 6, 'public', 0, false],
      ['nat', 3, 'public', 0, false],
      ['bastion', 2, 'public', 0, true],
      ['web', 30, 'private', 64, true],
      ['app', 60, 'private', 96, true],
      ['worker', 40, 'private', 128, true],
      ['db', 6, 'data', 192, false],
      ['cache', 6, 'data', 196, false],
    ];
    for (const [role, count, tier, third, instance] of plan) {
      const list: Host[] = [];
      for (let i = 0; i < count; i++) {
        const zone = i % 3;
        const host: Host = {
          eni: `eni-0${rng.hex(16)}`,
          ip: `10.10.${third + (tier === 'public' ? zone * 16 : zone)}.${rng.range(4, 250)}`,
          subnet: subnets[tier][zone] as string,
          az: azs[zone] as string,
          zone,
          instance: instance ? instanceId(rng) : '-',
          role,
        };
        list.push(host);
      }
      this.byRole.set(role, list);
    }
    for (let i = 0; i < 4000; i++) this.clients.push(publicIp(rng));
    for (let i = 0; i < 1500; i++) this.scanners.push(publicIp(rng));
    // Traffic follows the business day in the eastern US, gently: machines talk all night.
    const hourWeights: number[] = [];
    for (let h = 0; h < DAYS * 24; h++) {
      const d = new Date(START + h * HOUR - 4 * HOUR);
      const busy =
        d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && d.getUTCHours() >= 8 && d.getUTCHours() < 20;
      hourWeights.push(busy ? 1.6 : 1);
    }
    this.timeline = new Timeline(hourWeights);
    this.kinds = new Table<() => string[]>([
      [34, () => this.internal()],
      [22, () => this.awsService()],
      [14, () => this.internet()],
      [10, () => this.publicClient()],
      [12, () => this.scan()],
      [0.05, () => this.adminSsh()],
    ]);
    this.attacks = this.attackFlows();
  }

  *lines(): Generator<[string, number]> {
    let emitted = 0;
    let next = 0;
    while (emitted < this.total) {
      this.t = Math.floor(this.timeline.at(emitted, this.total) / 1000);
      const group: string[] = [];
      while (next < this.attacks.length && (this.attacks[next] as Timed).start <= this.t)
        group.push((this.attacks[next++] as Timed).line);
      group.push(...this.kinds.pick(this.rng)());
      for (const line of group) {
        if (emitted === this.total) break;
        emitted++;
        yield [line, this.t * 1000];
      }
    }
  }

  private pick(role: HostRole): Host {
    return this.rng.pick(this.byRole.get(role) as Host[]);
  }
  private ephemeral(): number {
    return this.rng.range(32768, 60999);
  }

  /** A conversation in the current capture window, with ordinary request and answer sizes. */
  private conversation(client: string, server: string, port: number, service = '-'): Conversation {
    const rng = this.rng;
    const start = this.t - rng.int(30);
    const up = rng.range(3, 60);
    const down = Math.max(1, up + rng.range(-2, 20));
    return {
      client,
      server,
      clientPort: this.ephemeral(),
      serverPort: port,
      start,
      end: start + rng.range(1, 59),
      up: [up, up * rng.range(60, 900)],
      down: [down, down * rng.range(200, 1400)],
      service,
    };
  }

  /** Between two tiers: both interfaces record it. */
  private internal(): string[] {
    const [client, server, port] = this.rng.pick([
      ['web', 'app', 8080],
      ['app', 'db', 5432],
      ['app', 'cache', 6379],
      ['worker', 'db', 5432],
      ['worker', 'cache', 6379],
      ['app', 'app', 8443],
      ['alb', 'web', 8080],
    ] as const);
    const c = this.pick(client);
    const s = this.pick(server);
    const talk = this.conversation(c.ip, s.ip, port);
    return [...seen(c, talk, 'client', 1), ...seen(s, talk, 'server', 1)];
  }

  /** S3 through the gateway endpoint, or another AWS API through the NAT gateway. */
  private awsService(): string[] {
    const rng = this.rng;
    const h = this.pick(rng.pick(['app', 'worker', 'web'] as const));
    if (rng.chance(0.6)) {
      const talk = this.conversation(
        h.ip,
        `${rng.pick(S3_BLOCKS)}.${rng.range(1, 254)}`,
        443,
        'S3',
      );
      if (rng.chance(0.1)) talk.down = [rng.range(4_000, 60_000), rng.range(5_000_000, 80_000_000)];
      return seen(h, talk, 'client', 7);
    }
    return this.viaNat(h, `${rng.pick(AWS_API_BLOCKS)}.${rng.range(1, 254)}`, 443, 'AMAZON');
  }

  private internet(): string[] {
    const h = this.pick(this.rng.pick(['app', 'worker', 'web', 'bastion'] as const));
    const [block, port] = this.rng.pick(SAAS);
    return this.viaNat(h, `${block}.${this.rng.range(1, 254)}`, port);
  }

  /** Outbound through a NAT gateway: the instance's records and the gateway's. */
  private viaNat(h: Host, dst: string, port: number, service = '-'): string[] {
    const nats = this.byRole.get('nat') as Host[];
    const nat = nats[h.zone] as Host;
    const inner = this.conversation(h.ip, dst, port, service);
    const outer: Conversation = { ...inner, client: nat.ip, clientPort: this.ephemeral() };
    return [...seen(h, inner, 'client', 1), ...seen(nat, outer, 'client', 8)];
  }

  private publicClient(): string[] {
    const alb = this.pick('alb');
    // A few heavy clients (offices, partners' servers) and a long tail.
    const client = this.clients[Math.floor(this.clients.length * this.rng.next() ** 3)] as string;
    return seen(alb, this.conversation(client, alb.ip, 443), 'server', 8);
  }

  private adminSsh(): string[] {
    const bastion = this.pick('bastion');
    const office = `${this.rng.pick(['73.162', '86.14', '91.64'])}.${this.rng.int(256)}.${this.rng.range(2, 254)}`;
    return seen(bastion, this.conversation(office, bastion.ip, 22), 'server', 8);
  }

  private scan(): string[] {
    const rng = this.rng;
    const target = this.pick(rng.pick(['alb', 'nat', 'bastion'] as const));
    const start = this.t - rng.int(30);
    return [
      flowLine({
        host: target,
        src: rng.pick(this.scanners),
        dst: target.ip,
        srcPort: this.ephemeral(),
        dstPort: rng.pick([22, 23, 80, 443, 445, 1433, 2375, 3306, 3389, 5900, 6379, 8080, 9200]),
        protocol: 6,
        packets: rng.range(1, 2),
        bytes: rng.pick([40, 44, 60]),
        start,
        end: start + rng.range(0, 50),
        action: 'REJECT',
        flags: 2,
        egress: false,
        path: 0,
        srcService: '-',
        dstService: '-',
      }),
    ];
  }

  /** A beacon every five minutes for three days, an internal port scan, a large upload. */
  private attackFlows(): Timed[] {
    const rng = new Rng(SEED + 11);
    const out: Timed[] = [];
    const add = (start: number, lines: string[]) => {
      for (const line of lines) out.push({ start, line });
    };
    const worker = (this.byRole.get('worker') as Host[])[7] as Host;
    const beaconAt = (START + 19 * DAY) / 1000;
    for (let i = 0; i < 3 * 288; i++) {
      const start = beaconAt + i * 300 + rng.range(-3, 3);
      add(start, seen(worker, {
        client: worker.ip, server: '45.137.21.9', clientPort: rng.range(32768, 60999), serverPort: 8443,
        start, end: start + rng.range(1, 3), up: [6, 1180 + rng.int(40)], down: [5, 3400 + rng.int(200)], service: '-',
      }, 'client', 1)); // prettier-ignore
    }
    const web = (this.byRole.get('web') as Host[])[3] as Host;
    const db = (this.byRole.get('db') as Host[])[1] as Host;
    const scanAt = (START + 21 * DAY + 14 * HOUR) / 1000;
    for (let port = 1; port <= 1024; port++) {
      const start = scanAt + Math.floor(port / 9);
      const probe: FlowFields = {
        host: web, src: web.ip, dst: db.ip, srcPort: rng.range(32768, 60999), dstPort: port,
        protocol: 6, packets: 1, bytes: 44, start, end: start + 1, action: 'ACCEPT', flags: 2,
        egress: true, path: 1, srcService: '-', dstService: '-',
      }; // prettier-ignore
      add(start, [
        flowLine(probe),
        flowLine({ ...probe, host: db, action: 'REJECT', egress: false }),
      ]);
    }
    const exfilAt = (START + 23 * DAY + 2 * HOUR + 40 * 60_000) / 1000;
    for (let i = 0; i < 60; i++) {
      const start = exfilAt + i * 40;
      add(start, seen(worker, {
        client: worker.ip, server: '5.188.206.14', clientPort: rng.range(32768, 60999), serverPort: 443,
        start, end: start + 59, up: [36_000, 50_000_000 + rng.int(1_000_000)], down: [9_000, 480_000], service: '-',
      }, 'client', 1)); // prettier-ignore
    }
    return out.sort((a, b) => a.start - b.start);
  }
}
