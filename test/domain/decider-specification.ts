/**
 * Given/when/then over a decider, in the style of Emmett's DeciderSpecification:
 *   spec.given(events).when(command).then(expectedEvents)
 *   spec.given(events).when(command).thenThrows('CODE')
 * The environment (today, chart, previous year…) comes from a default that a spec can override
 * per command: .when(command, { today: '2025-09-02' }).
 */
export interface Decider<Command, Event, State, Env> {
  decide(command: Command, state: State, env: Env): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface Thrown {
  code: string;
  message: string;
  field?: string;
  kind?: string;
  details?: Record<string, unknown>;
  errors?: Thrown[];
}

export interface Then<Event, State> {
  /** The command produced exactly these events. */
  then(expected: Event[]): void;
  /** The command produced events that pass the given assertions (for events holding computed parts). */
  thenEvents(assert: (events: Event[], state: State) => void): void;
  /** The command was accepted and changed nothing. */
  thenNothingHappens(): void;
  /**
   * The command was refused with this code (for a ValidationFailed: one of its field errors
   * carries it). Returns the error for further assertions on its message or fields.
   */
  thenThrows(code: string): Thrown;
}

export const DeciderSpecification = {
  for<Command, Event, State, Env>(decider: Decider<Command, Event, State, Env>, defaultEnv: Env) {
    return {
      given(events: Event[]) {
        return {
          when(command: Command, env: Partial<Env> = {}): Then<Event, State> {
            const state = events.reduce(decider.evolve, decider.initialState());
            const run = (): Event[] => decider.decide(command, state, { ...defaultEnv, ...env });
            return {
              then(expected) {
                expect(run()).toEqual(expected);
              },
              thenEvents(assert) {
                assert(run(), state);
              },
              thenNothingHappens() {
                expect(run()).toEqual([]);
              },
              thenThrows(code) {
                let thrown: unknown;
                try {
                  run();
                } catch (error) {
                  thrown = error;
                }
                if (thrown === undefined) throw new Error(`expected the command to be refused with ${code}, it was accepted`);
                const error = thrown as Thrown;
                if (typeof error.code !== 'string') throw thrown;
                const codes = [error.code, ...(error.errors ?? []).map((e) => e.code)];
                expect(codes).toContain(code);
                return error;
              },
            };
          },
        };
      },
    };
  },
};
