using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cli;

/// <summary>
/// The operator override of a runtime folder (<see cref="OperatorOverride"/>): the kill switch <c>ml disable</c> uses while
/// the config file does not parse, which the daemon reads before its config on every pass, and which <c>ml enable</c>
/// releases. Every change is recorded in <c>logs/operator.jsonl</c>; each method returns the line to print.
/// </summary>
/// <param name="paths">The daemon's runtime folder.</param>
/// <param name="clock">When a hold is taken.</param>
internal sealed class OverrideSwitch(RuntimePaths paths, TimeProvider clock)
{
    public string Path { get; } = OperatorOverride.PathIn(paths);

    /// <summary>What <c>ml disable/enable</c> tells when the daemon does not confirm: where the change is kept.</summary>
    public string Kept => $"the override is held in {Path}";

    /// <summary>Holds <paramref name="instances"/> disabled (with those already held), leaving the config file alone.</summary>
    public string Hold(IReadOnlyList<string> instances, string reason, string configPath)
    {
        var held = ReadOrThrow();
        var next = new OperatorOverride([.. (held?.Disabled ?? []).Union(instances, StringComparer.Ordinal)], reason,
            $"{Environment.UserName}@{Environment.MachineName}", clock.GetUtcNow());
        OperatorOverride.Write(Path, next);
        OperatorLog.Append(paths, clock, "ml disable", reason, new { @override = Path, held_disabled = next.Disabled, config = configPath });
        return $"{Path}: {string.Join(", ", instances)} held disabled ({reason}); the config file is left as it is";
    }

    /// <summary>Takes <paramref name="instances"/> out of the override (removing the file when none is left); null when it held none of them.</summary>
    public string? Release(IReadOnlyList<string> instances, string reason)
    {
        if (ReadOrThrow() is not { } held || !held.Disabled.Intersect(instances, StringComparer.Ordinal).Any())
        {
            return null;
        }

        var left = held.Disabled.Except(instances, StringComparer.Ordinal).ToList();
        OperatorOverride.Write(Path, held with { Disabled = left });
        OperatorLog.Append(paths, clock, "ml enable", reason, new { @override = Path, released = instances, held_disabled = left });
        return $"{Path}: override released for {string.Join(", ", instances)} ({reason}){(left.Count == 0 ? "" : $"; still held: {string.Join(", ", left)}")}";
    }

    /// <summary>The override held, or why the file cannot be read, for <c>ml status</c>.</summary>
    public (OperatorOverride? Held, string? Error) Read()
    {
        try
        {
            return (OperatorOverride.Read(Path), null);
        }
        catch (ConfigException ex)
        {
            return (null, ex.Message);
        }
    }

    private OperatorOverride? ReadOrThrow()
    {
        try
        {
            return OperatorOverride.Read(Path);
        }
        catch (ConfigException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}
