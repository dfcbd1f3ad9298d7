import type { Request } from 'express';
import { DomainError } from '../../src/domain/errors';
import { ApiError } from '../../src/http/errors.filter';
import { hashCode, QuitusCodes } from '../../src/http/quitus-codes';
import { type QuitusCodeDoc } from '../../src/projections/year-facts.projection';
import { type YearEndReads } from '../../src/reads/year-end-reads';

const RIGHT = 'Le-bon-code-du-verificateur-2026';
const invitation = { id: hashCode(RIGHT), coopId: 'C14001', year: 2025, invitationId: 'i1', expiresOn: '2027-01-01' } as QuitusCodeDoc;

/** The codes over a read that knows one code, and a clock the test moves. */
function quitusCodes() {
  let now = Date.parse('2026-12-03T10:00:00Z');
  const reads = {
    invitation: async (codeHash: string) => {
      if (codeHash === invitation.id) return invitation;
      throw new DomainError('INVITATION_NOT_FOUND', "Ce lien d'invitation est inconnu ou a expiré.", undefined, 'not_found');
    },
  } as unknown as YearEndReads;
  const codes = new QuitusCodes(reads, { now: () => new Date(now) });
  const from = (ip: string) => ({ ip }) as Request;
  /** What one try answers: 200, 404 or 429. */
  const attempt = async (code: string, ip: string): Promise<number> => {
    try {
      await codes.open(code, from(ip));
      return 200;
    } catch (error) {
      if (error instanceof ApiError) return error.getStatus();
      if (error instanceof DomainError && error.kind === 'not_found') return 404;
      throw error;
    }
  };
  return { attempt, later: (ms: number) => (now += ms) };
}

const unknown = (i: number) => `code-inconnu-numero-${String(i).padStart(6, '0')}`;

describe('quitus codes: throttling unknown codes', () => {
  it('holds an address back after 50 unknown codes, yet its right code always passes', async () => {
    const { attempt } = quitusCodes();
    for (let i = 0; i < 50; i++) expect(await attempt(unknown(i), '203.0.113.7')).toBe(404);
    expect(await attempt(unknown(50), '203.0.113.7')).toBe(429);
    expect(await attempt(RIGHT, '203.0.113.7')).toBe(200);
    expect(await attempt(unknown(51), '203.0.113.7')).toBe(429);
    // Another address is not held back for it.
    expect(await attempt(unknown(52), '198.51.100.1')).toBe(404);
  });

  it('10,001 rotated addresses neither clear the attacker nor let the scan go on', async () => {
    const { attempt } = quitusCodes();
    for (let i = 0; i <= 50; i++) await attempt(unknown(i), '203.0.113.7');
    expect(await attempt(unknown(99), '203.0.113.7')).toBe(429);
    // One try from each of 10,001 X-Forwarded-For addresses: the addresses remembered are bounded, the scan is still one.
    const answers = new Map<number, number>();
    for (let i = 0; i < 10_001; i++) {
      const status = await attempt(unknown(100 + i), `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      answers.set(status, (answers.get(status) ?? 0) + 1);
    }
    expect(answers.get(429)).toBeGreaterThan(9_000);
    expect(await attempt(unknown(20_000), '203.0.113.7')).toBe(429);
    // A right code still opens its invitation, from anywhere.
    expect(await attempt(RIGHT, '203.0.113.7')).toBe(200);
    expect(await attempt(RIGHT, '192.0.2.44')).toBe(200);
  });

  it('forgets an address once its window of 15 minutes is over', async () => {
    const { attempt, later } = quitusCodes();
    for (let i = 0; i <= 50; i++) await attempt(unknown(i), '203.0.113.7');
    expect(await attempt(unknown(60), '203.0.113.7')).toBe(429);
    later(15 * 60 * 1000 + 1);
    expect(await attempt(unknown(61), '203.0.113.7')).toBe(404);
  });
});
