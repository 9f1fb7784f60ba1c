/**
 * Splits JSON documents into the units that get parsed one at a time: the elements of a top-level
 * array or of an S3 delivery's `Records` array, and top-level values written one after another
 * (pretty-printed records, concatenated documents). Only brackets and string boundaries are
 * tracked, never the values themselves, so a document of any size streams through with memory
 * bounded by its largest element, an oversized element costs nothing but a count, and a
 * document cut off mid-way still gives every element before the cut.
 *
 * Units are cut on bytes (JSON's structural characters are ASCII and never occur inside a UTF-8
 * sequence), so chunks may split characters anywhere. Commas are not checked: a malformed element
 * is caught when it is parsed, which reports it alone instead of losing the rest of the document.
 */

/** `element`: an entry of the document's array. `value`: a top-level value (a stream of them). */
export type UnitKind = 'element' | 'value';

/**
 * Where the bytes pushed first stand. `array`/`records`: just inside the opening `[` of a top-level
 * array or of a top-level object's `Records` array. `stream`: at the top level.
 */
export type SplitStart = 'array' | 'records' | 'stream';

export interface UnitHandler {
  /** A complete unit. `index` counts units of its kind from 0; `line` is where it starts. */
  unit(text: string, kind: UnitKind, index: number, line: number): void;
  /** A unit over the size limit, skipped without being kept. */
  tooLarge(kind: UnitKind, index: number, line: number, bytes: number): void;
  /** The input ended inside a unit, after `bytes` of it. */
  truncated(kind: UnitKind, index: number, line: number, bytes: number): void;
  /**
   * The input ended between elements with the array (`array`) or the object holding it (`object`)
   * still open; `elements` were read.
   */
  unclosed(what: 'array' | 'object', elements: number, line: number): void;
  /** A character that cannot start a value where one was expected; the rest is not read. */
  invalid(line: number, found: string): void;
}

