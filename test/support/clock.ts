import { type Clock } from '../../src/domain/fiscal-year';

/** The tests' one clock: fixed at a given instant (never today's date), moved only by hand. */
export class TestClock implements Clock {
  private current: Date;
  constructor(at: string | Date = '2026-11-27T10:00:00Z') {
    this.current = new Date(at);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
