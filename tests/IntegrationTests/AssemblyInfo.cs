// Test collections (the shared server, the hooks server) run one after another: both drive real
// ffmpeg processes, and on a small machine running them side by side makes timing-sensitive
// tests (stalled players, hook timeouts, connection rates) flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
