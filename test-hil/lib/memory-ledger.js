// The board's memory as the suite goes: the baseline after warm-up, vars before and after each
// test, and the check each group ends with (usage back within a tolerance of the baseline).
'use strict';

class MemoryLedger {
  /**
   * @param {{memory: () => Promise<{usage: number, free: number, total: number}>}} board
   * @param {number} tolerance vars a group may leave above the baseline
   */
  constructor(board, tolerance) {
    this.board = board;
    this.tolerance = tolerance;
    this.baseline = null;
    this.rows = [];
    this.checks = [];
  }

  async setBaseline() {
    this.baseline = await this.board.memory();
    return this.baseline;
  }

  /**
   * Records one test's figures (`after` may be null when the console could not be read) and, for
   * the report, what the board printed meanwhile.
   */
  record(title, state, before, after, boardLines) {
    this.rows.push({ title, state, before, after, boardLines: boardLines || [] });
  }

  /**
   * Polls until usage is at most `limit` (connections the board is still closing free their vars
   * a moment later) or `timeoutMs` passes; resolves with the last figures.
   */
  async settle(limit, timeoutMs) {
    const deadline = Date.now() + (timeoutMs || 5000);
    for (;;) {
      const now = await this.board.memory();
      if (now.usage <= limit || Date.now() > deadline) return now;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Where a group starts: the usage once the previous group's connections are gone. */
  async groupStart(timeoutMs) {
    return (await this.settle(this.baseline.usage + this.tolerance, timeoutMs)).usage;
  }

  /**
   * The end-of-group check: usage back within the tolerance of where the group started. The drift
   * from the suite's baseline is recorded too, for the report.
   */
  async check(group, startUsage, timeoutMs) {
    const limit = startUsage + this.tolerance;
    const now = await this.settle(limit, timeoutMs);
    const ok = now.usage <= limit;
    this.checks.push({ group, start: startUsage, usage: now.usage, drift: now.usage - this.baseline.usage, ok });
    return { ok, usage: now.usage, start: startUsage, tolerance: this.tolerance };
  }

  /** A fixed-width table: one row per test with vars used before and after, then the group checks. */
  table() {
    const lines = [];
    const width = Math.min(70, Math.max(20, ...this.rows.map((row) => row.title.length)));
    const cut = (text) => (text.length > width ? text.slice(0, width - 1) + '~' : text.padEnd(width));
    const num = (value) => (value === null || value === undefined ? '?' : String(value)).padStart(6);
    lines.push(cut('test') + ' ' + 'before'.padStart(6) + ' ' + 'after'.padStart(6) + ' ' + 'delta'.padStart(6) + '  result');
    for (const row of this.rows) {
      const before = row.before ? row.before.usage : null;
      const after = row.after ? row.after.usage : null;
      const delta = before !== null && after !== null ? (after - before > 0 ? '+' : '') + (after - before) : '?';
      lines.push(cut(row.title) + ' ' + num(before) + ' ' + num(after) + ' ' + delta.padStart(6) + '  ' + row.state);
    }
    return lines.join('\n');
  }

  /** One line per group: where it started and ended, and the drift from the baseline. */
  groupSummary() {
    return this.checks.map((c) => c.group + ': ' + c.start + ' -> ' + c.usage + ' vars (' + (c.drift >= 0 ? '+' : '') + c.drift +
      ' from the baseline)' + (c.ok ? '' : ' LEFT ' + (c.usage - c.start) + ' VARS BEHIND'));
  }
}

module.exports = { MemoryLedger };
