using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost ml status [--family INSTANCE] [--json]</c>: the model family instance's config flag, the operator override
/// and the persisted governance decision; while a daemon runs, its live state from the daemon's <c>daemon.json</c>.
/// </summary>
internal static class MlStatus
{
    /// <summary><c>ml status --json</c>: states spelled as in daemon.json.</summary>
    private static readonly JsonSerializerOptions StatusOutput = new(CommonOptions.JsonOutput) { Converters = { StateJson.Instance } };

    /// <summary>
    /// The config flag, the override and the persisted governance; then, only while a daemon runs, every live fact (the
    /// instance's state, ml_state, mode, reasons, serving models) from its <c>daemon.json</c>, never from heartbeat text,
    /// which can be a heartbeat interval old.
    /// </summary>
    public static async Task<int> RunAsync(string? configPath, string? instance, bool json, CancellationToken cancellationToken)
    {
        var (loaded, broken) = OperatorConfig.Load(configPath);
        await using var session = await OfflineSession.OpenAsync(loaded, cancellationToken, start: false).ConfigureAwait(false);
        var handle = MlCommand.ModelFamily(session, instance);
        var flag = handle.Export.FeatureFlag;
        var enabled = handle.IsEnabled(session.Config);
        var governance = (await session.StartAsync(handle, cancellationToken).ConfigureAwait(false) as IOperatorControls)?.ReadGovernance();
        var daemon = DaemonLocator.Find(session.Paths);
        var live = daemon?.Record?.Families.FirstOrDefault(f => f.Name == handle.Name);
        var stateDir = Path.Combine(session.Paths.StateDir, handle.Name);
        var serving = daemon is null ? null : ServingSetStatus.Read(stateDir);
        if (serving is not null && live?.ServingModels is { } count)
        {
            // The count the daemon last reported; the file adds the models' ages and their _latest links.
            serving = serving with { Count = count, CountFromDaemon = true };
        }

        var (held, overrideError) = new OverrideSwitch(session.Paths, session.Clock).Read();
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                family = handle.Name,
                config = session.Config.SourcePath,
                config_error = broken,
                operator_override = held,
                operator_override_error = overrideError,
                flag = flag is null ? null : $"features.{flag}",
                enabled_by_config = enabled,
                governance,
                daemon = DaemonFacts(session.Config, session.Paths, daemon),
                state = live?.State,
                mode = live?.Mode,
                ml_state = live?.MlState,
                ml_detail = Detail(live),
                serving = ServingJson(serving),
            }, StatusOutput));
            return ExitCodes.Success;
        }

        if (daemon is null)
        {
            Console.WriteLine(NoDaemonLine(session.Paths));
        }

        Console.WriteLine($"family:     {handle.Name} ({handle.Plugin.AssemblyName} {handle.Plugin.Version})");
        var flags = $"{(flag is null ? "" : $"features.{flag}, ")}families.{handle.Name}.enabled -> {(enabled ? "ENABLED" : StateText.Of(FamilyState.DisabledConfig))}" +
            (enabled && held?.Disabled.Contains(handle.Name, StringComparer.Ordinal) == true ? "; held DISABLED_CONFIG by the operator override" : "");
        Console.WriteLine(broken is null
            ? $"config:     {session.Config.SourcePath}: {flags}"
            : $"config:     does not parse: {broken}; the daemon's configuration in force: {flags}");
        Console.WriteLine(held is not null ? $"override:   {held.Describe()}; clear with: alphahost ml enable --reason \"...\""
            : overrideError is not null ? $"override:   {overrideError}"
            : "override:   none");
        Console.WriteLine(governance is null ? "governance: none (the family has no breaker)"
            : governance.Disabled ? $"governance: DISABLED_GOVERNANCE since {OperatorText.Time(governance.DisabledAt)}: {governance.Reason}; model_errors={governance.ModelErrors}; reset with: alphahost ml reset-governance --reason \"...\""
            : $"governance: enabled; model_errors={governance.ModelErrors}{(governance.ResetAt is { } at ? $"; last reset {OperatorText.Time(at)}: {governance.ResetReason}" : "")}");
        if (daemon is null)
        {
            return ExitCodes.Success;
        }

        PrintDaemon(session.Config, session.Paths, daemon, handle.Name);
        PrintFamilyDetail(live);
        PrintServingSet(serving, stateDir);
        return ExitCodes.Success;
    }

    /// <summary>The first line of <c>ml status</c> when no daemon holds the runtime folder's lock (whatever an old <c>daemon.json</c> says).</summary>
    private static string NoDaemonLine(RuntimePaths paths) => DaemonFile.TryRead(paths.DaemonFile) is { } last
        ? $"no daemon is running on {paths.RuntimeDir}; last seen {OperatorText.Time(last.StoppedAt ?? last.UpdatedAt)} (pid {last.Pid}, {(last.Status == DaemonRunState.Stopped ? "stopped cleanly" : "ended without stopping")}); live state, ml_state and serving models are shown only while one runs"
        : $"no daemon is running on {paths.RuntimeDir}; none has run there ({paths.DaemonFile} missing)";

    /// <summary>The instance's state with its reason whenever it is not OK, as the heartbeat's detail field gives it.</summary>
    private static string? Detail(DaemonFamily? live) =>
        live is null || live.State == FamilyState.Ok ? null : $"{StateText.Of(live.State)}: {live.Detail ?? "(the family gave no detail)"}";

    /// <summary>The model family instance's ml_state in the daemon's record, with its mode and its reason whenever it is not OK.</summary>
    private static void PrintFamilyDetail(DaemonFamily? live)
    {
        if (live?.MlState is { } mlState)
        {
            Console.WriteLine($"ml_state:   {StateText.Of(mlState)}{(live.Mode == FamilyMode.Shadow ? " (shadow)" : "")}{(Detail(live) is { } detail ? $" ({live.Name}={detail})" : "")}");
        }
    }

    private static void PrintServingSet(ServingSetStatus? serving, string stateDir)
    {
        if (serving is null)
        {
            Console.WriteLine($"serving:    no serving set in {stateDir} (the daemon writes {ServingSetStatus.FileName} once it has loaded models)");
            return;
        }

        foreach (var line in serving.Describe())
        {
            Console.WriteLine(line);
        }
    }

    private static object? ServingJson(ServingSetStatus? serving) => serving is null ? null : new
    {
        file = serving.File,
        updated_at = serving.UpdatedAt,
        count = serving.Count,
        oldest_trained_at = serving.OldestTrainedAt,
        newest_trained_at = serving.NewestTrainedAt,
        differs_from_latest = serving.DiffersFromLatest.Select(d => new { symbol = d.Symbol, serving = d.Serving, latest = d.Latest }),
        refused = serving.Refused,
    };


    /// <summary>The daemon on the config's runtime folder, for <c>ml status --json</c>.</summary>
    private static object DaemonFacts(AlphaHostConfig config, RuntimePaths paths, RunningDaemon? daemon) =>
        daemon?.Record is not { } record
            ? new { running = daemon is not null, runtime_dir = paths.RuntimeDir, pid = (int?)null, serves_this_config = (bool?)null, record = (DaemonRecord?)null }
            : new { running = true, runtime_dir = paths.RuntimeDir, pid = (int?)record.Pid, serves_this_config = (bool?)daemon.Serves(config.SourcePath), record = (DaemonRecord?)record };

    /// <summary>The daemon on the config's runtime folder, as text lines of <c>ml status</c>.</summary>
    private static void PrintDaemon(AlphaHostConfig config, RuntimePaths paths, RunningDaemon? daemon, string instance)
    {
        if (daemon is null)
        {
            Console.WriteLine($"daemon:     none running on {paths.RuntimeDir}");
            return;
        }

        if (daemon.Record is not { } record)
        {
            Console.WriteLine($"daemon:     running on {paths.RuntimeDir} (pid unknown: {paths.DaemonFile} not written yet)");
            return;
        }

        var model = record.Families.FirstOrDefault(f => f.Name == instance);
        Console.WriteLine($"daemon:     running, pid {record.Pid} since {OperatorText.Time(record.StartedAt)}, version {record.Version}");
        Console.WriteLine($"            cycle {record.Cycle} (market date {record.MarketDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}) at {OperatorText.Time(record.UpdatedAt)}; " +
            $"state={(record.State is { } state ? StateText.Of(state) : "none")}{(record.Reasons.Count > 0 ? $" ({string.Join(",", record.Reasons)})" : "")}; " +
            $"{(model is null ? "no model family" : $"{model.Name}={StateText.Of(model.State)}")}");
        Console.WriteLine(daemon.Serves(config.SourcePath)
            ? $"            serves {record.Config}"
            : $"            serves {record.Config}, NOT {config.SourcePath}: ml disable/enable with this config are refused");
        if (record.ConfigError is { } error)
        {
            Console.WriteLine($"            refused the latest config edit: {error}");
        }

        foreach (var score in record.LiveScores)
        {
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"live:       {score.Family,-12} {score.Days,3} day(s) scored; rank IC 20d {Figure(score.RankIc20)} 60d {Figure(score.RankIc60)}; hit rate 20d {Figure(score.HitRate20)} 60d {Figure(score.HitRate60)}; {score.HorizonDays}-day rank IC 20d {Figure(score.HorizonRankIc20)} 60d {Figure(score.HorizonRankIc60)}"));
        }
    }

    private static string Figure(double? value) => value is { } v ? v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
