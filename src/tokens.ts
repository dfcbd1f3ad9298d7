/** Nest injection tokens for the ports (interfaces have no runtime value). */
export const EVENT_STORE = Symbol('EventStore');
export const READ_STORE = Symbol('ReadStore');
/** The `AccountStore` (src/users/account-store.ts): users, sessions, idempotency answers. */
export const ACCOUNT_STORE = Symbol('AccountStore');
export const CLOCK = Symbol('Clock');
export const CONFIG = Symbol('Config');
export const PROJECTOR = Symbol('Projector');
export const STREAM_WRITER = Symbol('StreamWriter');
/** An `AccountsInUse` read (src/reads/accounts-in-use.ts): what a chart change may not retire. */
export const ACCOUNTS_IN_USE = Symbol('AccountsInUse');
export const USER_DIRECTORY = Symbol('UserDirectory');
/** The `DocumentFiles` (src/blobs) the demo seed keeps its vouchers and bank files with. */
export const DOCUMENT_FILES = Symbol('DocumentFiles');
/** A `CoopDirectory` (http/auth/guards.ts), provided by the importing module from a read model. */
export const COOP_DIRECTORY = Symbol('CoopDirectory');
/** The `MessageStore` (src/messages/message-store.ts): every message recorded, the outbox. */
export const MESSAGE_STORE = Symbol('MessageStore');
/** The `BlobStore` (src/blobs) vouchers and bank files are kept in: the disk, or the server read store's database. */
export const BLOB_STORE = Symbol('BlobStore');
