using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Health;

/// <summary>
/// When the cycle loop counts as stalled: no pass (a cycle, or an idle poll for data) completed for longer than
/// <c>host.cycle_interval</c> + the largest family budget (<c>host.family_timeout</c> or a family's <c>timeout</c>)
/// + <c>host.init_timeout</c> (a hot reload initializes a family inside a cycle) + <see cref="Margin"/>. With the
/// defaults: 1 s + 0.5 s + 10 s + 10 s = 21.5 s. The heartbeat applies it on its own timer, so a loop that blocks is
/// seen even though nothing else runs.
/// </summary>
internal static class StallRule
{
    /// <summary>Slack for the rest of a pass: reading the config, scanning plugin folders, writing signals, a GC pause.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    public static TimeSpan Limit(AlphaHostConfig config)
    {
        var budget = config.Families.Values.Select(f => f.Timeout ?? config.Host.FamilyTimeout).Append(config.Host.FamilyTimeout).Max();
        return config.Host.CycleInterval + budget + config.Host.InitTimeout + Margin;
    }

    /// <summary>Whether the loop is stalled at <paramref name="now"/>; never before its first completed pass (start-up is HALTED anyway).</summary>
    public static bool IsStalled(DateTimeOffset? lastPass, DateTimeOffset now, TimeSpan limit) => lastPass is { } at && now - at > limit;
}
