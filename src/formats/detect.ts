/**
 * From bytes to decoded records: reads one input, undoes gzip (recognised by its magic bytes, never
 * by the file name), decides the layout from the first bytes, and streams the records out with
 * their origins, reporting every part it cannot use as a problem and carrying on.
 *
 * Layouts, decided by the first non-blank byte and the first line:
 * - `{"Records": [` (S3 delivery) and `[` (JSON array): split element by element (json-split.ts),
 *   origin `index`; a document cut off still gives every record before the cut;
 * - `{` with the first value complete on its first line: JSON lines, origin `line`;
 * - `{` otherwise (pretty-printed documents, concatenated values): top-level values one by one;
 *   a file holding a single document gives its entries origin `index`, several give `line`;
 * - `2023-07-10T11:42:36.000Z {…}`: CloudWatch Logs export to S3, one message per line;
 * - a flow-log header or a headerless default flow record: flow logs (flow.ts).
 * What each JSON value holds (records, envelopes) is cloudtrail.ts's job. JSON lines and flow logs
 * are read line by line and JSON documents element by element, so memory is bounded by the largest
 * record, not the file; a top-level value that is not split (a pretty-printed API answer) is held
 * whole, up to `DOCUMENT_LIMIT` bytes.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import zlib from 'node:zlib';
import type { JsonValue, Origin } from '../model/event.js';
import type { InputFile } from '../sources/index.js';
import { openS3Object } from '../sources/s3.js';
import {
  cloudWatchTextMessage,
  decodeValue,
  errorText,
  firstNonSpace,
  isExportTimestampStart,
  isRecord,
  problem,
  quote,
} from './cloudtrail.js';
import { createFlowParser, isFlowHeader, isHeaderlessFlowRecord, type FlowParser } from './flow.js';
import { JsonSplitter, type SplitStart, type UnitKind } from './json-split.js';
import { LineSplitter, type LineHandler } from './lines.js';
import type { Decoded, DecodeOptions, InputProblem, ProblemCode } from './types.js';

/** Largest top-level JSON value held whole (V8 strings stop a little over 512 MiB). */
const DOCUMENT_LIMIT = 256 * 1024 * 1024;
/** Bytes looked at to decide the layout and to tell text from binary. */
const SNIFF_BYTES = 64 * 1024;
const BINARY_WINDOW = 8 * 1024;
const READ_CHUNK = 1024 * 1024;
const INFLATE_CHUNK = 256 * 1024;

/**
 * Decodes one file. `-` reads standard input (on the main thread only); an S3 object is read
 * through a GetObject stream, with the same detection as a file.
 *
 * @example
 * for await (const d of decodeFile({ path: 'trail.json.gz', display: 'trail.json.gz' }, { maxRecordBytes: 64 << 20 }))
 *   if (d.type === 'cloudtrail') console.log(d.record.eventName, d.origin);
 */
export async function* decodeFile(file: InputFile, opts: DecodeOptions): AsyncGenerator<Decoded> {
  for await (const batch of decodeFileBatches(file, opts)) yield* batch;
}

/**
 * `decodeFile` in batches: what each chunk of the file decodes to, in order. Hot loops use it, so
 * a record costs no trip through the async iterators of its own.
 */
export async function* decodeFileBatches(
  file: InputFile,
  opts: DecodeOptions,
): AsyncGenerator<Decoded[]> {
  if (file.path === '-') {
    yield* decodeStreamBatches(process.stdin, file.display, opts);
    return;
  }
  if (file.s3 !== undefined) {
    const opened = await openS3Object(file.s3);
    if ('reason' in opened) {
      yield [fileProblem('unreadable-file', file.display, opened.reason)];
      return;
    }
    try {
      yield* decodeChunks(opened.body, file.display, opts);
    } finally {
      opened.close();
    }
    return;
  }
  const stream = createReadStream(file.path, { highWaterMark: READ_CHUNK });
  try {
    yield* decodeChunks(stream, file.display, opts);
  } finally {
    stream.destroy();
  }
}

