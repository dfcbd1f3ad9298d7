import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';

/**
 * A small keep-alive HTTP client for the load figures (autocannon's job, without the dependency):
 * `connections` sockets, each running its requests one after the other, on loopback.
 */
export interface Reply {
  status: number;
  /** Bytes received (gzipped when the server chose to). */
  size: number;
  /** The body decoded as UTF-8, on first use: a load loop does not decode (as autocannon does not). */
  readonly body: string;
  ms: number;
  headers: Record<string, string | string[] | undefined>;
}

export class BenchClient {
  private readonly agent: Agent;
  cookie = '';
  csrf = '';

  constructor(
    private readonly port: number,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            // As browsers do: the server may answer gzipped (the body getter inflates it).
            'accept-encoding': 'gzip',
            ...(this.cookie ? { cookie: this.cookie } : {}),
            ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', () => {
            const ms = performance.now() - started;
            let text: string | undefined;
            const gzipped = res.headers['content-encoding'] === 'gzip';
            const decode = (): string => (gzipped ? gunzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks)).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              size,
              get body() {
                return (text ??= decode());
              },
              ms,
              headers: res.headers,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async login(username: string, password: string): Promise<void> {
    const reply = await this.send('POST', '/api/login', { username, password });
    if (reply.status !== 200) throw new Error(`login ${username}: ${reply.status} ${reply.body.slice(0, 200)}`);
    const setCookie = reply.headers['set-cookie'];
    this.cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ');
    this.csrf = (JSON.parse(reply.body) as { csrfToken: string }).csrfToken;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** First non-2xx answer, to explain an error count. */
  firstError: string | null;
  seconds: number;
  perSecond: number;
  latencies: number[];
}

/**
 * `connections` loops share `total` requests; `next(i)` makes the i-th. Latencies are per request,
 * as the client saw them (queueing on the server included).
 */
export async function load(connections: number, total: number, next: (i: number) => Promise<Reply>): Promise<LoadResult> {
  let issued = 0;
  let errors = 0;
  let firstError: string | null = null;
  const latencies: number[] = [];
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (issued < total) {
      const i = issued++;
      const reply = await next(i);
      latencies.push(reply.ms);
      if (reply.status >= 300) {
        errors += 1;
        firstError ??= `${reply.status} ${reply.body.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const seconds = (performance.now() - started) / 1000;
  return { requests: total, errors, firstError, seconds, perSecond: total / seconds, latencies };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: number[]): number => percentile(values, 50);
