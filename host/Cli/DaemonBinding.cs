using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Cli;

/// <summary>
/// How an operator command reaches the daemon that serves its config: it looks in the config's runtime folder (the lock
/// says whether a daemon runs there, daemon.json which one), refuses when that daemon serves another config file, and
/// waits for the daemon to confirm a change through daemon.json.
/// </summary>
internal static class DaemonBinding
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>The daemon on the config's runtime folder, or null; a usage error when it serves another config file.</summary>
    public static RunningDaemon? Locate(AlphaHostConfig config)
    {
        var daemon = DaemonLocator.Find(RuntimePaths.From(config));
        if (daemon?.Record is { } record && !daemon.Serves(config.SourcePath))
        {
            throw new UsageException($"the daemon on {record.RuntimeDir} (pid {record.Pid}) serves {record.Config}, not {config.SourcePath}; " +
                "give --config " + record.Config + " (or edit that file), or give this config its own host.runtime_dir");
        }

        return daemon;
    }

    /// <summary>The default of <c>--timeout</c>: five cycles of the daemon, at least 10 s.</summary>
    public static TimeSpan DefaultTimeout(AlphaHostConfig config, RunningDaemon daemon)
    {
        var interval = daemon.Record is { CycleIntervalMs: > 0 } record ? TimeSpan.FromMilliseconds(record.CycleIntervalMs) : config.Host.CycleInterval;
        var cycles = 5 * interval;
        return cycles > TimeSpan.FromSeconds(10) ? cycles : TimeSpan.FromSeconds(10);
    }

    /// <summary>Parses <c>--timeout</c> (<c>30s</c>, <c>2m</c>, ...).</summary>
    public static TimeSpan? ParseTimeout(string? text) =>
        text is null ? null
        : DurationText.Parse(text) is { } value && value > TimeSpan.Zero ? value
        : throw new UsageException($"--timeout '{text}' is not a duration like 30s or 2m");

    /// <summary>
    /// Waits until the daemon's record shows the model family in the wanted state, in a cycle that began after the change
    /// (or at once when the state already differed from what it was before the change). Prints one line either way.
    /// </summary>
    /// <param name="daemon">The daemon found before the change.</param>
    /// <param name="before">Its record read right after the change was made.</param>
    /// <param name="wanted">What the family's state must satisfy, and how to say it.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The exit code: 0 confirmed, 1 not confirmed.</returns>
    public static async Task<int> WaitForAsync(RunningDaemon daemon, DaemonRecord? before, StateWanted wanted, TimeSpan timeout, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var baseline = before?.Cycle ?? 0;
        var heldBefore = before is not null && Met(before, wanted);
        DaemonRecord? last = before;
        while (true)
        {
            if (!RuntimeLock.IsHeld(daemon.Paths))
            {
                Console.Error.WriteLine($"error: the daemon (pid {daemon.PidText}) stopped before it confirmed {wanted.Description}; {wanted.Kept}, the next start applies it");
                return ExitCodes.CheckFailed;
            }

            last = DaemonFile.TryRead(daemon.Paths.DaemonFile) ?? last;
            if (last is not null && Met(last, wanted) && (!heldBefore || last.Cycle >= baseline + 2))
            {
                Console.WriteLine($"confirmed by the daemon (pid {last.Pid}) at cycle {last.Cycle}: {ModelFamilyText(last, wanted)}");
                return ExitCodes.Success;
            }

            if (clock.GetElapsedTime(started) >= timeout)
            {
                Console.Error.WriteLine($"error: the daemon (pid {daemon.PidText}) did not confirm {wanted.Description} within {DurationText.Format(timeout)}: {WhyNot(last, baseline, wanted)}; {wanted.Kept}");
                return ExitCodes.CheckFailed;
            }

            await Task.Delay(PollEvery, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The line printed when no daemon runs on the config's runtime folder.</summary>
    public static string NoDaemonLine(AlphaHostConfig config) =>
        $"no daemon is running on {RuntimePaths.From(config).RuntimeDir}: the change is in the file; the next start applies it";

    /// <summary>Whether every family instance the change is about (the first model family when it names none) is in the wanted state.</summary>
    private static bool Met(DaemonRecord record, StateWanted wanted) =>
        wanted.Families.Count == 0
            ? wanted.IsMet(record.Families.FirstOrDefault(f => f.IsModelFamily))
            : wanted.Families.All(name => wanted.IsMet(record.Families.FirstOrDefault(f => f.Name == name)));

    private static List<DaemonFamily> Shown(DaemonRecord record, StateWanted wanted) => wanted.Families.Count == 0
        ? record.Families.Where(f => f.IsModelFamily).Take(1).ToList()
        : record.Families.Where(f => wanted.Families.Contains(f.Name)).ToList();

    private static string ModelFamilyText(DaemonRecord record, StateWanted wanted)
    {
        var shown = Shown(record, wanted);
        return shown.Count == 0 ? "no model family loaded" : string.Join(", ", shown.Select(f => $"{f.Name} {StateText.Of(f.State)}"));
    }

    private static string WhyNot(DaemonRecord? record, long baseline, StateWanted wanted) => record switch
    {
        null => "its daemon.json cannot be read",
        { ConfigError: { } error } => $"it refused the config: {error}",
        _ when record.Cycle <= baseline => $"it completed no cycle since the change (still at cycle {record.Cycle}, status {StateText.Of(record.Status)})",
        _ when record.FamiliesCycle <= baseline => $"it ran no family since the change (cycle {record.Cycle}, state {(record.State is { } state ? StateText.Of(state) : "none")} {string.Join(",", record.Reasons)})",
        _ when Shown(record, wanted).FirstOrDefault(f => f is { Enabled: true, Running: false }) is { } starting =>
            $"at cycle {record.Cycle} {starting.Name} is enabled but not running yet ({starting.Detail ?? StateText.Of(starting.State)})",
        _ => $"at cycle {record.Cycle} it shows {ModelFamilyText(record, wanted)}",
    };
}

/// <summary>The model family state a change waits for.</summary>
/// <param name="Description">How the wait is described, e.g. <c>DISABLED_CONFIG</c>.</param>
/// <param name="IsMet">Whether the family as the daemon's record shows it (null: not in the record) satisfies it.</param>
internal sealed record StateWanted(string Description, Func<DaemonFamily?, bool> IsMet)
{
    /// <summary>The family instances that must all be in the state; empty: the first model family.</summary>
    public IReadOnlyList<string> Families { get; init; } = [];

    /// <summary>Where the change is kept, for a wait that ends unconfirmed: the config file, or the operator override.</summary>
    public string Kept { get; init; } = "the change is in the file";

    public static StateWanted Is(FamilyState state) => new(StateText.Of(state), f => f?.State == state);

    /// <summary>Out of <paramref name="state"/> and running: the state comes from its started worker, not one kept from before.</summary>
    public static StateWanted Leaves(FamilyState state) => new($"leaving {StateText.Of(state)}", f => f is { Running: true } && f.State != state);
}
