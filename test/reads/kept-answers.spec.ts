import { KeptAnswers } from '../../src/reads/frozen';

describe('answers kept within a budget of bytes', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('drops the least recently used beyond the budget, weighing each answer once it resolves', async () => {
    const kept = new KeptAnswers<number, string>(10, (answer) => answer.length);
    void kept.keep('a', 1, Promise.resolve('aaaa'));
    void kept.keep('b', 1, Promise.resolve('bbbb'));
    await settle();
    kept.get('a');
    void kept.keep('c', 1, Promise.resolve('cccc'));
    await settle();

    expect(kept.get('b')).toBeUndefined();
    expect(await kept.get('a')?.answer).toBe('aaaa');
    expect(await kept.get('c')?.answer).toBe('cccc');
  });

  it('keeps the newest answer even when it alone is over budget, and forgets one that failed', async () => {
    const kept = new KeptAnswers<number, string>(3, (answer) => answer.length);
    void kept.keep('small', 1, Promise.resolve('ab'));
    void kept.keep('large', 1, Promise.resolve('a large answer'));
    await settle();
    expect(kept.get('small')).toBeUndefined();
    expect(await kept.get('large')?.answer).toBe('a large answer');

    const failing = kept.keep('failing', 1, Promise.reject(new Error('store unreachable')));
    await failing.catch(() => undefined);
    await settle();
    expect(kept.get('failing')).toBeUndefined();
  });

  it('weighs an answer kept again under a new version once, not twice', async () => {
    const kept = new KeptAnswers<number, string>(8, (answer) => answer.length);
    const answer = Promise.resolve('abcd');
    void kept.keep('a', 1, answer);
    await settle();
    void kept.keep('a', 2, answer);
    void kept.keep('b', 1, Promise.resolve('efgh'));
    await settle();

    expect(kept.get('a')?.version).toBe(2);
    expect(await kept.get('b')?.answer).toBe('efgh');
  });
});
