/**
 * Line splitting for line-oriented inputs (JSON lines, CloudWatch Logs text exports, flow logs).
 * Bytes are pushed in chunks of any size and each complete line is handed on as a string, so a
 * multi-gigabyte file never exists as one string. Lines are cut on `\n` bytes before decoding,
 * which keeps UTF-8 characters split across chunks intact; a trailing `\r` is dropped. A line
 * longer than the limit is not kept: its bytes are counted and dropped as they arrive, so memory
 * stays bounded by the limit however long the line is.
 */

export interface LineHandler {
  /**
   * One line without its terminator. `terminated` is false only for a last line that the input
   * ended without a newline, which for record formats usually means it was cut off.
   */
  line(text: string, lineNo: number, terminated: boolean): void;
  /** A line longer than the limit, skipped; `bytes` is its full length. */
  tooLarge(lineNo: number, bytes: number): void;
}

export class LineSplitter {
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private oversized = false;
  private lineNo = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly handler: LineHandler,
  ) {}

  /** Lines completed so far (the number of the last line handed on). */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.lineNo++;
      const bytes = this.pendingBytes + (nl - start);
      if (this.oversized || bytes > this.maxBytes) {
        this.handler.tooLarge(this.lineNo, bytes);
      } else if (this.pieces.length === 0) {
        this.emit(chunk.toString('utf8', start, nl), true);
      } else {
        this.pieces.push(chunk.subarray(start, nl));
        this.emit(Buffer.concat(this.pieces).toString('utf8'), true);
      }
      this.pieces = [];
      this.pendingBytes = 0;
      this.oversized = false;
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.pendingBytes += chunk.length - start;
      if (this.oversized) return;
      if (this.pendingBytes > this.maxBytes) {
        this.oversized = true;
        this.pieces = [];
      } else {
        this.pieces.push(start === 0 ? chunk : chunk.subarray(start));
      }
    }
  }

  /** Hands on a last line that has no newline after it. */
  end(): void {
    if (this.pendingBytes === 0) return;
    this.lineNo++;
    if (this.oversized) this.handler.tooLarge(this.lineNo, this.pendingBytes);
    else this.emit(Buffer.concat(this.pieces).toString('utf8'), false);
    this.pieces = [];
    this.pendingBytes = 0;
    this.oversized = false;
  }

  private emit(text: string, terminated: boolean): void {
    const last = text.length - 1;
    this.handler.line(
      last >= 0 && text.charCodeAt(last) === 13 ? text.slice(0, last) : text,
      this.lineNo,
      terminated,
    );
  }
}
