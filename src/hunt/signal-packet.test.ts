/**
 * A packet must give back exactly the signals it was made of: the stateful stage cannot tell
 * whether a chunk came packed from a worker or directly from the main thread. The real rules'
 * signals over the Invictus recording and the examples are the main case; hand-made signals cover
 * the parts those do not use (steps, amounts, numbers in facts, odd strings).
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/schema.js';
import type { Signal } from '../engine/rule.js';
import { decodeFileBatches } from '../formats/detect.js';
import { RULES } from '../rules/registry.js';
import { expandInputs } from '../sources/index.js';
import { createProcessor, processDecoded } from './process.js';
import { inTimeOrder } from './run.js';
import { packSignals, transferList, unpackSignals, type SignalPacket } from './signal-packet.js';

const INVICTUS = fileURLToPath(
  new URL('../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** Sends a packet through a real message port, transferring its buffers, as a worker does. */
function viaPort(p: SignalPacket): SignalPacket {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(p, transferList(p));
  const got = receiveMessageOnPort(port2)?.message as SignalPacket;
  port1.close();
  return got;
}

async function realChunks(): Promise<Signal[][]> {
  const proc = createProcessor(RULES, defaultConfig(), {});
  const chunks: Signal[][] = [];
  for (const f of inTimeOrder((await expandInputs([INVICTUS, EXAMPLES])).files))
    await processDecoded(decodeFileBatches(f, proc.decode), proc, (s) => chunks.push(s));
  return chunks;
}

const base: Signal = {
  ruleId: 'aws.test.rule',
  key: 'arn:aws:iam::111122223333:user/alice',
  time: 1_790_812_800_000,
  facts: {},
  origin: { file: 'a.json.gz', index: 3 },
  actor: {},
};

describe('signal packets', () => {
  it('give back every signal of the real rules over the recordings, through a message port', async () => {
    const chunks = await realChunks();
    const all = chunks.flat();
    expect(all.length).toBeGreaterThan(1000);
    // The recordings exercise the optional parts the rules fill in.
    expect(all.some((s) => s.n !== undefined && s.until !== undefined)).toBe(true);
    expect(all.some((s) => s.eventId !== undefined && s.actor.userAgent !== undefined)).toBe(true);
    expect(all.some((s) => s.origin.line !== undefined)).toBe(true);
    for (const chunk of chunks) {
      // A cloned copy, because the port detaches the original's buffers.
      const expected = structuredClone(chunk);
      expect(unpackSignals(viaPort(packSignals(chunk)))).toStrictEqual(expected);
    }
  }, 120_000);

  it('keep steps, amounts, numeric facts, and absent parts absent', () => {
    const signals: Signal[] = [
      base,
      { ...base, steps: ['grant', 'use'], amount: 0, n: 7, until: base.time + 5 },
      {
        ...base,
        value: '',
        facts: {
          bytes: 12_345,
          ratio: -0,
          big: Number.MAX_SAFE_INTEGER + 2,
          wide: 2 ** 31,
          low: -(2 ** 31) - 1,
          negative: -7,
          half: 0.5,
          name: 'x',
        },
        origin: { file: 'b.log', line: 2 },
        actor: { sourceIp: '203.0.113.9', type: 'IAMUser' },
        account: '111122223333',
        region: 'eu-west-1',
        eventId: 'e-1',
      },
      { ...base, steps: [], origin: { file: 'c', line: 1, index: 0 }, facts: { n: Number.NaN } },
      { ...base, key: 'ключ 🔑', value: 'a\u0000b', facts: { 'with space': 'é' } },
      // Past what a 32-bit integer holds: a line of a file with billions of lines.
      { ...base, origin: { file: 'd', line: 2 ** 32 + 5, index: 2 ** 31 } },
    ];
    const expected = structuredClone(signals);
    const back = unpackSignals(viaPort(packSignals(signals)));
    expect(back).toStrictEqual(expected);
    expect(Object.is((back[2] as Signal).facts.ratio, -0)).toBe(true);
    expect('value' in (back[0] as Signal)).toBe(false);
    expect('steps' in (back[0] as Signal)).toBe(false);
  });

  it('hold each distinct string once', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      ...base,
      time: base.time + i,
      actor: { arn: base.key, userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1' },
    }));
    const p = packSignals(many);
    expect(p.count).toBe(500);
    expect(new Set(p.strings).size).toBe(p.strings.length);
    expect(p.strings.length).toBe(4);
  });

  it('grow past their first guess of how much a chunk takes', () => {
    const facts = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`f${i}`, i % 2 === 0 ? `v${i}` : i]),
    );
    const signals: Signal[] = [{ ...base, facts, steps: ['a', 'b', 'c'] }, base];
    const expected = structuredClone(signals);
    const p = packSignals(signals);
    expect(p.refs.length).toBeGreaterThan(2 * 40);
    expect(unpackSignals(viaPort(p))).toStrictEqual(expected);
  });

  it('pack an empty chunk', () => {
    expect(unpackSignals(packSignals([]))).toStrictEqual([]);
  });
});
