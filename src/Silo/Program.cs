using OrleansLive.Silo;

await ServerApp.Build(args).RunAsync();