/** Decodes a stream (standard input); `display` names it in origins and problems. */
export async function* decodeStream(
  stream: NodeJS.ReadableStream,
  display: string,
  opts: DecodeOptions,
): AsyncGenerator<Decoded> {
  for await (const batch of decodeStreamBatches(stream, display, opts)) yield* batch;
}

/** `decodeStream` in batches, as `decodeFileBatches`. */
export async function* decodeStreamBatches(
  stream: NodeJS.ReadableStream,
  display: string,
  opts: DecodeOptions,
): AsyncGenerator<Decoded[]> {
  yield* decodeChunks(stream as AsyncIterable<Buffer | string>, display, opts);
}

function fileProblem(
  code: ProblemCode,
  file: string,
  reason: string,
  severity: InputProblem['severity'] = 'skip',
): Decoded {
  return { type: 'problem', problem: { code, severity, file, reason } };
}

interface ReadState {
  bytes: number;
  error?: unknown;
}

interface GzipState {
  inBytes: number;
  outBytes: number;
  error?: Error & { code?: string };
}

/** Source chunks as Buffers; a read error ends the stream and is kept for the report. */
async function* guard(source: AsyncIterable<Buffer | string>, st: ReadState) {
  try {
    for await (const c of source) {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      st.bytes += b.length;
      yield b;
    }
  } catch (err) {
    st.error = err;
  }
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const n = await rest.next();
    if (n.done) return;
    yield n.value;
  }
}

/**
 * Inflates a gzip stream (several members in a row included). Before finishing, everything that
 * decompresses is flushed out, so a cut-off stream still gives all it holds; the finish then fails
 * only for a stream that did not end properly, which is how truncation is told from a clean end.
 */
