/** Nest injection tokens for the ports (interfaces have no runtime value). */
export const EVENT_STORE = Symbol('EventStore');
export const READ_STORE = Symbol('ReadStore');
export const CLOCK = Symbol('Clock');
export const CONFIG = Symbol('Config');
export const PROJECTOR = Symbol('Projector');
