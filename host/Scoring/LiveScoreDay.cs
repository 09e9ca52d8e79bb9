namespace AlphaHost.Host.Scoring;

/// <summary>
/// One line of a stream's <c>live_scores.jsonl</c>: what the day <see cref="Date"/> told about earlier signals. The
/// next-day figures score the signals of <see cref="SignalDate"/> (the trading day before) against the close-to-close
/// return to <see cref="Date"/>; the horizon figures score the signals of <see cref="HorizonSignalDate"/>
/// (<see cref="HorizonDays"/> trading days before) against the return over those days. Null figures: not scored.
/// </summary>
internal sealed record LiveScoreDay
{
    /// <summary>The trading day whose close realised the returns.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>The family instance, or <c>combined</c>.</summary>
    public required string Family { get; init; }

    /// <summary>The trading day of the signals scored next-day.</summary>
    public required DateOnly SignalDate { get; init; }

    /// <summary>The family's model version that produced those signals (null for a family without models, and for <c>combined</c>).</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The bytes of those models (<see cref="AlphaHost.Abstractions.FamilyHealth.ModelContent"/>): what the burn-in looks its backtest up by.</summary>
    public string? ModelContent { get; init; }

    /// <summary>Symbols in the next-day cross-section (0: the family gave no signals that day).</summary>
    public int Symbols { get; init; }

    public double? RankIc { get; init; }

    public double? HitRate { get; init; }

    public int HorizonDays { get; init; }

    public DateOnly? HorizonSignalDate { get; init; }

    public int HorizonSymbols { get; init; }

    public double? HorizonRankIc { get; init; }

    public double? HorizonHitRate { get; init; }

    /// <summary>Whether any cycle of <see cref="SignalDate"/> found the family disabled by its governance.</summary>
    public bool GovernanceTripped { get; init; }

    /// <summary>The family's own error count (cumulative, as its health reports it) at the last cycle of <see cref="SignalDate"/>.</summary>
    public long ModelErrors { get; init; }

    /// <summary>When the line was written (wall clock).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Whether the next-day cross-section was large enough to be scored.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Scored => Symbols >= LiveScorer.MinSymbols;
}
