using System.CommandLine;
using System.Diagnostics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Cli;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Market;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Families.MlAlpha;

namespace AlphaHost.Tests.Support;

/// <summary>
/// The test assembly's own entry point (<c>dotnet AlphaHost.Tests.dll ROLE ARGS</c>, started by
/// <see cref="HostProcess.StartChild"/>): a real process running host or plugin code with a seam the built
/// <c>alphahost</c> does not offer, for the process tests that need one. Production code reads no variable for them.
/// </summary>
internal static class TestChild
{
    /// <summary><c>run ...</c>: the daemon, whose market is still loading when a signal comes (it never finishes).</summary>
    public const string DaemonWithMarketStillLoading = "daemon-with-market-still-loading";

    /// <summary><c>MODELS TARGET FOLDER POINT</c>: promotes FOLDER for TARGET in MODELS, and the process kills itself (SIGKILL) at POINT of the switch.</summary>
    public const string PromoteKilledAt = "promote-killed-at";

    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case DaemonWithMarketStillLoading:
                var root = new RootCommand("alphahost, its market loading until the process ends") { RunCommand.Create(MarketStillLoading) };
                return await root.Parse(args[1..]).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
            case PromoteKilledAt when args.Length == 5:
                var point = Enum.Parse<SwitchPoint>(args[4]);
                var store = new ModelStore(args[1], "v1", TimeProvider.System, reached => KillSelfAt(point, reached));
                var registry = new ModelRegistry(store, TrainedModels.Contract, Path.Combine(args[1], "no-serving.json"));
                registry.Promote(args[2], Path.Combine(args[1], args[3]), new SwitchOrigin(Environment.UserName, "drill", $"{PromoteKilledAt} {args[4]}"));
                return 0;
            default:
                await Console.Error.WriteLineAsync($"usage: {DaemonWithMarketStillLoading} run ARGS | {PromoteKilledAt} MODELS TARGET FOLDER POINT");
                return 2;
        }
    }

    private static IMarketFeed MarketStillLoading(AlphaHostConfig config)
    {
        Thread.Sleep(Timeout.Infinite);
        throw new UnreachableException();
    }

    private static void KillSelfAt(SwitchPoint point, SwitchPoint reached)
    {
        if (reached == point)
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
        }
    }
}
