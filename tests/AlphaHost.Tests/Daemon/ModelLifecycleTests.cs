using System.Text.Json;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Families.MlAlpha;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary><c>models promote | rollback | history</c> from the command line, beside a running daemon and when killed part-way.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class ModelLifecycleTests : IDisposable
{
    private const int Sigterm = 15;
    private const int KilledBySigkill = 128 + 9;
    private const string Candidate = "AAA_v1_20990101_000000";
    private readonly TempDir _dir = new();
    private readonly string _config;
    private readonly string _trained;

    public ModelLifecycleTests()
    {
        // model_refresh of an hour: the daemon can only pick a switch up from the registry, not from its periodic scan.
        _config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: true, cycleInterval: "100ms", heartbeat: "300ms").Replace("model_refresh: 200ms", "model_refresh: 1h"));
        TrainedModels.CopyTo(Models);
        _trained = Store.CurrentFolder("AAA")!;
        TempDir.CopyDirectory(Path.Combine(Models, _trained), Path.Combine(Models, Candidate));
    }

    private string Models => _dir.File("models/ml_alpha");

    private ModelStore Store => new(Models, "v1", TimeProvider.System);

    [Fact]
    public async Task PromoteRollbackHistory_DaemonRunning_ServesEachSwitchedModelAtItsNextCycleAndLogsIt()
    {
        RecordBacktest(Models, ContentWith("AAA", Path.Combine(Models, Candidate)), "PASS");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", _config);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| ml_state=ENABLED|OK |")));

        await RunOkAsync("models", "promote", "AAA", "--to", Candidate, "--reason", "candidate passed burn-in");
        await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith($"Model AAA swapped: {_trained} -> {Candidate}", StringComparison.Ordinal)));
        await Poll.UntilAsync(() => ServingFolder("AAA") == Candidate);
        // Which model produced AAA's signal: the journal line names the set, the serving history its folders.
        await Poll.UntilAsync(() => FolderBehindLastSignal("AAA") == Candidate);
        Assert.Contains(HostProcess.ReadLog(host.LiveLog), l => Message(l).StartsWith("Model set set-", StringComparison.Ordinal) && Message(l).Contains(" serving: ", StringComparison.Ordinal));

        await RunOkAsync("models", "rollback", "AAA", "--reason", "live IC below expectation");
        await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith($"Model AAA swapped: {Candidate} -> {_trained}", StringComparison.Ordinal)));
        await Poll.UntilAsync(() => ServingFolder("AAA") == _trained);

        var history = await RunOkAsync("models", "history", "AAA", "--json");
        using var json = JsonDocument.Parse(history);
        var switches = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["train", "promote", "rollback"], switches.Select(s => s.GetProperty("action").GetString()));
        Assert.Equal((_trained, Candidate), (switches[1].GetProperty("from").GetString(), switches[1].GetProperty("to").GetString()));
        Assert.Equal((Candidate, _trained), (switches[2].GetProperty("from").GetString(), switches[2].GetProperty("to").GetString()));
        Assert.Equal("candidate passed burn-in", switches[1].GetProperty("reason").GetString());
        Assert.Equal(Environment.UserName, switches[1].GetProperty("user").GetString());
        Assert.Contains($"models promote AAA --to {Candidate} --reason 'candidate passed burn-in'", switches[1].GetProperty("command").GetString());
        Assert.Equal(64, switches[2].GetProperty("to_sha256").GetString()!.Length);
        Assert.Equal(2, File.ReadLines(_dir.File("runtime/logs/operator.jsonl")).Count(l => l.Contains("\"models ", StringComparison.Ordinal)));
        var status = await RunOkAsync("ml", "status");
        Assert.Matches(@"live:       momentum +\d+ day\(s\) scored; rank IC 20d -?\d\.\d{4} 60d -?\d\.\d{4}; hit rate 20d \d\.\d{4}", status);
        Assert.Contains("live:       combined", status);

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Promote_FolderOfACandidatesModelsFolder_CopiesItInWithItsBacktests()
    {
        var candidate = _dir.File("models/ml_candidate");
        TempDir.CopyDirectory(Path.Combine(Models, Candidate), Path.Combine(candidate, "AAA_v1_20990202_000000"));
        var content = ContentWith("AAA", Path.Combine(candidate, "AAA_v1_20990202_000000"));
        RecordBacktest(candidate, content, "PASS");

        var output = await RunOkAsync("models", "promote", "AAA", "--to", "models/ml_candidate/AAA_v1_20990202_000000", "--reason", "candidate passed burn-in");

        Assert.Equal("AAA_v1_20990202_000000", Store.CurrentFolder("AAA"));
        Assert.Contains($"copied AAA_v1_20990202_000000 from {candidate}; 1 backtest line(s) carried from its backtests.jsonl", output);
        var carried = Assert.Single(AlphaHost.Host.Backtest.BacktestExpectation.Journal(Models).Read());
        Assert.Equal((content, "PASS", new DateOnly(2017, 12, 29)), (carried.ModelContent, carried.Verdict, carried.TrainingEnd));
    }

    [Theory]
    [InlineData("FAIL")]
    [InlineData("none")]
    public async Task Promote_ModelsWithoutAPassingBacktest_ExitsOneNamingModelRecordAndVerdict_NothingChanged(string verdict)
    {
        var content = ContentWith("AAA", Path.Combine(Models, Candidate));
        // An older PASS of the same models does not count: the newest backtest of them is what the burn-in reads too.
        RecordBacktest(Models, content, "PASS", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        if (verdict == "FAIL")
        {
            RecordBacktest(Models, content, "FAIL");
        }
        else
        {
            File.Delete(AlphaHost.Host.Backtest.BacktestExpectation.Journal(Models).Path);
            RecordBacktest(Models, "sha256-other-models", "PASS");
        }

        var journal = File.ReadAllBytes(Store.Journal.Path);

        var (exit, promote) = await HostProcess.RunAsync(_dir.Path, "models", "promote", "AAA", "--to", Candidate, "--reason", "by hand", "--config", _config);
        using var _ = promote;

        Assert.Equal(1, exit);
        var line = Assert.Single(promote.Stderr.Trim().Split('\n'));
        Assert.Contains($"AAA -> {Candidate}", line);
        Assert.Contains(content[..19], line);
        Assert.Contains(verdict == "FAIL" ? "is FAIL: 2026-12-01T00:00:00Z over 2018-01-02..2018-12-31" : "no backtest of the models it would serve", line);
        Assert.Contains("--force", line);
        Assert.Equal(_trained, Store.CurrentFolder("AAA"));
        Assert.Equal(journal, File.ReadAllBytes(Store.Journal.Path));
        Assert.False(File.Exists(_dir.File("runtime/logs/operator.jsonl")));
    }

    [Fact]
    public async Task Promote_FailedBacktestWithForce_PromotesWarnsAndRecordsTheOverrideInTheSwitchJournal()
    {
        RecordBacktest(Models, ContentWith("AAA", Path.Combine(Models, Candidate)), "FAIL");

        var (exit, promote) = await HostProcess.RunAsync(_dir.Path, "models", "promote", "AAA", "--to", Candidate, "--force", "--reason", "hotfix, backtest rerun pending", "--config", _config);
        using var _ = promote;

        Assert.True(exit == 0, promote.Stdout + promote.Stderr);
        Assert.StartsWith($"warning: AAA -> {Candidate}: the latest backtest of the models it would serve (sha256-", promote.Stderr.Trim());
        Assert.Contains("is FAIL", promote.Stderr);
        Assert.Equal(Candidate, Store.CurrentFolder("AAA"));
        var entry = Store.Journal.Read()[^1];
        Assert.Equal(("promote", Candidate), (entry.Action, entry.To));
        Assert.StartsWith("hotfix, backtest rerun pending [--force: AAA -> ", entry.Reason);
        Assert.Contains("is FAIL", entry.Reason);
    }

    [Theory]
    [InlineData("NOT_A_FOLDER", "model folder not found")]
    [InlineData("AAB", "not a model folder of AAA")]
    [InlineData("BROKEN", "HASH MISMATCH")]
    public async Task Promote_BadFolder_ExitsTwoWithOneLine_LinkJournalAndOperatorLogUnchanged(string folder, string expected)
    {
        if (folder == "BROKEN")
        {
            File.WriteAllText(Path.Combine(Models, Candidate, ModelStore.ModelFile), "tampered");
        }

        var to = folder switch { "BROKEN" => Candidate, "AAB" => Store.CurrentFolder("AAB")!, _ => folder };
        var journal = File.ReadAllBytes(Store.Journal.Path);

        var (exit, promote) = await HostProcess.RunAsync(_dir.Path, "models", "promote", "AAA", "--to", to, "--reason", "try", "--config", _config);
        using var _ = promote;

        Assert.Equal(2, exit);
        Assert.Contains(expected, promote.Stderr);
        Assert.Single(promote.Stderr.Trim().Split('\n'));
        Assert.Equal(_trained, Store.CurrentFolder("AAA"));
        Assert.Equal(journal, File.ReadAllBytes(Store.Journal.Path));
        Assert.False(File.Exists(_dir.File("runtime/logs/operator.jsonl")));
    }

    [Theory]
    [InlineData(nameof(SwitchPoint.BeforeJournal))]
    [InlineData(nameof(SwitchPoint.AfterJournal))]
    [InlineData(nameof(SwitchPoint.AfterLink))]
    public async Task Promote_KilledAtEachStep_LinkAndJournalAgreeOrTheSameCommandCompletesIt(string step)
    {
        // The promotion the command makes, in a process of its own that kills itself (SIGKILL) at the step; then the command.
        RecordBacktest(Models, ContentWith("AAA", Path.Combine(Models, Candidate)), "PASS");
        string[] promote = ["models", "promote", "AAA", "--to", Candidate, "--reason", "drill", "--config", _config];
        using (var killed = HostProcess.StartChild(_dir.Path, TestChild.PromoteKilledAt, Models, "AAA", Candidate, step))
        {
            Assert.Equal(KilledBySigkill, await killed.WaitForExitAsync());
        }

        var last = Store.Journal.Read()[^1];
        var (recorded, linked) = (last.Target == "AAA" && last.Action == "promote", Store.CurrentFolder("AAA"));
        switch (step)
        {
            case nameof(SwitchPoint.BeforeJournal):
                Assert.Equal((false, _trained), (recorded, linked));
                break;
            case nameof(SwitchPoint.AfterJournal):
                // The recoverable state: the switch is recorded, the link still names the model it came from.
                Assert.Equal((true, _trained), (recorded, linked));
                Assert.Equal(_trained, last.From);
                break;
            default:
                Assert.Equal((true, Candidate), (recorded, linked));
                break;
        }

        await RunOkAsync(promote[..^2]);

        Assert.Equal(Candidate, Store.CurrentFolder("AAA"));
        Assert.Single(Store.Journal.Read(), e => e.Action == "promote");
        Assert.Equal(Candidate, Store.Journal.Read()[^1].To);
        Assert.Empty(Directory.GetFileSystemEntries(Models, ".tmp-*"));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The content hash a backtest records for the models served once <paramref name="target"/>'s latest points at
    /// <paramref name="folder"/>, worked out from the files: each symbol, its model.zip's SHA-256 and its metadata's
    /// meta_sha256, in symbol order.
    /// </summary>
    private string ContentWith(string target, string folder)
    {
        var folders = Store.LatestEntries().ToDictionary(e => e.Symbol, e => Path.Combine(Models, Store.CurrentFolder(e.Symbol)!));
        folders[target] = folder;
        var text = string.Concat(folders.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f =>
        {
            using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(f.Value, ModelStore.MetaFile)));
            var model = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(f.Value, ModelStore.ModelFile))));
            return $"{f.Key}:{model}:{meta.RootElement.GetProperty("meta_sha256").GetString()}\n";
        }));
        return "sha256-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    private static void RecordBacktest(string modelsDir, string content, string verdict, DateTimeOffset? at = null) =>
        AlphaHost.Host.Backtest.BacktestExpectation.Journal(modelsDir).Append(new AlphaHost.Host.Backtest.BacktestExpectation
        {
            At = at ?? new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            Family = "ml_alpha",
            ModelVersion = "set-0123456789ab",
            ModelContent = content,
            ModelDir = modelsDir,
            TrainingEnd = new DateOnly(2017, 12, 29),
            Window = new AlphaHost.Abstractions.DatePeriod(new DateOnly(2018, 1, 2), new DateOnly(2018, 12, 31)),
            Days = 250,
            RankIcMean = 0.02,
            RankIcStd = 0.1,
            NetSharpe = verdict == "PASS" ? 1.2 : 0.3,
            Verdict = verdict,
            Report = "reports/backtest_2018",
        });

    private async Task<string> RunOkAsync(params string[] args)
    {
        var (exit, process) = await HostProcess.RunAsync(_dir.Path, [.. args, "--config", _config]);
        using var _ = process;
        Assert.True(exit == 0, $"alphahost {string.Join(' ', args)}: exit {exit}\n{process.Stdout}{process.Stderr}");
        return process.Stdout;
    }

    private string? ServingFolder(string symbol)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(_dir.File("runtime/state/ml_alpha/serving.json")));
            return document.RootElement.GetProperty("models").GetProperty(symbol).GetProperty("folder").GetString();
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    private string? FolderBehindLastSignal(string symbol)
    {
        try
        {
            var journal = Directory.GetFiles(_dir.File("runtime/signals"), "signals_*.jsonl").Order(StringComparer.Ordinal).Last();
            var line = File.ReadLines(journal).Where(l => l.Contains($"\"symbol\":\"{symbol}\"", StringComparison.Ordinal)).Last();
            var version = JsonDocument.Parse(line).RootElement.GetProperty("models").GetProperty("ml_alpha").GetString();
            var set = File.ReadLines(_dir.File("runtime/state/ml_alpha/serving_history.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
                .Last(s => s.GetProperty("model_version").GetString() == version);
            return set.GetProperty("models").GetProperty(symbol).GetProperty("folder").GetString();
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;
}
