import { Command, type CommandBus } from '@nestjs/cqrs';
import { ProjectedCommandBus, type ProjectionsFollower } from '../../src/commands/projected-command-bus';
import { type Outcome } from '../../src/commands/stream-writer';

class Anything extends Command<Outcome<string>> {}

/** A bus whose handler answers `outcome`, and projections that say which positions were awaited. */
function harness(outcome: Outcome<string>) {
  const awaited: bigint[] = [];
  let release: () => void = () => undefined;
  const projections: ProjectionsFollower = {
    waitFor: (position) => {
      awaited.push(position);
      return new Promise<void>((resolve) => (release = resolve));
    },
  };
  const bus = { execute: async () => outcome } as unknown as CommandBus;
  return { projected: new ProjectedCommandBus(bus, projections), awaited, release: () => release() };
}

describe('ProjectedCommandBus: the answer waits for the read models, the handler does not', () => {
  it('resolves with the outcome once the projections have applied its position', async () => {
    const outcome = { answer: 'after', revision: 3, position: 42n, appended: 1 };
    const { projected, awaited, release } = harness(outcome);
    let answered = false;
    const answer = projected.execute(new Anything()).then((result) => {
      answered = true;
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(awaited).toEqual([42n]);
    expect(answered).toBe(false);
    release();
    await expect(answer).resolves.toBe(outcome);
  });

  it('does not wait when the command appended nothing', async () => {
    const outcome = { answer: 'same', revision: 3, position: null, appended: 0 };
    const { projected, awaited } = harness(outcome);
    await expect(projected.execute(new Anything())).resolves.toBe(outcome);
    expect(awaited).toEqual([]);
  });
});
