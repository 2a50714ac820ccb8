/**
 * Scale-out: pairs executed on many machines through BullMQ on Redis. `QueueExecutor` is the producer
 * side of the PairExecutor seam; `ShardWorker` is what `coderm worker` runs on each executor machine.
 */
export { QueueExecutor, type QueueExecutorOptions, type QueueRunStats } from "./producer.js";
export { QueueSet } from "./queue-set.js";
export { checkRedis, DEFAULT_QUEUE, type RedisInfo, type RedisTarget, redisTarget } from "./redis.js";
export { DEFAULT_SHARD_LIMITS, type ShardLimits } from "./shards.js";
export { type ShardRunner, ShardWorker, type ShardWorkerOptions, type WorkerInfo } from "./worker.js";
