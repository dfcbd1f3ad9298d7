import { type CountersOf, type ThrottlePolicy } from './login-throttle';

/** The account store's collection of password-reset requests (apart from login failures: their windows differ). */
export const RESET_REQUESTS = 'reset_requests';

/**
 * Password-reset requests, throttled by the login's LoginThrottle: every request counts (the
 * username known or not, a link sent or not), `blockAfter` per username from any address and
 * `untrustedBlockAfter` per address whatever the username, within `windowMs`. Past either, no
 * message leaves — the answer stays 202, so the limit tells nothing of who exists.
 */
export const RESET_REQUEST_THROTTLE: Partial<ThrottlePolicy> = { windowMs: 60 * 60 * 1000, blockAfter: 5, untrustedBlockAfter: 20 };

export const resetRequestCounters: CountersOf = ({ username, ip }, { blockAfter, untrustedBlockAfter }) => [
  { key: `reset-user:${username.toLowerCase()}`, threshold: blockAfter, delays: false },
  { key: `reset-address:${ip}`, threshold: untrustedBlockAfter, delays: false },
];
