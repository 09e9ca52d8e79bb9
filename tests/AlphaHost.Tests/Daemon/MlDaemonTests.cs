using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>The ML family in the built daemon: trained by <c>alphahost train</c>, served, tripped by governance, persisted.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class MlDaemonTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Train_Run_DriftTripsGovernance_DecisionSurvivesRestart_OperatorResetsAndDisablesWithoutRestart()
    {
        var config = WriteConfig(mlEnabled: true);
        string original;
        var (trainExit, train) = await HostProcess.RunAsync(_dir.Path, "train", "--config", config, "--symbols", "AAA,AAB,AAC");
        using (train)
        {
            Assert.True(trainExit == 0, train.Stdout + train.Stderr);
            Assert.Contains("trained 3, skipped 0", train.Stdout);
        }

        var (validateExit, validate) = await HostProcess.RunAsync(_dir.Path, "models", "validate", "--config", config);
        var (auditExit, audit) = await HostProcess.RunAsync(_dir.Path, "audit", "--symbols", "AAA,AAB,AAC", "--out", "reports/audit.json", "--config", config);
        using (validate)
        using (audit)
        {
            Assert.Equal((0, 0), (validateExit, auditExit));
            Assert.EndsWith("3 OK, 0 bad", validate.Stdout.Trim());
        }

        // The audit is recorded in the config's runtime folder, where the daemon's metrics and dashboard read it.
        var recorded = Assert.Single(Directory.GetFiles(_dir.Path, Host.Observability.AuditJournal.FileName, SearchOption.AllDirectories));
        var record = Host.Observability.AuditJournal.Newest(Path.GetDirectoryName(recorded)!);
        Assert.Equal((Path.Combine(_dir.Path, "reports", "audit.json"), 3, "PASS"), (record!.Report, record.TotalSymbols, record.Verdict));

        using (var host = HostProcess.Start(_dir.Path, "run", "--config", config))
        {
            var serving = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| ml_state=ENABLED|OK |") && Message(l).Contains("| data=REPLAYING | models=3")));
            Assert.Equal(3, serving.Count(l => Message(l).StartsWith("Model AA", StringComparison.Ordinal) && Message(l).Contains(" loaded: AA", StringComparison.Ordinal)));
            await Poll.UntilAsync(() => MlContribution(host, "AAA") != 0.0);
            var (statusExit, status) = await HostProcess.RunAsync(_dir.Path, "ml", "status", "--config", config);
            using (status)
            {
                Assert.Equal(0, statusExit);
                Assert.Contains("serving:    3 model(s) (daemon.json); in ", status.Stdout);
                Assert.Contains("serving.json: trained ", status.Stdout);
                Assert.Contains("_latest:    in the models folder: every serving model in serving.json is its symbol's _latest", status.Stdout);
            }

            var metaPath = Path.Combine(_dir.Path, "models", "ml_alpha", "AAA_v1_latest", "model_meta.json");
            original = File.ReadAllText(metaPath);
            ModelFiles.DropFeatures(metaPath, 4);
            var lines = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| ml_state=DISABLED_GOVERNANCE |")));

            var heartbeat = Message(lines.Last(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("DISABLED_GOVERNANCE")));
            Assert.Matches(@"\| state=DEGRADED \| ml_state=DISABLED_GOVERNANCE \| model_errors=[3-9]\d* \|", heartbeat);
            Assert.Contains("| models=0 | ml_alpha=DISABLED_GOVERNANCE: disabled by governance since ", heartbeat);
            var (disabledStatusExit, disabledStatus) = await HostProcess.RunAsync(_dir.Path, "ml", "status", "--config", config, "--json");
            using (disabledStatus)
            {
                Assert.Equal(0, disabledStatusExit);
                using var json = JsonDocument.Parse(disabledStatus.Stdout);
                Assert.Equal("DISABLED_GOVERNANCE", json.RootElement.GetProperty("ml_state").GetString());
                Assert.StartsWith("DISABLED_GOVERNANCE: disabled by governance since ", json.RootElement.GetProperty("ml_detail").GetString());
                // The daemon's own count (daemon.json), as the heartbeat's models=0: a set held off by governance serves nothing.
                Assert.Equal(0, json.RootElement.GetProperty("serving").GetProperty("count").GetInt32());
            }

            Assert.Contains(HostProcess.ReadLog(host.LiveLog), l => Message(l).StartsWith("Model AAA swapped: AAA_v1_", StringComparison.Ordinal));
            var errors = HostProcess.ReadLog(host.ErrorLog);
            var mismatches = errors.Where(e => Field(e, "status") == "FEATURE_MISMATCH").ToList();
            Assert.Equal(3, mismatches.Count);
            Assert.All(mismatches, e =>
            {
                Assert.Equal(("ML_GOVERNANCE", "AAA", "ml_v1"), (Field(e, "plugin_component"), Field(e, "symbol"), Field(e, "model")));
                Assert.Equal(("plugin", "ml_alpha", "ml_alpha"), (Field(e, "origin"), Field(e, "family"), Field(e, "component")));
                Assert.Equal((24, 28), (e.GetProperty("expected_count").GetInt32(), e.GetProperty("provided_count").GetInt32()));
                Assert.Equal(24, e.GetProperty("details").GetProperty("expected").GetInt32());
            });
            var disabled = Assert.Single(errors, e => Field(e, "status") == "DISABLED_BY_GOVERNANCE");
            Assert.Equal(("CRITICAL", "FEATURE_MISMATCH"), (Field(disabled, "level"), Field(disabled, "reason")));

            await Poll.UntilAsync(() => MlContribution(host, "AAB") == 0.0 && Contribution(host, "AAB", "momentum") != 0.0);
            host.SendSignal(Sigterm);
            Assert.Equal(0, await host.WaitForExitAsync());
        }

        File.Delete(Path.Combine(_dir.Path, "runtime", "logs", "live.jsonl"));
        using (var restarted = HostProcess.Start(_dir.Path, "run", "--config", config))
        {
            var lines = await restarted.WaitForLogAsync(lines => lines.Count(AfterFirstCycle) >= 2);

            Assert.All(lines.Where(AfterFirstCycle), l => Assert.Contains("| ml_state=DISABLED_GOVERNANCE |", Message(l)));
            Assert.Contains(lines, l => Message(l).StartsWith("DISABLED_BY_GOVERNANCE: model ml_v1 is disabled since", StringComparison.Ordinal));

            // The runbook's recovery, on the running daemon: fix the model, reset with a reason, then an emergency disable.
            File.WriteAllText(Path.Combine(_dir.Path, "models", "ml_alpha", "AAA_v1_latest", "model_meta.json"), original);
            var (resetExit, reset) = await HostProcess.RunAsync(_dir.Path, "ml", "reset-governance", "--reason", "metadata restored", "--config", config);
            reset.Dispose();
            Assert.Equal(0, resetExit);
            lines = await restarted.WaitForLogAsync(lines => lines.Any(l => AfterFirstCycle(l) && Message(l).Contains("| ml_state=ENABLED|OK |")));
            Assert.Contains(lines, l => Message(l).StartsWith("GOVERNANCE_RESET: model ml_v1 re-enabled by an operator: metadata restored", StringComparison.Ordinal));

            var (disableExit, disable) = await HostProcess.RunAsync(_dir.Path, "ml", "disable", "--reason", "rollback drill", "--config", config);
            disable.Dispose();
            Assert.Equal(0, disableExit);
            await restarted.WaitForLogAsync(lines => lines.Any(l => AfterFirstCycle(l) && Message(l).Contains("| ml_state=DISABLED_CONFIG |")));
            restarted.SendSignal(Sigterm);
            Assert.Equal(0, await restarted.WaitForExitAsync());
            var final = HostProcess.ReadLog(restarted.LiveLog).Last(HostProcess.IsHeartbeat);
            Assert.True(final.GetProperty("final").GetBoolean());
            Assert.Contains("| ml_state=DISABLED_CONFIG |", Message(final));
        }

        // The models learned from the first 1,500 sample days (to 2020-10-01): backtest the months after.
        var (backtestExit, backtest) = await HostProcess.RunAsync(_dir.Path, "backtest", "--model-dir", "models/ml_alpha", "--start", "2020-10-05", "--end", "2021-06-30", "--out", "reports/bt", "--config", config);
        using (backtest)
        {
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "reports", "bt", "report.json")));
            var verdict = report.RootElement.GetProperty("verdict").GetString();
            var passed = report.RootElement.GetProperty("acceptance").EnumerateArray().All(c => c.GetProperty("passed").GetBoolean());
            Assert.Equal(passed ? "PASS" : "FAIL", verdict);
            Assert.Equal(passed ? 0 : 1, backtestExit);
            Assert.All(new[] { "report.md", "equity.png", "drawdown.png" }, f => Assert.True(File.Exists(Path.Combine(_dir.Path, "reports", "bt", f)), f));
        }
    }

    [Fact]
    public async Task Run_GovernanceDisabledBeforeStart_HeartbeatsSayItBeforeTheFirstCycle()
    {
        var config = WriteConfig(mlEnabled: true);
        // A start budget no loaded test machine exhausts: the families' states are published once their starts are over.
        File.WriteAllText(config, File.ReadAllText(config).Replace("\nhost:\n", "\nhost:\n  init_timeout: 120s\n"));
        Assert.Contains("init_timeout: 120s", File.ReadAllText(config));
        var state = Path.Combine(_dir.Path, "runtime", "state", "ml_alpha", "governance.json");
        var hash = AlphaHost.Tests.Families.MlAlpha.TrainedModels.Contract.Hash;
        new AlphaHost.Plugins.MlAlpha.Governance.GovernanceBreaker(state, "ml_v1", hash, new(1, TimeSpan.FromMinutes(5)), TimeProvider.System).RecordFailure("FEATURE_MISMATCH");

        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        // The heartbeat that announces the started families comes before the first cycle (a timed one may also fall
        // in between: it was composed before or after the families were published, so look for the announcing one).
        var lines = await host.WaitForLogAsync(lines => AfterPluginsLoaded(lines).Any(l => AfterFirstCycle(l)));

        var beforeFirstCycle = AfterPluginsLoaded(lines).Where(HostProcess.IsHeartbeat).TakeWhile(l => l.GetProperty("Cycles").GetInt64() == 0).ToList();
        var first = beforeFirstCycle.FirstOrDefault(l => Message(l).Contains("ml_alpha:DISABLED_GOVERNANCE"));
        Assert.True(first.ValueKind == JsonValueKind.Object, $"no heartbeat between 'Plugins loaded' and the first cycle says ml_alpha:DISABLED_GOVERNANCE ({beforeFirstCycle.Count} heartbeat(s) there: {string.Join(" / ", beforeFirstCycle.Select(Message))})");
        Assert.Contains("| ml_state=DISABLED_GOVERNANCE |", Message(first));
        Assert.Contains("| state=HALTED |", Message(first));
        Assert.Contains("| reasons=starting", Message(first));
    }

    [Fact]
    public async Task Run_MlDisabledByConfig_ReportsDisabledConfigAndLoadsNoModel()
    {
        var config = WriteConfig(mlEnabled: false);
        Directory.CreateDirectory(Path.Combine(_dir.Path, "models", "ml_alpha", "AAA_v1_latest"));

        var (exitCode, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "5");
        using var _ = host;

        Assert.Equal(0, exitCode);
        var lines = HostProcess.ReadLog(host.LiveLog);
        Assert.Contains("| ml_state=DISABLED_CONFIG | model_errors=0 |", Message(lines.Last(HostProcess.IsHeartbeat)));
        Assert.DoesNotContain(lines, l => Field(l, "component") == "ml_alpha" && !Message(l).Contains("[HEARTBEAT]"));
    }

    [Theory]
    [InlineData("--symbols,NOPE", "error: unknown symbol(s) NOPE: not in sample")]
    [InlineData("--symbols,../etc", "error: '../ETC' is not a valid symbol")]
    [InlineData("--symbols,AAA,--start,2019-01-01,--end,2018-01-01", "error: --start 2019-01-01 is after --end 2018-01-01")]
    [InlineData("--symbols,AAA,--end,yesterday", "error: --end 'yesterday' is not a date (yyyy-MM-dd)")]
    [InlineData("--all,--symbols,AAA", "error: give either --symbols A,B,... or --all")]
    [InlineData("--all,--data,/nonexistent/bars", "error: /nonexistent/bars: bar folder not found")]
    public async Task Train_BadInput_ExitsTwoWithOneLineAndWritesNothing(string args, string expected)
    {
        var config = WriteConfig(mlEnabled: false);

        var (exitCode, host) = await HostProcess.RunAsync(_dir.Path, ["train", "--config", config, .. args.Split(',')]);
        using var _ = host;

        Assert.Equal(2, exitCode);
        Assert.StartsWith(expected, host.Stderr);
        Assert.Single(host.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "models")));
    }

    public void Dispose() => _dir.Dispose();

    private string WriteConfig(bool mlEnabled) => _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled, cycleInterval: "100ms", heartbeat: "300ms"));

    private static double MlContribution(HostProcess host, string symbol) => Contribution(host, symbol, "ml_alpha");

    private static double Contribution(HostProcess host, string symbol, string family)
    {
        try
        {
            using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
            return latest.RootElement.GetProperty("signals").GetProperty(symbol).GetProperty("contributions").GetProperty(family).GetDouble();
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return double.NaN;
        }
    }

    private static IEnumerable<JsonElement> AfterPluginsLoaded(IReadOnlyList<JsonElement> lines) =>
        lines.SkipWhile(l => !Message(l).StartsWith("Plugins loaded: ", StringComparison.Ordinal));

    private static bool AfterFirstCycle(JsonElement line) => HostProcess.IsHeartbeat(line) && line.GetProperty("Cycles").GetInt64() > 0;

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;

    private static string? Field(JsonElement line, string name) => line.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
