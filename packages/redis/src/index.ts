/**
 * @signet/redis: a Redis replay store (core `ReplayStore`) for Signet verifiers running on several machines.
 * The Redis client is yours (node-redis, ioredis or @upstash/redis); this package imports none.
 * @packageDocumentation
 */
export { redisReplayStore } from './replay-store.ts'
export type { RedisReplayStoreOptions } from './replay-store.ts'
export { nodeRedisAdapter, ioredisAdapter, upstashAdapter } from './adapters.ts'
export type { RedisAdapter, RedisClientLike, NodeRedisLike, IoredisLike, UpstashLike } from './adapters.ts'