const Phase = { Elements: 0, Top: 1, Failed: 2 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class JsonSplitter {
  private phase: Phase;
  private line: number;
  private elements = 0;
  private values = 0;

  // The unit being scanned.
  private inUnit = false;
  /** Scanning the rest of a `Records` document's object after its array, to be discarded. */
  private discard = false;
  private scalar = false;
  private inString = false;
  /** Backslashes that ended the previous chunk inside a string (only their parity matters). */
  private bsCarry = 0;
  private depth = 0;
  private kind: UnitKind = 'element';
  private index = 0;
  private unitLine = 0;
  private pieces: Buffer[] = [];
  private unitBytes = 0;
  private oversized = false;

  /**
   * @param maxElementBytes elements (records) larger than this are skipped
   * @param maxValueBytes top-level values (whole documents) larger than this are skipped
   * @param startLine the line the first pushed byte is on
   */
  constructor(
    private readonly start: SplitStart,
    private readonly maxElementBytes: number,
    private readonly maxValueBytes: number,
    startLine: number,
    private readonly handler: UnitHandler,
  ) {
    this.phase = start === 'stream' ? Phase.Top : Phase.Elements;
    this.line = startLine;
  }

  push(buf: Buffer): void {
    if (this.phase === Phase.Failed) return;
    const n = buf.length;
    let i = 0;
    let from = this.inUnit ? 0 : -1;
    while (i < n) {
      if (this.inUnit) {
        if (this.inString) {
          const q = buf.indexOf(QUOTE, i);
          if (q < 0) {
            let k = n - 1;
            while (k >= i && buf[k] === BACKSLASH) k--;
            this.bsCarry = k < i ? this.bsCarry + (n - 1 - k) : n - 1 - k;
            i = n;
            break;
          }
          let k = q - 1;
          while (k >= i && buf[k] === BACKSLASH) k--;
          let run = q - 1 - k;
          if (k < i) run += this.bsCarry;
          this.bsCarry = 0;
          i = q + 1;
          if ((run & 1) === 0) {
            this.inString = false;
            if (this.depth === 0) {
              this.finish(buf, from, i);
              from = -1;
            }
          }
          continue;
        }
        if (this.scalar) {
          const c = buf[i] as number;
          if (c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c)) {
            this.finish(buf, from, i);
            from = -1;
          } else i++;
          continue;
        }
        for (; i < n; i++) {
          const c = buf[i];
          if (c === QUOTE) {
            this.inString = true;
            i++;
            break;
          }
          if (c === 0x7b || c === 0x5b) this.depth++;
          else if (c === 0x7d || c === 0x5d) {
            if (--this.depth === 0) {
              i++;
              this.finish(buf, from, i);
              from = -1;
              break;
            }
          } else if (c === 0x0a) this.line++;
        }
        continue;
      }

      const c = buf[i] as number;
      if (c === 0x0a) {
        this.line++;
        i++;
        continue;
      }
      if (isSpace(c) || c === 0x2c) {
        i++;
        continue;
      }
      if (c === 0x5d && this.phase === Phase.Elements) {
        i++;
        this.closeArray();
        if (this.inUnit) from = i;
        continue;
      }
      if (c === 0x5d || c === 0x7d || c === 0x3a) {
        this.phase = Phase.Failed;
        this.handler.invalid(this.line, String.fromCharCode(c));
        return;
      }
      this.begin(c);
      from = i;
      i++;
    }
    if (this.inUnit && !this.discard && from >= 0 && from < n) this.keep(buf.subarray(from));
  }

  end(): void {
    if (this.phase === Phase.Failed) return;
    if (this.inUnit) {
      if (this.discard) this.handler.unclosed('object', this.elements, this.line);
      else if (this.scalar) this.finish(Buffer.alloc(0), 0, 0);
      else this.handler.truncated(this.kind, this.index, this.unitLine, this.unitBytes);
      this.inUnit = false;
    } else if (this.phase === Phase.Elements) {
      this.handler.unclosed('array', this.elements, this.line);
    }
  }

  private begin(c: number): void {
    this.inUnit = true;
    this.discard = false;
    this.inString = c === QUOTE;
    this.scalar = !this.inString && c !== 0x7b && c !== 0x5b;
    this.depth = c === 0x7b || c === 0x5b ? 1 : 0;
    this.bsCarry = 0;
    this.unitLine = this.line;
    this.unitBytes = 0;
    this.oversized = false;
    if (this.phase === Phase.Elements) {
      this.kind = 'element';
      this.index = this.elements++;
    } else {
      this.kind = 'value';
      this.index = this.values++;
    }
  }

  /** After the array's `]`: a `Records` document still has its object to close. */
  private closeArray(): void {
    this.phase = Phase.Top;
    if (this.start === 'records') {
      this.inUnit = true;
      this.discard = true;
      this.scalar = false;
      this.inString = false;
      this.depth = 1;
    }
  }

  private keep(part: Buffer): void {
    this.unitBytes += part.length;
    if (this.oversized) return;
    if (this.unitBytes > this.limit()) {
      this.oversized = true;
      this.pieces = [];
    } else this.pieces.push(part);
  }

  private limit(): number {
    return this.kind === 'element' ? this.maxElementBytes : this.maxValueBytes;
  }

  private finish(buf: Buffer, from: number, to: number): void {
    this.inUnit = false;
    if (this.discard) {
      this.discard = false;
      return;
    }
    const bytes = this.unitBytes + (to - from);
    if (this.oversized || bytes > this.limit()) {
      this.handler.tooLarge(this.kind, this.index, this.unitLine, bytes);
    } else {
      const text =
        this.pieces.length === 0
          ? buf.toString('utf8', from, to)
          : Buffer.concat([...this.pieces, buf.subarray(from, to)]).toString('utf8');
      this.handler.unit(text, this.kind, this.index, this.unitLine);
    }
    this.pieces = [];
    this.unitBytes = 0;
    this.oversized = false;
  }
}
