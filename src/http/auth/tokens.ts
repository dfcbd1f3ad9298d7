/** Injection tokens of the auth layer (the classes are also injectable by their own name). */
export const USER_DIRECTORY = Symbol('UserDirectory');
/** A `CoopDirectory` (guards.ts), provided by the importing module from a read model. */
export const COOP_DIRECTORY = Symbol('CoopDirectory');
