namespace AlphaHost.Host.Health;

/// <summary>What one cycle saw, for the heartbeat and the state rules.</summary>
internal sealed record CycleReport
{
    public long Cycle { get; init; }

    /// <summary>Whether a new trading day arrived this cycle.</summary>
    public bool MarketData { get; init; }

    public DateOnly? MarketDate { get; init; }

    public int FreshSymbols { get; init; }

    public int StaleSymbols { get; init; }

    public int UniverseSize { get; init; }

    public bool BenchmarkFresh { get; init; }

    public int RejectedBars { get; init; }

    public IReadOnlyList<FamilyStatus> Families { get; init; } = [];

    public bool ConfigRejected { get; init; }

    public bool SignalWriteFailed { get; init; }
}

/// <summary>A family's state after a cycle.</summary>
/// <param name="Name">Family name.</param>
/// <param name="Enabled">Whether config enables it.</param>
/// <param name="Failed">Whether it threw, overran or was quarantined this cycle.</param>
/// <param name="State">Heartbeat state name (OK, DEGRADED, DISABLED_CONFIG, DISABLED_GOVERNANCE, QUARANTINED).</param>
/// <param name="IsModelFamily">Whether it is reported as <c>ml_state</c>.</param>
/// <param name="ErrorCount">The family's own error count.</param>
internal sealed record FamilyStatus(string Name, bool Enabled, bool Failed, string State, bool IsModelFamily, long ErrorCount);
