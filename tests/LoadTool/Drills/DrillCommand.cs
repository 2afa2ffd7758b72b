namespace OrleansLive.LoadTool.Drills;

/// <summary>The load tool's <c>soak</c> and <c>chaos</c> commands: run the drill, print its report,
/// exit 0 when every check passed, 1 when one failed, 2 on bad options.</summary>
public static class DrillCommand
{
    public static async Task<int> RunAsync(string drill, string[] args)
    {
        var usage = drill == "soak" ? SoakOptions.Usage : ChaosOptions.Usage;
        if (args.Length > 0 && args[0] is "-h" or "--help")
        {
            Console.WriteLine(usage);
            return 0;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            if (drill == "soak")
            {
                var result = await new SoakDrill(SoakOptions.Parse(args), Console.Out).RunAsync(cancel.Token);
                Console.Write(SoakDrill.Report(result));
                return result.Passed ? 0 : 1;
            }
            var chaos = await new ChaosDrill(ChaosOptions.Parse(args), Console.Out).RunAsync(cancel.Token);
            Console.Write(ChaosDrill.Report(chaos));
            return chaos.Passed ? 0 : 1;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(usage);
            return 2;
        }
    }
}
