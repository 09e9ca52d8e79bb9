using AlphaHost.Abstractions;

namespace AlphaHost.Host.Health;

/// <summary>What the last cycle that processed a trading day saw, for the heartbeat and the state rules.</summary>
internal sealed record CycleReport
{
    /// <summary>The cycle's number: trading days processed since start (idle polls do not count).</summary>
    public long Cycle { get; init; }

    public DateOnly? MarketDate { get; init; }

    public int FreshSymbols { get; init; }

    public int StaleSymbols { get; init; }

    /// <summary>The stale symbols (no new bar, or a repeated one: <see cref="Market.RepeatedBarsRule"/>), in ordinal order.</summary>
    public IReadOnlyList<string> StaleNames { get; init; } = [];

    public int UniverseSize { get; init; }

    public bool BenchmarkFresh { get; init; }

    public int RejectedBars { get; init; }

    public IReadOnlyList<FamilyStatus> Families { get; init; } = [];

    public bool ConfigRejected => ConfigError is not null;

    /// <summary>The error of the config file the daemon refused at this pass (<c>file:line:col: ...</c>); null when none is refused.</summary>
    public string? ConfigError { get; init; }

    public bool SignalWriteFailed { get; init; }

    /// <summary>Every family's and the combined signal's rolling live scores after this day.</summary>
    public IReadOnlyList<Scoring.LiveScore> LiveScores { get; init; } = [];

    /// <summary>Each family's mean |weight x signal| over the cycle's symbols (<see cref="Cycle.CombinedSignals.MeanAbsContributions"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Contributions { get; init; } = [];

    /// <summary>The combiner's mode and the weights this cycle was combined by; null before the first cycle.</summary>
    public Combining.CombinerView? Combiner { get; init; }
}

/// <summary>A family's state after a cycle.</summary>
/// <param name="Name">Family name.</param>
/// <param name="Enabled">Whether config enables it.</param>
/// <param name="Failed">Whether it threw, overran or was quarantined this cycle.</param>
/// <param name="State">Its state: the host's verdict (disabled by config, quarantined, failed) over the family's own.</param>
/// <param name="IsModelFamily">Whether it is reported as <c>ml_state</c>.</param>
/// <param name="ErrorCount">The family's own error count.</param>
/// <param name="Detail">Why it is not OK: the host's failure reason, else the family's own <see cref="FamilyHealth.Detail"/>.</param>
/// <param name="ServingModels">The models it serves (<see cref="FamilyHealth.ServingModels"/>); null for a family without models.</param>
internal sealed record FamilyStatus(string Name, bool Enabled, bool Failed, FamilyState State, bool IsModelFamily, long ErrorCount,
    string? Detail = null, int? ServingModels = null)
{
    /// <summary>Runs in <c>mode: shadow</c>: computed and scored, no part of the combined signal.</summary>
    public bool Shadow { get; init; }

    /// <summary>A model family's drift PSI per feature (<see cref="FamilyHealth.FeatureDrift"/>); null when it has none.</summary>
    public IReadOnlyList<KeyValuePair<string, double>>? FeatureDrift { get; init; }

    /// <summary>
    /// <see cref="State"/> comes from its started endpoint: its answer, or the host's verdict on a cycle that ran it (failed,
    /// overran, quarantined); false while it starts or is stopped, when a state can only be a leftover. What an operator
    /// command waits for before it confirms that an enabled family runs.
    /// </summary>
    public bool Running { get; init; }
}
