using System.Text.Json;
using OrleansLive.LoadTool;
using OrleansLive.LoadTool.Drills;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(LoadOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}
if (args[0] is "soak" or "chaos")
{
    return await DrillCommand.RunAsync(args[0], args[1..]);
}
if (args[0] == "report")
{
    var results = args.Skip(1).Select(path => JsonSerializer.Deserialize<LoadResult>(File.ReadAllText(path), LoadResult.Json)!).ToList();
    Console.Write(ReportTable.Markdown(results));
    return 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args[0] == "run" ? args[1..] : args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var result = await new LoadRunner(options, Console.Out).RunAsync(cancel.Token);
Console.WriteLine(ReportTable.Summary(result));
if (options.JsonPath is { } json)
{
    await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, LoadResult.Json));
}
return result.PlayersFailed > 0 && result.PlayersGotFrames == 0 && result.Players > 0 ? 1 : 0;
