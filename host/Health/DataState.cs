namespace AlphaHost.Host.Health;

/// <summary>Where the market feed stands, as the heartbeat's <c>data=</c> shows it; <see cref="DataSchedule"/> has the rule.</summary>
internal enum DataState
{
    /// <summary>The last cycle processed a new trading day (catching up, or the day that just arrived).</summary>
    Replaying,

    /// <summary>Caught up: the newest available day is processed and the next one is not overdue yet.</summary>
    Waiting,

    /// <summary>The next trading day is later than <c>market.max_data_delay</c> allows (or the feed never delivered a day): HALTED.</summary>
    Overdue,
}
