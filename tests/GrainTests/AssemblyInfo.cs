// The tests share short lease and liveness timeouts; running classes one at a time keeps a busy
// 2-core machine from stalling a heartbeat or traffic loop past them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
