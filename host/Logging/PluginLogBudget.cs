namespace AlphaHost.Host.Logging;

/// <summary>How much one family may log: events per second (a one-second burst) and bytes per cycle; beyond either, its events are dropped and counted.</summary>
internal sealed record PluginLogBudget(int EventsPerSecond, int BytesPerCycle);