async function* gunzip(source: AsyncIterable<Buffer>, st: GzipState): AsyncGenerator<Buffer> {
  const z = zlib.createGunzip({ chunkSize: INFLATE_CHUNK });
  // Errors are taken from the iterator below; this keeps a late one from going unhandled.
  z.on('error', () => {});
  const abort = new AbortController();
  const pump = async () => {
    try {
      for await (const chunk of source) {
        if (abort.signal.aborted) return;
        st.inBytes += chunk.length;
        if (!z.write(chunk)) await once(z, 'drain', { signal: abort.signal });
      }
      await new Promise<void>((resolve) => z.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
      z.end();
    } catch (err) {
      if (!abort.signal.aborted) z.destroy(err as Error);
    }
  };
  void pump();
  try {
    for await (const out of z) {
      st.outBytes += (out as Buffer).length;
      yield out as Buffer;
    }
  } catch (err) {
    st.error = err as NonNullable<GzipState['error']>;
  } finally {
    abort.abort();
    z.destroy();
  }
}

async function* decodeChunks(
  source: AsyncIterable<Buffer | string>,
  file: string,
  opts: DecodeOptions,
): AsyncGenerator<Decoded[]> {
  const read: ReadState = { bytes: 0 };
  const raw = guard(source, read);
  let first: Buffer = Buffer.alloc(0);
  while (first.length < 2) {
    const n = await raw.next();
    if (n.done) break;
    first = first.length === 0 ? n.value : Buffer.concat([first, n.value]);
  }
  let gz: GzipState | undefined;
  let text: AsyncIterable<Buffer> = prepend(first, raw);
  if (first[0] === 0x1f && first[1] === 0x8b) {
    gz = { inBytes: 0, outBytes: 0 };
    text = gunzip(text, gz);
  }
  const failed = () => read.error !== undefined || gz?.error !== undefined;
  yield* decodeText(text, file, opts, gz !== undefined, failed);

  if (read.error !== undefined) {
    yield [
      fileProblem(
        'unreadable-file',
        file,
        read.bytes === 0
          ? `could not be read (${errorText(read.error)}); expected a readable file`
          : `reading stopped after ${read.bytes} bytes (${errorText(read.error)}); the records before that point were read`,
      ),
    ];
  } else if (gz?.error !== undefined) {
    const truncated = gz.error.code === 'Z_BUF_ERROR';
    yield [
      fileProblem(
        truncated ? 'gzip-truncated' : 'gzip-corrupt',
        file,
        truncated
          ? `the gzip stream ends early: ${gz.inBytes} compressed bytes gave ${gz.outBytes} bytes, whose complete records were read; expected a complete gzip file (the rest is missing)`
          : `the gzip data is corrupt (${gz.error.message}) after ${gz.outBytes} decompressed bytes, whose complete records were read; expected valid gzip data`,
      ),
    ];
  }
}

/** What the first bytes say about content that is not text we read, or `undefined`. */
function foreignContent(head: Buffer): { code: ProblemCode; reason: string } | undefined {
  const magic = (bytes: number[]) => bytes.every((b, i) => head[i] === b);
  const unsupported = (what: string) => ({
    code: 'unknown-format' as const,
    reason: `this is ${what}, which is not supported; expected CloudTrail JSON (plain or gzip) or VPC flow-log text`,
  });
  if (magic([0x50, 0x41, 0x52, 0x31])) return unsupported('an Apache Parquet file');
  if (magic([0x4f, 0x52, 0x43])) return unsupported('an Apache ORC file');
  if (magic([0x4f, 0x62, 0x6a, 0x01])) return unsupported('an Apache Avro file');
  if (magic([0x50, 0x4b, 0x03, 0x04])) return unsupported('a ZIP archive (unzip it first)');
  if (magic([0x42, 0x5a, 0x68])) return unsupported('bzip2-compressed data (only gzip is read)');
  if (magic([0x28, 0xb5, 0x2f, 0xfd]))
    return unsupported('zstd-compressed data (only gzip is read)');
  if (magic([0xfd, 0x37, 0x7a, 0x58, 0x5a]))
    return unsupported('xz-compressed data (only gzip is read)');
  // Only seen after one gunzip: a file compressed twice (a gzip object served gzip-encoded).
  if (magic([0x1f, 0x8b])) return unsupported('gzip data inside gzip (decompress it once first)');
  if (magic([0xff, 0xfe]) || magic([0xfe, 0xff]))
    return unsupported('UTF-16 text (save it as UTF-8)');
  const nul = head.subarray(0, BINARY_WINDOW).indexOf(0);
  if (nul >= 0)
    return {
      code: 'binary-file',
      reason: `found a NUL byte at offset ${nul}, so this is binary data; expected text (JSON or flow-log lines)`,
    };
  return undefined;
}

interface Consumer {
  push(chunk: Buffer): void;
  end(): void;
}

async function* decodeText(
  chunks: AsyncIterable<Buffer>,
  file: string,
  opts: DecodeOptions,
  compressed: boolean,
  failed: () => boolean,
): AsyncGenerator<Decoded[]> {
  const it = chunks[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  while (size < SNIFF_BYTES) {
    const n = await it.next();
    if (n.done) break;
    parts.push(n.value);
    size += n.value.length;
  }
  const head = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  const what = compressed ? 'the gzip data decompresses to' : 'the file holds';

  if (head.length === 0) {
    if (!failed()) yield [fileProblem('empty-file', file, `${what} nothing; expected log records`)];
    return;
  }
  const foreign = foreignContent(head);
  if (foreign !== undefined) {
    yield [fileProblem(foreign.code, file, foreign.reason)];
    return;
  }
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let line = 1;
  for (; start < head.length; start++) {
    const c = head[start];
    if (c === 0x0a) line++;
    else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
  }
  if (start === head.length && head.length < SNIFF_BYTES) {
    if (!failed())
      yield [fileProblem('empty-file', file, `${what} only blank space; expected log records`)];
    return;
  }

  // The consumer appends to `out`; what one chunk gave is handed on as one batch.
  const out: Decoded[] = [];
  const picked = pickLayout(head, start, line, file, opts, out);
  if (picked === undefined) {
    const nl = head.indexOf(0x0a, start);
    const firstLine = head.toString('utf8', start, nl < 0 ? Math.min(head.length, start + 80) : nl);
    yield [
      fileProblem(
        'unknown-format',
        file,
        `no known layout: line ${line} starts ${quote(firstLine)}; expected CloudTrail JSON (a Records document, JSON lines or array, CloudWatch Logs, EventBridge, CloudTrail Lake or Athena export), a CloudWatch Logs text export, or VPC flow logs`,
      ),
    ];
    return;
  }
  const { consumer, from } = picked;
  consumer.push(from === 0 ? head : head.subarray(from));
  if (out.length > 0) yield out.splice(0);
  for (;;) {
    const n = await it.next();
    if (n.done) break;
    consumer.push(n.value);
    if (out.length > 0) yield out.splice(0);
  }
  consumer.end();
  if (out.length > 0) yield out.splice(0);
}

/** `{`, blanks, `"Records"`, blanks, `:`, blanks, `[` from `at`: the offset after `[`, or -1. */
function recordsArrayStart(head: Buffer, at: number): number {
  let i = at + 1;
  const skip = () => {
    while (
      i < head.length &&
      (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)
    )
      i++;
  };
  skip();
  if (head.toString('latin1', i, i + 9) !== '"Records"') return -1;
  i += 9;
  skip();
  if (head[i] !== 0x3a) return -1;
  i++;
  skip();
  if (head[i] !== 0x5b) return -1;
  return i + 1;
}

/**
 * True when the JSON value starting at `at` closes before its first line ends (a JSON-lines
 * file), false when a line break comes first (a pretty-printed document). A first line longer
 * than the sniffed bytes counts as one line.
 */
function firstValueOnOneLine(head: Buffer, at: number): boolean {
  let depth = 0;
  for (let i = at; i < head.length; i++) {
    const c = head[i];
    if (c === 0x22) {
      for (i++; i < head.length; i++) {
        const s = head[i];
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return true;
    } else if (c === 0x0a) return false;
  }
  return true;
}

function countLines(head: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (head[i] === 0x0a) n++;
  return n;
}

function pickLayout(
  head: Buffer,
  start: number,
  line: number,
  file: string,
  opts: DecodeOptions,
  out: Decoded[],
): { consumer: Consumer; from: number } | undefined {
  const c = head[start];
  if (c === 0x5b) return { consumer: jsonSplit('array', line, file, opts, out), from: start + 1 };
  if (c === 0x7b) {
    const records = recordsArrayStart(head, start);
    if (records >= 0) {
      const at = line + countLines(head, start, records);
      return { consumer: jsonSplit('records', at, file, opts, out), from: records };
    }
    if (firstValueOnOneLine(head, start)) return { consumer: jsonLines(file, opts, out), from: 0 };
    return { consumer: jsonSplit('stream', line, file, opts, out), from: start };
  }
  const nl = head.indexOf(0x0a, start);
  const firstLine = head.toString('utf8', start, nl < 0 ? head.length : nl);
  if (isExportTimestampStart(firstLine))
    return { consumer: cloudWatchText(file, opts, out), from: 0 };
  const header = isFlowHeader(firstLine);
  if (header || isHeaderlessFlowRecord(firstLine)) {
    const trimmed = firstLine.trim();
    const parser = createFlowParser(file, header ? trimmed : undefined);
    return { consumer: flowLines(parser, header ? line : 0, file, opts, out), from: 0 };
  }
  return undefined;
}

function tooLargeLine(file: string, lineNo: number, bytes: number, opts: DecodeOptions): Decoded {
  return problem(
    'record-too-large',
    { file, line: lineNo },
    `line ${lineNo} is ${bytes} bytes, over the limit of ${opts.maxRecordBytes} bytes (input.maxRecordBytes); it was skipped`,
  );
}

interface LineConsumerHandler extends LineHandler {
  /** Called once after the last line. */
  finish?(): void;
}

function lineConsumer(handler: LineConsumerHandler, opts: DecodeOptions): Consumer {
  const splitter = new LineSplitter(opts.maxRecordBytes, handler);
  return {
    push: (chunk) => splitter.push(chunk),
    end: () => {
      splitter.end();
      handler.finish?.();
    },
  };
}

/** Parses one line of JSON; problems for lines that do not parse. */
function parseLine(
  text: string,
  lineNo: number,
  terminated: boolean,
  file: string,
  out: Decoded[],
): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    const at = { file, line: lineNo };
    out.push(
      terminated
        ? problem(
            'invalid-json',
            at,
            `line ${lineNo} is not valid JSON (${errorText(err)}); expected one JSON object per line`,
          )
        : problem(
            'truncated-json',
            at,
            `line ${lineNo}, the last, is cut off: the input ends after ${text.length} characters of an unfinished JSON value; expected a complete JSON object`,
          ),
    );
    return undefined;
  }
}

/** JSON lines: one value per line, blank lines ignored. */
function jsonLines(file: string, opts: DecodeOptions, out: Decoded[]): Consumer {
  return lineConsumer(
    {
      line(text, lineNo, terminated) {
        if (text.charCodeAt(0) !== 0x7b) {
          const i = firstNonSpace(text);
          if (i === text.length) return;
          if (i > 0) text = text.slice(i);
        }
        const v = parseLine(text, lineNo, terminated, file, out);
        if (v === undefined) return;
        const at = { file, line: lineNo };
        if (isRecord(v)) out.push({ type: 'cloudtrail', record: v, origin: at });
        else decodeValue(v, at, out);
      },
      tooLarge(lineNo, bytes) {
        out.push(tooLargeLine(file, lineNo, bytes, opts));
      },
    },
    opts,
  );
}

/** CloudWatch Logs export to S3: `timestamp message` per line; JSON messages, or flow records. */
function cloudWatchText(file: string, opts: DecodeOptions, out: Decoded[]): Consumer {
  let flow: FlowParser | undefined;
  return lineConsumer(
    {
      line(text, lineNo, terminated) {
        const at = { file, line: lineNo };
        const message = cloudWatchTextMessage(text);
        if (message === undefined) {
          if (firstNonSpace(text) === text.length) return;
          out.push(
            problem(
              'not-a-record',
              at,
              `line ${lineNo} starts ${quote(text)}; expected a CloudWatch Logs export line (an ISO timestamp, a space, the message)`,
            ),
          );
          return;
        }
        if (message.charCodeAt(firstNonSpace(message)) === 0x7b) {
          const v = parseLine(message, lineNo, terminated, file, out);
          if (v !== undefined) decodeValue(v, at, out);
          return;
        }
        if (isHeaderlessFlowRecord(message)) {
          flow ??= createFlowParser(file, undefined);
          const d = flow.parse(message, lineNo);
          if (d !== null) out.push(d);
          return;
        }
        out.push(
          problem(
            'not-a-record',
            at,
            `the message on line ${lineNo} starts ${quote(message)}; expected a CloudTrail record as JSON or a default-format flow-log record`,
          ),
        );
      },
      tooLarge(lineNo, bytes) {
        out.push(tooLargeLine(file, lineNo, bytes, opts));
      },
      finish() {
        for (const p of flow?.takeWarnings() ?? []) out.push({ type: 'problem', problem: p });
      },
    },
    opts,
  );
}

/** Flow-log lines; `headerLine` is the header's line number, 0 when there is none. */
function flowLines(
  parser: FlowParser,
  headerLine: number,
  file: string,
  opts: DecodeOptions,
  out: Decoded[],
): Consumer {
  for (const p of parser.headerProblems) out.push({ type: 'problem', problem: p });
  return lineConsumer(
    {
      line(text, lineNo) {
        if (lineNo === headerLine) return;
        const d = parser.parse(text, lineNo);
        if (d !== null) out.push(d);
      },
      tooLarge(lineNo, bytes) {
        out.push(tooLargeLine(file, lineNo, bytes, opts));
      },
      finish() {
        for (const p of parser.takeWarnings()) out.push({ type: 'problem', problem: p });
      },
    },
    opts,
  );
}

/** A parsed top-level value waiting to learn whether it is the file's only one. */
interface Held {
  v: JsonValue;
  line: number;
  bytes: number;
}

/**
 * JSON documents split into units (json-split.ts). Array entries get origin `index`. Top-level
 * values are held back by one: a file that turns out to hold a single value gives its entries
 * `index` alone, a file with several gives each the `line` it starts on.
 */
function jsonSplit(
  start: SplitStart,
  line: number,
  file: string,
  opts: DecodeOptions,
  out: Decoded[],
): Consumer {
  const maxValue = Math.max(opts.maxRecordBytes, DOCUMENT_LIMIT);
  let pending: Held | undefined;
  // After an array or Records document, any further value is one of several.
  let several = start !== 'stream';

  const emit = (p: Held, withLine: boolean) => {
    const place: Origin = withLine ? { file, line: p.line } : { file };
    if (!isRecord(p.v)) return decodeValue(p.v, place, out);
    // A value that is a bare record is held to the record limit, not the document one.
    if (p.bytes > opts.maxRecordBytes)
      out.push(
        problem(
          'record-too-large',
          { file, line: p.line },
          `the record starting on line ${p.line} is ${p.bytes} bytes, over the limit of ${opts.maxRecordBytes} bytes (input.maxRecordBytes); it was skipped`,
        ),
      );
    else out.push({ type: 'cloudtrail', record: p.v, origin: place });
  };
  /** Another value follows the held one: the file holds several. */
  const another = () => {
    if (pending === undefined) return;
    emit(pending, true);
    pending = undefined;
    several = true;
  };
  const placeOf = (kind: UnitKind, index: number, at: number): Origin =>
    kind === 'element' ? { file, index } : { file, line: at };
  const named = (kind: UnitKind, index: number, at: number) =>
    kind === 'element' ? `entry ${index}` : `the value starting on line ${at}`;

  const splitter = new JsonSplitter(start, opts.maxRecordBytes, maxValue, line, {
    unit(text, kind, index, at) {
      if (kind === 'value') another();
      let v: JsonValue;
      try {
        v = JSON.parse(text) as JsonValue;
      } catch (err) {
        out.push(
          problem(
            'invalid-json',
            placeOf(kind, index, at),
            `${named(kind, index, at)} is not valid JSON (${errorText(err)}); expected a JSON object`,
          ),
        );
        return;
      }
      if (kind === 'element') {
        const place = { file, index };
        if (isRecord(v)) out.push({ type: 'cloudtrail', record: v, origin: place });
        else decodeValue(v, place, out);
        return;
      }
      // Characters undercount UTF-8 bytes by at most 3×; count exactly only near the limit.
      const bytes = text.length * 3 > opts.maxRecordBytes ? Buffer.byteLength(text) : text.length;
      const cur = { v, line: at, bytes };
      if (several) emit(cur, true);
      else pending = cur;
    },
    tooLarge(kind, index, at, bytes) {
      if (kind === 'value') another();
      out.push(
        problem(
          'record-too-large',
          placeOf(kind, index, at),
          `${named(kind, index, at)} is ${bytes} bytes, over the limit of ${kind === 'element' ? `${opts.maxRecordBytes} bytes (input.maxRecordBytes)` : `${maxValue} bytes for one JSON document`}; it was skipped`,
        ),
      );
    },
    truncated(kind, index, at, bytes) {
      if (kind === 'value') another();
      out.push(
        problem(
          'truncated-json',
          placeOf(kind, index, at),
          `${named(kind, index, at)} is cut off: the input ends ${bytes} bytes into it; expected the rest of it and the closing brackets`,
        ),
      );
    },
    unclosed(what, elements) {
      out.push(
        what === 'array'
          ? fileProblem(
              'truncated-json',
              file,
              `the input ends after ${elements} complete entries without closing the array; those entries were read, anything after them is missing`,
            )
          : fileProblem(
              'truncated-json',
              file,
              `the input ends without the closing brace after the Records array; all ${elements} records were read`,
              'warning',
            ),
      );
    },
    invalid(at, found) {
      another();
      out.push(
        problem(
          'invalid-json',
          { file, line: at },
          `found ${quote(found)} on line ${at} where a JSON value was expected; the rest of the input was not read`,
        ),
      );
    },
  });
  return {
    push: (chunk) => splitter.push(chunk),
    end: () => {
      splitter.end();
      if (pending !== undefined) emit(pending, several);
      pending = undefined;
    },
  };
}
