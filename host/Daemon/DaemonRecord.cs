using AlphaHost.Abstractions;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Daemon;

/// <summary>
/// <c>runtime/daemon.json</c>: what the daemon that owns a runtime folder says about itself, for operator commands and
/// scripts. Written by the daemon only, replaced atomically; whether the daemon still runs is told by the lock, not by
/// this file (<see cref="Status"/> stays <c>running</c> after a <c>kill -9</c>). Rendered from the status record
/// (<see cref="DaemonStatus"/>) by <see cref="DaemonStatusMapping"/>; its states are enums, written as
/// <see cref="StateText"/> spells them (<see cref="StateJson"/>).
/// </summary>
internal sealed record DaemonRecord
{
    /// <summary><c>starting</c> (lock taken, no cycle yet), <c>running</c>, or <c>stopped</c> (clean stop).</summary>
    public required DaemonRunState Status { get; init; }

    public required int Pid { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? StoppedAt { get; init; }

    public required string Version { get; init; }

    /// <summary>The full path of the config file the daemon serves.</summary>
    public required string Config { get; init; }

    /// <summary>SHA-256 of the config text in force (changes when the daemon accepts an edit).</summary>
    public string? ConfigHash { get; init; }

    /// <summary>The error of a saved config the daemon refused (the previous one stays in force); null when none.</summary>
    public string? ConfigError { get; init; }

    /// <summary>The operator override in force (<c>ml disable</c> while the config does not parse); null when none.</summary>
    public Configuration.OperatorOverride? OperatorOverride { get; init; }

    public required string RuntimeDir { get; init; }

    public required string PluginsDir { get; init; }

    /// <summary>The model family's models folder as that family reports it; null without a model family.</summary>
    public string? ModelsDir { get; init; }

    /// <summary>The configured pause between cycles, in milliseconds.</summary>
    public double CycleIntervalMs { get; init; }

    public long Cycle { get; init; }

    public DateOnly? MarketDate { get; init; }

    /// <summary>The feed's state as the heartbeat's <c>data=</c> shows it (<c>REPLAYING</c>, <c>WAITING</c>, <c>OVERDUE</c>), with the session it waits for.</summary>
    public DaemonData? Data { get; init; }

    /// <summary><c>OK</c>, <c>DEGRADED</c> or <c>HALTED</c>, as the heartbeat says it.</summary>
    public SystemState? State { get; init; }

    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>While <see cref="Reasons"/> holds <c>stale_symbols</c>: how many symbols were stale and the first of them; null otherwise.</summary>
    public StaleSymbols? StaleSymbols { get; init; }

    /// <summary>The heartbeat's <c>ml_state</c>: the model family's own instance; each instance's is in <see cref="DaemonFamily.MlState"/>.</summary>
    public ModelState? MlState { get; init; }

    /// <summary>The cycle the family states come from (a cycle without market data runs no family).</summary>
    public long FamiliesCycle { get; init; }

    public IReadOnlyList<DaemonFamily> Families { get; init; } = [];

    /// <summary>The HTTP endpoint: its state and the address it listens on (a configured port 0 resolved to the bound one).</summary>
    public Http.HttpListenState? Http { get; init; }

    /// <summary>Each family's and the combined signal's rolling live rank IC and hit rate against realised next-day returns.</summary>
    public IReadOnlyList<Scoring.LiveScore> LiveScores { get; init; } = [];
}

/// <summary>The feed's state and, while it waits, the next session: when its bars are due and when they are overdue.</summary>
internal sealed record DaemonData(DataState State, DateOnly? Next, DateTimeOffset? Due, DateTimeOffset? OverdueAt);

/// <summary>One family as the daemon last ran it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Enabled">Whether the config in force enables it.</param>
/// <param name="State">Its heartbeat state (OK, DEGRADED, DISABLED_CONFIG, DISABLED_GOVERNANCE, QUARANTINED).</param>
/// <param name="IsModelFamily">Whether it is the one <c>ml</c> commands act on.</param>
/// <param name="Detail">The family's own detail line, when it gives one.</param>
internal sealed record DaemonFamily(string Name, bool Enabled, FamilyState State, bool IsModelFamily, string? Detail)
{
    /// <summary><c>live</c>, or <c>shadow</c> for a family computed and scored but left out of the combined signal.</summary>
    public FamilyMode Mode { get; init; } = FamilyMode.Live;

    /// <summary>A model family instance's own <c>ml_state</c> (<c>ENABLED|OK</c>, <c>ENABLED|DEGRADED</c>, <c>DISABLED_CONFIG</c>,
    /// <c>DISABLED_GOVERNANCE</c>), spelled by <see cref="StateText"/>; null for a family that is not a model family.</summary>
    public ModelState? MlState { get; init; }

    /// <summary>The models a model family instance serves, as it last reported them; null when it reports none.</summary>
    public int? ServingModels { get; init; }

    /// <summary><see cref="State"/> comes from its started worker (its answer, or the verdict on a cycle that ran it); false while it starts or is stopped.</summary>
    public bool Running { get; init; }
}
