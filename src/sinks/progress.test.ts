import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from './progress.js';

/** A stream that claims to be a terminal, as stderr is when a person watches the run. */
function fakeTerminal(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  Object.assign(stream, { isTTY: true, columns: 100, rows: 30 });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('createProgress', () => {
  afterEach(() => vi.restoreAllMocks());

  it('does nothing at all when disabled', async () => {
    const term = fakeTerminal();
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    const progress = createProgress({ totalFiles: 10, enabled: false, stream: term.stream });
    progress.update(5, 1000);
    progress.stop();
    progress.stop();
    await new Promise((r) => setImmediate(r));
    expect(term.text()).toBe('');
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });

  it('draws files and events on its stream, never on stdout', async () => {
    const term = fakeTerminal();
    const stdout = vi.spyOn(process.stdout, 'write');
    const progress = createProgress({ totalFiles: 55, enabled: true, stream: term.stream });
    progress.update(20, 12_345);
    progress.stop();
    progress.stop();
    progress.update(30, 20_000);
    await new Promise((r) => setImmediate(r));
    expect(term.text()).toContain('20/55 files');
    expect(term.text()).toContain('12,345 events');
    expect(term.text()).not.toContain('30/55');
    expect(stdout).not.toHaveBeenCalled();
  });
});
