import { SignetError } from '@signet/core'

/**
 * The one operation the replay store needs: `SET key 1 NX PX ttlMs`, atomically.
 * Resolves `true` when the key was set (first use), `false` when it already existed (a replay);
 * rejects when Redis could not answer. Write your own for another client.
 */
export interface RedisAdapter {
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>
}

/** The part of a `redis` (node-redis v4, v5, v6) client or cluster the store uses. */
export interface NodeRedisLike {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<unknown>
}

/** The part of an `ioredis` client or cluster the store uses. */
export interface IoredisLike {
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>
}

/** The part of an `@upstash/redis` client (REST over HTTP, for edge runtimes) the store uses. */
export interface UpstashLike {
  set(key: string, value: string, options: { nx: true; px: number }): Promise<unknown>
}

/** Any client {@link redisReplayStore} recognizes by its shape, or an explicit adapter. */
export type RedisClientLike = RedisAdapter | NodeRedisLike | IoredisLike | UpstashLike

/** `SET … NX` answers `OK` when it set the key and nil when the key existed; anything else is an error. */
function setReply(reply: unknown, client: string): boolean {
  if (reply === 'OK') return true
  if (reply === null || reply === undefined) return false
  throw new Error(`${client}: unexpected reply to SET NX: ${typeof reply === 'string' ? JSON.stringify(reply.slice(0, 64)) : typeof reply}`)
}

/** Adapter for a `redis` (node-redis ≥ 4) client or cluster: `client.set(key, '1', { NX: true, PX })`. */
export function nodeRedisAdapter(client: NodeRedisLike): RedisAdapter {
  return {
    setIfAbsent: async (key, ttlMs) => setReply(await client.set(key, '1', { NX: true, PX: ttlMs }), 'node-redis'),
  }
}

/** Adapter for an `ioredis` client or cluster: `client.set(key, '1', 'PX', ttl, 'NX')`. */
export function ioredisAdapter(client: IoredisLike): RedisAdapter {
  return {
    setIfAbsent: async (key, ttlMs) => setReply(await client.set(key, '1', 'PX', ttlMs, 'NX'), 'ioredis'),
  }
}

/** Adapter for an `@upstash/redis` client: `redis.set(key, '1', { nx: true, px })` over HTTP. */
export function upstashAdapter(client: UpstashLike): RedisAdapter {
  return {
    setIfAbsent: async (key, ttlMs) => setReply(await client.set(key, '1', { nx: true, px: ttlMs }), '@upstash/redis'),
  }
}

type Probe = Record<string, unknown>

/**
 * Picks the adapter from the client's shape. The three libraries have different `set` signatures
 * but distinctive members: ioredis has `defineCommand` and a string `status`; node-redis has
 * `sendCommand` and a boolean `isOpen`; @upstash/redis has `pipeline`, `use` and no `sendCommand`.
 */
export function toAdapter(client: RedisClientLike): RedisAdapter {
  if (client === null || (typeof client !== 'object' && typeof client !== 'function')) {
    throw new SignetError('invalid_input', `redisReplayStore needs a Redis client or adapter, received ${client === null ? 'null' : typeof client}`)
  }
  const c = client as unknown as Probe
  if (typeof c.setIfAbsent === 'function') return client as RedisAdapter
  if (typeof c.set === 'function') {
    if (typeof c.defineCommand === 'function' && typeof c.status === 'string') return ioredisAdapter(client as IoredisLike)
    if (typeof c.sendCommand === 'function' && typeof c.isOpen === 'boolean') return nodeRedisAdapter(client as NodeRedisLike)
    if (typeof c.pipeline === 'function' && typeof c.use === 'function' && typeof c.sendCommand !== 'function') return upstashAdapter(client as UpstashLike)
  }
  throw new SignetError(
    'invalid_input',
    'redisReplayStore could not recognize this Redis client; wrap it: nodeRedisAdapter(client), ioredisAdapter(client), upstashAdapter(client), or pass { setIfAbsent(key, ttlMs) }',
  )
}
