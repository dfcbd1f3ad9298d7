import { ApiError } from '../../src/http/errors.filter';
import { PrintBusy, PrintQueue } from '../../src/http/print-queue';
import { type PdfEngine, PrintService, type PrintDocument } from '../../src/http/print.service';
import { Views } from '../../src/http/views';
import { type Config } from '../../src/config';

/** A render held until the test lets it finish: order and refusals, never the clock. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const job = { started: false, finish };
  const work = async () => {
    job.started = true;
    await done;
    return Buffer.from('%PDF');
  };
  return { job, work };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const LIMITS = { slots: 2, bigPages: 20, waitingPerLane: 2, retryAfterSeconds: 30 };

describe('print queue', () => {
  it('a one-page CRF does not wait behind two notebooks of hundreds of pages', async () => {
    const queue = new PrintQueue(LIMITS);
    const notebookA = held();
    const notebookB = held();
    const crf = held();
    const runs = [queue.run({ owner: 'a', pages: 600 }, notebookA.work), queue.run({ owner: 'b', pages: 600 }, notebookB.work)];
    await settle();
    // Big documents never take the last slot.
    expect([notebookA.job.started, notebookB.job.started]).toEqual([true, false]);
    runs.push(queue.run({ owner: 'c', pages: 2 }, crf.work));
    await settle();
    expect(crf.job.started).toBe(true);
    crf.job.finish();
    notebookA.job.finish();
    await settle();
    // The second notebook starts once the first is done.
    expect(notebookB.job.started).toBe(true);
    notebookB.job.finish();
    await Promise.all(runs);
  });

  it('runs one PDF per user at a time, the next one when the first is done', async () => {
    const queue = new PrintQueue(LIMITS);
    const first = held();
    const second = held();
    const other = held();
    const runs = [queue.run({ owner: 'jferry', pages: 1 }, first.work), queue.run({ owner: 'jferry', pages: 1 }, second.work)];
    runs.push(queue.run({ owner: 'bocage', pages: 1 }, other.work));
    await settle();
    // The free slot goes to another user, not to jferry's second PDF.
    expect([first.job.started, second.job.started, other.job.started]).toEqual([true, false, true]);
    first.job.finish();
    await settle();
    expect(second.job.started).toBe(true);
    second.job.finish();
    other.job.finish();
    await Promise.all(runs);
  });

  it('refuses beyond its bound, and a user whose PDF already waits, with a Retry-After', async () => {
    const queue = new PrintQueue(LIMITS);
    const jobs = ['a', 'b', 'c', 'd'].map((owner) => ({ owner, ...held() }));
    // Two run, two wait: the small lane is full.
    const runs = jobs.map(({ owner, work }) => queue.run({ owner, pages: 1 }, work));
    await settle();
    expect(jobs.map(({ job }) => job.started)).toEqual([true, true, false, false]);
    await expect(queue.run({ owner: 'e', pages: 1 }, held().work)).rejects.toEqual(new PrintBusy(30));
    await expect(queue.run({ owner: 'e', pages: 1 }, held().work)).rejects.toMatchObject({ retryAfterSeconds: 30 });
    // The big lane has room of its own, but not for a user already waiting.
    await expect(queue.run({ owner: 'c', pages: 400 }, held().work)).rejects.toBeInstanceOf(PrintBusy);
    const big = held();
    runs.push(queue.run({ owner: 'f', pages: 400 }, big.work));
    for (const { job } of jobs) job.finish();
    await settle();
    await settle();
    expect(big.job.started).toBe(true);
    big.job.finish();
    await Promise.all(runs);
  });

  it('a failed render frees its slot for the next one', async () => {
    const queue = new PrintQueue({ ...LIMITS, slots: 1 });
    const next = held();
    const failing = queue.run({ owner: 'a', pages: 1 }, () => Promise.reject(new Error('Chromium est mort')));
    const waiting = queue.run({ owner: 'b', pages: 1 }, next.work);
    await expect(failing).rejects.toThrow('Chromium est mort');
    await settle();
    expect(next.job.started).toBe(true);
    next.job.finish();
    await waiting;
  });
});

describe('PrintService through its queue', () => {
  it('answers 503 PRINT_BUSY with Retry-After and "réessayez" once the queue is full, without rendering', async () => {
    const renders: Array<() => void> = [];
    const engine: PdfEngine = {
      render: () => new Promise<Buffer>((resolve) => renders.push(() => resolve(Buffer.from('%PDF')))),
      close: async () => undefined,
    };
    const print = new PrintService(new Views(), {} as Config, engine);
    const doc: PrintDocument = {
      template: 'receipts',
      model: { coop: { name: 'X' }, receipts: [] },
      landscape: false,
      title: 'T',
      footer: 'F',
      fileName: 'x.pdf',
      layout: false,
    };
    const sent: Array<{ headers: Record<string, string>; body: unknown }> = [];
    const response = (username: string) => {
      const headers: Record<string, string> = {};
      return {
        req: { user: { username } },
        setHeader: (name: string, value: string) => (headers[name] = value),
        send: (body: unknown) => sent.push({ headers, body }),
      } as never;
    };
    // 2 rendering, 8 waiting in the small lane (the service's own limits), each of another user.
    const accepted = Array.from({ length: 10 }, (_, i) => print.send(response(`u${i}`), doc));
    await settle();
    expect(renders).toHaveLength(2);
    const refused = await print.send(response('late'), doc).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).getStatus()).toBe(503);
    expect((refused as ApiError).body).toMatchObject({ code: 'PRINT_BUSY', message: expect.stringContaining('réessayez') });
    expect((refused as ApiError).headers).toEqual({ 'Retry-After': '30' });
    expect(renders).toHaveLength(2);
    // Everything accepted is printed, in turn.
    while (sent.length < 10) {
      renders.shift()?.();
      await settle();
    }
    await Promise.all(accepted);
    expect(sent.every(({ headers }) => headers['Content-Type'] === 'application/pdf')).toBe(true);
  });
});
