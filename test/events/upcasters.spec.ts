import { type RecordedEvent } from '../../src/events/envelope';
import { createUpcast, SCHEMA_VERSIONS, upcast, type UpcasterRegistry } from '../../src/events/upcasters';

const recorded = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  id: '0b6f1d1e-6a4f-4a8e-9d0c-2f7e3f5b9a10',
  stream: 'ledger-C1-2025',
  revision: 0,
  position: 1n,
  type,
  data,
  metadata: {
    actor: 'tresorier@ecole.test',
    role: 'treasurer',
    at: '2025-02-03T10:00:00.000Z',
    $correlationId: 'c',
    $causationId: 'c',
    schemaVersion,
    prevHash: '',
    hash: 'h',
  },
});

/** A test-only type whose v0 kept the amount in euros as a string; v1 has integer cents. */
const registry: UpcasterRegistry = {
  DonationReceived: {
    0: (event) => {
      const { euros, ...rest } = event.data as { euros: string; donor: string };
      return { ...event, data: { ...rest, amount: Math.round(Number(euros) * 100) }, metadata: { ...event.metadata, schemaVersion: 1 } };
    },
  },
};
const upcastDonation = createUpcast({ DonationReceived: 1 }, registry);

describe('upcasting', () => {
  it('brings an old version to the current one, leaving the envelope as stored', () => {
    const old = recorded('DonationReceived', 0, { euros: '12.30', donor: 'APE' });

    const current = upcastDonation(old);

    expect(current.data).toEqual({ donor: 'APE', amount: 1230 });
    expect(current.metadata.schemaVersion).toBe(1);
    expect({ ...current, data: old.data, metadata: old.metadata }).toEqual(old);
    expect(old.data).toEqual({ euros: '12.30', donor: 'APE' });
  });

  it('passes current events through untouched', () => {
    const event = recorded('EntryReconciled', 1, { entryId: 'E1', statementDate: null });

    expect(upcast(event)).toBe(event);
  });

  it('refuses an old version it has no upcaster for, and a version newer than the program', () => {
    expect(() => upcast(recorded('EntryRecorded', 0, {}))).toThrow(/Aucun upcaster pour EntryRecorded v0/);
    expect(() => upcast(recorded('EntryRecorded', 2, {}))).toThrow(/plus récent/);
  });

  it('has every event type of the catalog at version 1, but QuitusInvited at 2', () => {
    expect(Object.keys(SCHEMA_VERSIONS)).toHaveLength(48);
    expect(Object.entries(SCHEMA_VERSIONS).filter(([, v]) => v !== 1)).toEqual([['QuitusInvited', 2]]);
  });

  it('reads a QuitusInvited v1 as a paper invitation (its code was shown to the mandataire)', () => {
    const v1 = { invitationId: 'i1', name: 'Élodie Durand', quality: 'parent', codeHash: 'a'.repeat(64), expiresOn: '2025-10-10' };

    const current = upcast(recorded('QuitusInvited', 1, v1));

    expect(current.data).toEqual({ ...v1, delivery: 'paper', sentTo: null });
    expect(current.metadata.schemaVersion).toBe(2);
  });
});
