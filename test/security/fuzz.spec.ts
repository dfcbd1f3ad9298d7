import fc from 'fast-check';
import type request from 'supertest';
import { type Agent, startTestApp, type TestApp } from '../support/app';
import { describeRefusal, eventCount } from './support';
import { optionalText } from '../../src/domain/ledger/entries/validation';

/**
 * Hostile input on every JSON endpoint of the ledger that takes a body: the answer is a refusal
 * (400/404/409/413/415, a code, a French message) that stores nothing, or an acceptance of what
 * was valid after all (a label with markup is a label) — never a 500.
 */
describe('fuzzing the ledger JSON API', () => {
  jest.setTimeout(120_000);
  const base = '/api/coops/C14001/years/2026';
  const existing = 'C14001_2026_e03';
  const runs = { numRuns: 40 };
  let t: TestApp;
  let m: Agent;
  let ownEntry: string;
  let pjSeq = 1000;
  const freshPj = () => String(pjSeq++);

  const valid = (pj: string) => ({
    pj,
    date: '2026-12-01',
    label: 'Librairie – albums',
    chequeNo: null,
    actionA: null,
    actionB: null,
    lines: [
      { account: '6181', debit: 1000 },
      { account: '512', credit: 1000 },
    ],
  });

  beforeAll(async () => {
    t = await startTestApp({ demo: true });
    // A 500 logs its stack: the clue when a property fails.
    t.app.useLogger(['error']);
    m = await t.login('jferry', 'demo-jules-ferry');
    ownEntry = (await m.post(`${base}/entries`, valid(freshPj())).expect(201)).body.entryId;
  });
  afterAll(() => t.close());

  /** A refusal that stored nothing; with `mayAccept`, a 2xx is fine too. */
  async function judge(res: request.Response, before: number, mayAccept: boolean): Promise<void> {
    if (res.status >= 200 && res.status < 300) {
      if (!mayAccept) throw new Error(`accepted: ${res.status} ${JSON.stringify(res.body)}`);
      return;
    }
    const problem = describeRefusal(res);
    if (problem) throw new Error(`${problem} — ${res.status} ${JSON.stringify(res.body)}`);
    const after = await eventCount(t);
    if (after !== before) throw new Error(`refused with ${res.status} ${res.body.code} but stored ${after - before} event(s)`);
  }

  const send = (method: 'post' | 'put', url: string, body: unknown) =>
    m.agent[method](url).set('X-CSRF-Token', m.csrf).set('Content-Type', 'application/json').send(JSON.stringify(body));

  // ---- hostile values ---------------------------------------------------------------------------

  const hostileAmount = fc.oneof(
    fc.constantFrom<unknown>('1e309', '-0', '12,345', '١٢', 2 ** 63, 1.5, -1, '', null, {}, [], '1000', true, '0x10', 'NaN', 1e308, -(2 ** 53)),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.integer({ max: -1 }),
    fc.string({ maxLength: 8 }),
  );
  /** Not a date at all: refused wherever a date is expected. */
  const malformedDate = fc.constantFrom<unknown>(
    '31/02/2025',
    '2025-13-01',
    '2026-02-30',
    '2027-02-29',
    '2026-12-01T00:00:00Z',
    '12/2026',
    'demain',
    '2026-1-1',
    '١٢/١٢/٢٠٢٦',
    20261201,
    [],
    {},
    true,
  );
  /** Malformed, or a real date outside the fiscal year 2026-2027 (an entry's date must lie in it). */
  const hostileDate = fc.oneof(
    malformedDate,
    fc.constantFrom('0001-01-01', '9999-12-31'),
    fc
      .date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10))
      .filter((d) => d < '2026-09-01' || d > '2027-08-31'),
  );
  const hostileText = fc.oneof(
    fc.constantFrom('<script>alert(1)</script>', '\u202Egpj.exe', '=HYPERLINK("http://x","y")', 'a\u0000b\u0007c\u001b[31m', '\r\n\t', 'x'.repeat(10_240)),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 50 }),
  );
  const wrongType = fc.constantFrom<unknown>(42, -1, true, [], ['a'], {}, { $gt: '' }, null, [{ account: '512' }], '__proto__');

  it('finds nothing under the names of Object.prototype members', async () => {
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const before = await eventCount(t);
      await judge(await send('put', `${base}/entries/${id}`, valid(freshPj())), before, false);
      await judge(await send('post', `${base}/entries/${id}/duplicate`, { pj: freshPj() }), before, false);
      await judge(await send('post', `${base}/entries/${id}/reconciliation`, {}), before, false);
      await judge(await m.delete(`${base}/entries/${id}`), before, false);
      await judge(await m.delete(`${base}/inventory/${id}`), before, false);
      await judge(await send('post', `${base}/cash-counts`, { date: '2026-11-20', counts: { [id]: 1 } }), before, false);
      expect((await m.get(`${base}/entries/${id}/attachments/${id}`)).status).toBe(404);
      expect((await m.get(`${base}/actions/${id}`)).status).toBe(404);
      // A PJ is free text: "constructor" is not taken until someone uses it (this runs first).
      await m.post(`${base}/entries`, valid(id)).expect(201);
    }
  });

  // ---- entries ------------------------------------------------------------------------------------

  it('refuses every hostile amount on a line, storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostileAmount, fc.constantFrom('debit', 'credit'), async (amount, side) => {
        const other = side === 'debit' ? 'credit' : 'debit';
        const body = {
          ...valid(freshPj()),
          lines: [
            { account: '6181', [side]: amount },
            { account: '512', [other]: 1000 },
          ],
        };
        const before = await eventCount(t);
        await judge(await send('post', `${base}/entries`, body), before, false);
      }),
      runs,
    );
  });

  it('refuses every hostile date, storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostileDate, async (date) => {
        const before = await eventCount(t);
        await judge(await send('post', `${base}/entries`, { ...valid(freshPj()), date }), before, false);
      }),
      runs,
    );
  });

  it('takes hostile labels as plain text or refuses them, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, fc.constantFrom('label', 'pj', 'chequeNo', 'actionA', 'actionB'), async (value, field) => {
        const body = { ...valid(freshPj()), [field]: value };
        const before = await eventCount(t);
        const res = await send('post', `${base}/entries`, body);
        await judge(res, before, true);
        if (res.status === 201 && field === 'label') {
          const grid = await m.get(`${base}/grid`).expect(200);
          const row = grid.body.rows.find((r: { entryId: string }) => r.entryId === res.body.entryId);
          // Shown as typed, but for control characters (spaces) and bidirectional overrides (dropped).
          expect(row.label).toBe(optionalText(value));
        }
      }),
      runs,
    );
  });

  /**
   * A valid entry with fields dropped, unknown ones added and others of the wrong type, and
   * whether it is broken: a required field missing or unusable (a number is a fine PJ or label,
   * "a PJ typed as 20"; a wrong type in an optional field reads as empty).
   */
  const mangledEntry = fc
    .record({
      drop: fc.subarray(['pj', 'date', 'label', 'lines', 'chequeNo']),
      wrong: fc.dictionary(fc.constantFrom('pj', 'date', 'label', 'lines', 'actionA'), wrongType, { maxKeys: 3 }),
      unknown: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in valid('x')) && k !== 'expectedRevision'),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 3 },
      ),
      lineWrong: fc.option(wrongType, { nil: undefined }),
    })
    .map(({ drop, wrong, unknown, lineWrong }) => {
      const body: Record<string, unknown> = { ...unknown, ...valid(freshPj()) };
      for (const key of drop) delete body[key];
      Object.assign(body, wrong);
      if (lineWrong !== undefined) body.lines = [lineWrong, { account: '512', credit: 1000 }];
      const broken =
        // A dropped field given again with a wrong type is judged by its type below.
        drop.some((k) => k !== 'chequeNo' && !(k in wrong)) ||
        'date' in wrong ||
        'lines' in wrong ||
        lineWrong !== undefined ||
        (['pj', 'label'] as const).some((k) => k in wrong && typeof wrong[k] !== 'number' && typeof wrong[k] !== 'string');
      return { body, broken };
    });

  it('refuses missing fields and wrong types, and ignores or refuses unknown fields, on record and amend', async () => {
    await fc.assert(
      fc.asyncProperty(mangledEntry, fc.constantFrom('post', 'put'), async ({ body, broken }, method) => {
        const before = await eventCount(t);
        const url = method === 'post' ? `${base}/entries` : `${base}/entries/${ownEntry}`;
        await judge(await send(method, url, body), before, !broken);
      }),
      runs,
    );
  });

  it('refuses a body of the wrong JSON type', async () => {
    for (const body of [[], [valid('77')], 42, 'entrée', null, true]) {
      const before = await eventCount(t);
      await judge(await send('post', `${base}/entries`, body), before, false);
      await judge(await send('put', `${base}/entries/${ownEntry}`, body), before, false);
    }
  });

  it('refuses hostile expected revisions on amend and delete', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<unknown>(0, -1, 1.5, 'abc', '1e3', 2 ** 63, [], {}, true, 999), async (expectedRevision) => {
        const before = await eventCount(t);
        const current = (await m.get(`${base}/grid`).expect(200)).body.rows.find((r: { entryId: string }) => r.entryId === ownEntry);
        await judge(await send('put', `${base}/entries/${ownEntry}`, { ...valid(current.pj), expectedRevision }), before, false);
        const query = typeof expectedRevision === 'object' ? '[]' : encodeURIComponent(String(expectedRevision));
        await judge(await m.agent.delete(`${base}/entries/${ownEntry}?expectedRevision=${query}`).set('X-CSRF-Token', m.csrf), before, false);
      }),
      { numRuns: 10 },
    );
  });

  it('answers 404 for entries that do not exist, whatever their id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), async (id) => {
        const before = await eventCount(t);
        const url = `${base}/entries/${encodeURIComponent(id)}`;
        await judge(await send('put', url, valid(freshPj())), before, false);
        await judge(await send('post', `${url}/duplicate`, { pj: freshPj() }), before, false);
        await judge(await send('post', `${url}/reconciliation`, {}), before, false);
      }),
      runs,
    );
  });

  // ---- the other commands -----------------------------------------------------------------------

  it('duplicate: hostile PJ and date', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileText, wrongType), fc.option(hostileDate, { nil: undefined }), async (pj, date) => {
        const before = await eventCount(t);
        // A hostile date must be refused; a strange PJ alone may be taken as text.
        await judge(await send('post', `${base}/entries/${existing}/duplicate`, { pj, date }), before, date === undefined || typeof date !== 'string');
      }),
      runs,
    );
  });

  it('reconciliation: a statement date that is no date is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        malformedDate.filter((d) => typeof d === 'string'),
        async (statementDate) => {
          const before = await eventCount(t);
          await judge(await send('post', `${base}/entries/${ownEntry}/reconciliation`, { statementDate }), before, false);
        },
      ),
      runs,
    );
  });

  it('opening: refused in a year that is not the first, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ bank: fc.oneof(hostileAmount, fc.nat()), cash: fc.oneof(hostileAmount, fc.nat()), date: fc.option(hostileDate, { nil: undefined }) }),
        async (body) => {
          const before = await eventCount(t);
          await judge(await send('post', `${base}/opening`, body), before, false);
        },
      ),
      runs,
    );
  });

  it('cash counts: hostile counts, denominations and dates are refused', async () => {
    const denomination = fc.constantFrom('1', '2', '5', '10', '20', '50', '100', '200', '500', '1000', '2000', '5000');
    const hostileCounts = fc.oneof(
      fc
        .tuple(
          denomination,
          hostileAmount.filter((a) => a !== null && a !== ''),
        )
        .map(([d, n]) => ({ [d]: n })),
      fc.constantFrom<unknown>({ '3': 1 }, { '-100': 1 }, { '1e2': 1 }, { '100': 1, '0.5': 2 }, [1, 2], 'beaucoup', 42),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ date: fc.constant('2026-11-20'), counts: hostileCounts }), fc.record({ date: hostileDate, counts: fc.constant({ '100': 1 }) })),
        async (body) => {
          const before = await eventCount(t);
          await judge(await send('post', `${base}/cash-counts`, body), before, false);
        },
      ),
      runs,
    );
  });

  it('subsidies: hostile rows are refused', async () => {
    const row = (overrides: Record<string, unknown>) => ({
      origin: 'Mairie',
      amount: 50000,
      date: '2026-10-01',
      designation: 'Sortie',
      attachedToExpenses: 0,
      ...overrides,
    });
    const hostileRows = fc.oneof(
      hostileAmount.filter((a) => a !== null && a !== '' && a !== 0).map((amount) => [row({ amount })]),
      hostileAmount.filter((a) => a !== null && a !== undefined && a !== 0).map((attachedToExpenses) => [row({ attachedToExpenses })]),
      malformedDate.map((date) => [row({ date })]),
      fc.constantFrom<unknown>({}, 'lignes', 42, null, [row({ origin: null })], [row({ attachedToExpenses: 60000 })]),
    );
    await fc.assert(
      fc.asyncProperty(hostileRows, async (rows) => {
        const before = await eventCount(t);
        await judge(await send('put', `${base}/subsidies`, { rows }), before, false);
      }),
      runs,
    );
  });

  it('inventory: hostile quantity, value, date and designation are refused', async () => {
    const item = { designation: 'Vidéoprojecteur', acquiredOn: '2026-10-01', quantity: 1, value: 45000, pj: null };
    const hostileItem = fc.oneof(
      hostileAmount.filter((a) => a !== 0).map((quantity) => ({ ...item, quantity })),
      hostileAmount.filter((a) => a !== 0 && a !== '-0').map((value) => ({ ...item, value })),
      // Goods bought in earlier years stay in the register: only a date after the year is wrong.
      fc.oneof(malformedDate, fc.constant('9999-12-31')).map((acquiredOn) => ({ ...item, acquiredOn })),
      wrongType.filter((w) => typeof w !== 'number' && typeof w !== 'string').map((designation) => ({ ...item, designation })),
    );
    await fc.assert(
      fc.asyncProperty(hostileItem, async (body) => {
        const before = await eventCount(t);
        await judge(await send('post', `${base}/inventory`, body), before, false);
      }),
      runs,
    );
  });

  it('activities: a missing activity is refused, hostile text is taken as text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          wrongType.filter((w) => typeof w !== 'number' && typeof w !== 'string'),
          fc.constant(''),
          fc.constant('   '),
        ),
        fc.oneof(hostileText, wrongType),
        async (activity, text) => {
          const before = await eventCount(t);
          await judge(await send('post', `${base}/activities`, { activity, text }), before, false);
        },
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(
        hostileText.filter((s) => s.trim() !== ''),
        hostileText,
        async (activity, text) => {
          const before = await eventCount(t);
          await judge(await send('post', `${base}/activities`, { activity, text }), before, true);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("the coop's contact: a hostile phone, e-mail, address or list of mandataires is refused or taken as text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileText, wrongType), fc.oneof(hostileText, wrongType), fc.oneof(hostileText, wrongType), async (phone, email, address) => {
        const before = await eventCount(t);
        await judge(await send('put', '/api/coops/C14001/contact', { phone, email, address, mandataires: ['Claire Martin'] }), before, true);
      }),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Names that are no names: a list of strings or a string is a list of names.
          wrongType.filter((w) => typeof w !== 'string' && !(Array.isArray(w) && w.some((n) => typeof n === 'string'))),
          fc.constant(''),
          fc.constant([' ', null]),
        ),
        async (mandataires) => {
          const before = await eventCount(t);
          await judge(await send('put', '/api/coops/C14001/contact', { mandataires }), before, false);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('membership: hostile counts and class rows are refused or taken as numbers and text, a hostile voluntary amount refused, never a 500', async () => {
    const membership = '/api/coops/C14001/years/2026/membership';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileAmount, wrongType),
        fc.oneof(hostileText, wrongType),
        fc.oneof(hostileAmount, wrongType, fc.array(fc.anything(), { maxLength: 3 })),
        async (count, name, classes) => {
          await judge(
            await send('put', membership, { classes: [{ name, level: name, pupils: count, teachers: 1 }], otherAdults: count }),
            await eventCount(t),
            true,
          );
          await judge(await send('put', membership, { classes, magazines: count }), await eventCount(t), true);
        },
      ),
      runs,
    );
    await fc.assert(
      fc.asyncProperty(
        hostileAmount.filter((a) => a !== null && a !== ''),
        async (voluntary) => {
          const before = await eventCount(t);
          await judge(await send('put', membership, { classes: [], voluntary }), before, false);
        },
      ),
      runs,
    );
  });

  // ---- transport ----------------------------------------------------------------------------------

  const bodyRoutes: Array<['post' | 'put', string]> = [
    ['post', `${base}/entries`],
    ['put', `${base}/entries/${existing}`],
    ['post', `${base}/entries/${existing}/duplicate`],
    ['post', `${base}/entries/${existing}/reconciliation`],
    ['post', `${base}/opening`],
    ['post', `${base}/cash-counts`],
    ['put', `${base}/subsidies`],
    ['post', `${base}/inventory`],
    ['post', `${base}/activities`],
    ['put', '/api/coops/C14001/contact'],
    ['put', '/api/coops/C14001/years/2026/membership'],
    ['post', '/api/coops/C14001/years/2026/membership/engagement'],
  ];

  it('answers 413 to a JSON body over 1 MB and 400 to malformed JSON, on every endpoint', async () => {
    const huge = JSON.stringify({ ...valid('huge'), label: 'x'.repeat(1_100_000) });
    const malformed = ['{"pj":', '{pj: "1"}', "{'pj':'1'}", '{"pj":"1",}', '\u0000', '{"a":1}{"b":2}', '[', 'undefined', '{"lines":[1,2,]}'];
    for (const [method, url] of bodyRoutes) {
      const before = await eventCount(t);
      const tooLarge = await m.agent[method](url).set('X-CSRF-Token', m.csrf).set('Content-Type', 'application/json').send(huge);
      expect(tooLarge.status).toBe(413);
      await judge(tooLarge, before, false);
      for (const text of malformed) {
        const res = await m.agent[method](url).set('X-CSRF-Token', m.csrf).set('Content-Type', 'application/json').send(text);
        expect(res.status).toBe(400);
        await judge(res, before, false);
      }
    }
  });

  it('refuses other encodings and content types with 415, and reads a missing body as empty', async () => {
    for (const [method, url] of bodyRoutes) {
      const before = await eventCount(t);
      const latin1 = await m.agent[method](url)
        .set('X-CSRF-Token', m.csrf)
        .set('Content-Type', 'application/json; charset=latin1')
        .send(JSON.stringify(valid(freshPj())));
      expect(latin1.status).toBe(415);
      await judge(latin1, before, false);
      const xml = await m.agent[method](url).set('X-CSRF-Token', m.csrf).set('Content-Type', 'application/xml').send('<entry pj="1"/>');
      expect(xml.status).toBe(415);
      await judge(xml, before, false);
      const brotli = await m.agent[method](url).set('X-CSRF-Token', m.csrf).set('Content-Type', 'application/json').set('Content-Encoding', 'br').send('{}');
      await judge(brotli, before, false);
      // No body at all: refused by the rules, or (a reconciliation without statement date) accepted.
      await judge(await m.agent[method](url).set('X-CSRF-Token', m.csrf), before, url.endsWith('/reconciliation'));
    }
  });

  it('refuses malformed multipart uploads with 400 and stores nothing', async () => {
    const url = `${base}/entries/${existing}/attachments`;
    const boundary = 'XyZ123';
    const bodies: Array<[string, string | Buffer]> = [
      [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 trunc`],
      [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nthis is not a header\r\n\r\n%PDF-\r\n--${boundary}--\r\n`],
      ['multipart/form-data', `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`],
      [
        `multipart/form-data; boundary=${boundary}`,
        `--${boundary}\r\nContent-Disposition: form-data; name="autre"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`,
      ],
      [
        `multipart/form-data; boundary=${boundary}`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"\r\n\r\n%PDF-1.4\r\n--${boundary}--\r\n`,
      ],
      [`multipart/form-data; boundary=${boundary}`, ''],
      ['application/json', '{"file":"%PDF-1.4"}'],
    ];
    for (const [contentType, body] of bodies) {
      const before = await eventCount(t);
      const res = await m.agent.post(url).set('X-CSRF-Token', m.csrf).set('Content-Type', contentType).send(body);
      expect(res.status).toBe(400);
      await judge(res, before, false);
    }
  });

  // ---- family payments and deposits ----------------------------------------------------------------

  const payment = () => ({ date: '2026-12-01', payer: 'Mme Durand', pupil: 'Léa', class: 'CE1', amount: 800, mode: 'cheque', chequeNo: '1234567' });

  it('refuses every hostile payment field, storing nothing', async () => {
    // Free text (names, the action's name) may be taken as typed; amounts, dates, modes and accounts never.
    const FREE_TEXT = ['payer', 'pupil', 'class', 'bank', 'chequeNo', 'action'];
    const hostileField = fc.oneof(
      fc.tuple(fc.constant('amount'), hostileAmount),
      fc.tuple(fc.constant('date'), hostileDate),
      fc.tuple(fc.constantFrom('mode', 'account', ...FREE_TEXT), fc.oneof(hostileText, wrongType)),
    );
    await fc.assert(
      fc.asyncProperty(hostileField, async ([name, value]) => {
        const before = await eventCount(t);
        await judge(
          await send('post', `${base}/payments`, { ...payment(), [name]: value }),
          before,
          FREE_TEXT.includes(name) && (typeof value === 'string' || typeof value === 'number'),
        );
      }),
      runs,
    );
  });

  it('refuses hostile deposits and payment ids, storing nothing, never a 500', async () => {
    const hostileIds = fc.oneof(
      wrongType,
      fc.array(fc.oneof(hostileText, wrongType), { maxLength: 5 }),
      fc.constant(Array.from({ length: 5000 }, (_, i) => `p${i}`)),
    );
    await fc.assert(
      fc.asyncProperty(
        hostileIds,
        fc.oneof(malformedDate, fc.constant('2026-12-02')),
        fc.constantFrom<unknown>('cheque', 'cash', 'virement', null, 1),
        async (paymentIds, date, mode) => {
          const before = await eventCount(t);
          await judge(await send('post', `${base}/deposits`, { date, mode, paymentIds }), before, false);
        },
      ),
      runs,
    );
    for (const id of ['constructor', '__proto__', 'toString']) {
      const before = await eventCount(t);
      await judge(await send('put', `${base}/payments/${id}`, payment()), before, false);
      await judge(await m.delete(`${base}/payments/${id}`), before, false);
      expect((await m.get(`${base}/payments/${id}/receipt.pdf`)).status).toBe(404);
    }
  });
});
