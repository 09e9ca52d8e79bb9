using System.Text.Json;
using AlphaHost.Tests.Families.MlAlpha;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>
/// <c>ml status</c> tells one truth: the running daemon's <c>daemon.json</c>, never the text of the last heartbeat (which
/// can be up to a heartbeat interval old), and, with no daemon running, says so and shows no live state.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class MlStatusTests : IDisposable
{
    private const int Sigterm = 15;

    /// <summary>Long enough that the commands of a test run between two heartbeats.</summary>
    private const string Heartbeat = "20s";

    private const string Candidate = "  ml_candidate:\n    family: ml_alpha\n    mode: shadow\n    enabled: false\n    models_dir: models/ml_candidate\n    model_refresh: 200ms\n    training:\n      scope: symbol\n      trees: 20\n";

    private readonly TempDir _dir = new();

    private string Deployment => Path.Combine(_dir.Path, "deploy");

    private string Config => Path.Combine(Deployment, "golden.yaml");

    [Fact]
    public async Task MlStatus_RightAfterAConfirmedDisable_ShowsDisabledConfigAndNoEnabledMlState()
    {
        Deploy(candidate: false);
        using var daemon = HostProcess.Start(Deployment, "run", "--config", Config);
        await daemon.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| ml_state=ENABLED|", StringComparison.Ordinal)));

        var (disableExit, disable) = await HostProcess.RunAsync(Deployment, "ml", "disable", "--reason", "incident 11", "--config", Config);
        using (disable)
        {
            Assert.True(disableExit == 0, disable.Stdout + disable.Stderr);
            Assert.Contains($"confirmed by the daemon (pid {daemon.Id})", disable.Stdout);
        }

        var status = await StatusAsync();
        Assert.DoesNotContain("ENABLED|", status, StringComparison.Ordinal);
        Assert.Contains(Lines(status), l => l.StartsWith("ml_state:   DISABLED_CONFIG", StringComparison.Ordinal));

        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task MlStatus_NoDaemonRunning_SaysSoFirstAndShowsNoMlStateNorServingSet()
    {
        Deploy(candidate: false);
        var (runExit, run) = await HostProcess.RunAsync(Deployment, "run", "--config", Config, "--cycles", "40");
        run.Dispose();
        Assert.Equal(0, runExit);
        Assert.True(File.Exists(Path.Combine(Deployment, "runtime", "state", "ml_alpha", "serving.json")));

        var lines = Lines(await StatusAsync());

        Assert.StartsWith($"no daemon is running on {Path.Combine(Deployment, "runtime")}; last seen ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("config:     ", StringComparison.Ordinal) && l.EndsWith("-> ENABLED", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("governance: enabled", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("ml_state:", StringComparison.Ordinal) || l.StartsWith("serving:", StringComparison.Ordinal) || l.StartsWith("heartbeat:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MlStatusFamily_ShadowInstanceEnabledSinceTheLastHeartbeat_ShowsItsRunningStateAndShadow()
    {
        Deploy(candidate: true);
        using var daemon = HostProcess.Start(Deployment, "run", "--config", Config);
        await daemon.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("ml_candidate:DISABLED_CONFIG(shadow)", StringComparison.Ordinal)));

        var (enableExit, enable) = await HostProcess.RunAsync(Deployment, "ml", "enable", "--family", "ml_candidate", "--reason", "burn-in", "--config", Config);
        using (enable)
        {
            Assert.True(enableExit == 0, enable.Stdout + enable.Stderr);
            Assert.Contains($"confirmed by the daemon (pid {daemon.Id})", enable.Stdout);
        }

        var status = await StatusAsync("--family", "ml_candidate");
        Assert.DoesNotContain("DISABLED_CONFIG(shadow)", status, StringComparison.Ordinal);
        Assert.Contains(Lines(status), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ml_state:   ENABLED\|(OK|DEGRADED) \(shadow\)"));

        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    public void Dispose() => _dir.Dispose();

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private async Task<string> StatusAsync(params string[] more)
    {
        var (exit, status) = await HostProcess.RunAsync(Deployment, ["ml", "status", "--config", Config, .. more]);
        using (status)
        {
            Assert.True(exit == 0, status.Stdout + status.Stderr);
            return status.Stdout;
        }
    }

    private void Deploy(bool candidate)
    {
        TrainedModels.CopyTo(Path.Combine(Deployment, "models", "ml_alpha"));
        if (candidate)
        {
            TrainedModels.CopyTo(Path.Combine(Deployment, "models", "ml_candidate"));
        }

        Directory.CreateDirectory(Deployment);
        File.WriteAllText(Config, TestConfigs.Golden(mlEnabled: true, "100ms", Heartbeat) + (candidate ? Candidate : ""));
    }
}
