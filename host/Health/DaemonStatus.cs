using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Http;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market.Calendars;

namespace AlphaHost.Host.Health;

/// <summary>
/// The daemon's status at one moment: the one typed record every rendering is made from (the heartbeat line,
/// <c>daemon.json</c>, <c>/api/status</c>, <c>/health/ready</c>, the status metrics and the alerts; <c>ml status</c>
/// reads <c>daemon.json</c>). Built by <see cref="Of"/> from what the cycle loop published (<see cref="HostStatus"/>),
/// the config in force and the clock; immutable, so that the parts of one rendering agree. States stay enums here and
/// become text only in <see cref="StateText"/>.
/// </summary>
internal sealed record DaemonStatus
{
    /// <summary>When the record was built.</summary>
    public required DateTimeOffset At { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary><see cref="DaemonRunState.Starting"/> until the cycle loop's first pass, then <see cref="DaemonRunState.Running"/>.</summary>
    public required DaemonRunState Run { get; init; }

    /// <summary>Trading days processed since start.</summary>
    public required long Cycles { get; init; }

    /// <summary>The last cycle that processed a trading day; null before the first.</summary>
    public CycleReport? LastDay { get; init; }

    /// <summary>The newest trading day processed (or, before any this run, the one the feed is past).</summary>
    public DateOnly? MarketDate { get; init; }

    public required SystemState State { get; init; }

    /// <summary>Why <see cref="State"/> is not OK (empty when OK), in the order the rules found them.</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>How many symbols and which, while <see cref="Reasons"/> holds <see cref="StateRules.StaleSymbolsReason"/>; null otherwise.</summary>
    public StaleSymbols? Stale { get; init; }

    /// <summary>The heartbeat's <c>ml_state</c>: the model family's own instance (<see cref="StateRules.Model"/>).</summary>
    public required ModelState MlState { get; init; }

    public required long ModelErrors { get; init; }

    /// <summary>Every family as the loop last ran it (or loaded it, before the first cycle).</summary>
    public required IReadOnlyList<FamilyStatus> Families { get; init; }

    /// <summary>Every model family instance, shadow ones included, each with its own <c>ml_state</c>.</summary>
    public IReadOnlyList<ModelInstance> ModelInstances => [.. Families.Where(f => f.IsModelFamily).Select(ModelInstance.Of)];

    /// <summary>The models the families serve, summed (the heartbeat's <c>models</c>).</summary>
    public int ServingModels => Families.Sum(f => f.ServingModels ?? 0);

    /// <summary>The feed's state after the loop's last pass; null before the first pass.</summary>
    public DataState? Data { get; init; }

    /// <summary>While waiting or overdue: the session waited for, when it is due and when it is overdue.</summary>
    public DataDue? Next { get; init; }

    /// <summary>The loop's last completed pass, when the stall rule says it stopped completing passes.</summary>
    public DateTimeOffset? StalledSince { get; init; }

    public required HttpListenState Http { get; init; }

    public required IReadOnlyList<LogFileFault> LogFaults { get; init; }

    /// <summary>The operator override held in the runtime folder (the kill switch used while the config did not parse).</summary>
    public OperatorOverride? Override { get; init; }

    /// <summary>The error of the config file the daemon refused (reason <c>config_rejected</c>); null once a good one is accepted.</summary>
    public string? ConfigError { get; init; }

    /// <summary>p50 and p99 of the last 1,024 cycle times, in milliseconds.</summary>
    public required (double P50, double P99) Latency { get; init; }

    public TimeSpan Uptime => At - StartedAt;

    /// <summary>The combiner's mode and the weights of the last cycle; null before the first.</summary>
    public Combining.CombinerView? Combiner => LastDay?.Combiner;

    /// <summary>The status now.</summary>
    public static DaemonStatus Of(HostStatus status, AlphaHostConfig config, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var (inputs, lastPass, dataDate) = status.Read();
        var stalled = StallRule.IsStalled(lastPass, now, StallRule.Limit(config));
        var (state, reasons) = StateRules.Evaluate(inputs with { Stalled = stalled }, config.Host.MaxStaleFraction);
        var logFaults = status.LogFaults;
        IReadOnlyList<string> faults =
        [
            .. logFaults.Select(f => "log_fault:" + f.File),
            .. status.HttpEndpoint.State == HttpState.Failed ? ["http_unavailable"] : Array.Empty<string>(),
            .. status.FdExhausted ? ["fd_exhausted"] : Array.Empty<string>(),
        ];
        if (faults.Count > 0)
        {
            state = state == SystemState.Ok ? SystemState.Degraded : state;
            reasons = [.. reasons, .. faults];
        }

        var report = inputs.LastDay;
        var (mlState, modelErrors) = StateRules.Model(inputs.Families);
        return new DaemonStatus
        {
            At = now,
            StartedAt = status.StartedAt,
            Run = report is null && status.Cycles == 0 && inputs.Data is null ? DaemonRunState.Starting : DaemonRunState.Running,
            Cycles = status.Cycles,
            LastDay = report,
            MarketDate = report?.MarketDate ?? dataDate,
            State = state,
            Reasons = reasons,
            Stale = report is not null && reasons.Contains(StateRules.StaleSymbolsReason) ? StaleSymbols.Of(report) : null,
            MlState = mlState,
            ModelErrors = modelErrors,
            Families = inputs.Families,
            Data = inputs.Data,
            Next = inputs.Data is DataState.Waiting or DataState.Overdue && dataDate is { } last
                ? DataSchedule.Next(ExchangeCalendars.Named(config.Market.Calendar), last, config.Market.MaxDataDelay)
                : null,
            StalledSince = stalled ? lastPass : null,
            Http = status.HttpEndpoint,
            LogFaults = logFaults,
            Override = config.Override,
            ConfigError = inputs.ConfigRejected ? status.ConfigError : null,
            Latency = status.Latency(),
        };
    }
}

/// <summary>One model family instance in the status record.</summary>
/// <param name="Name">The instance (<c>families.&lt;instance&gt;</c>).</param>
/// <param name="MlState">Its own <c>ml_state</c>.</param>
/// <param name="Mode">Live or shadow.</param>
/// <param name="ServingModels">The models it serves, as it last reported them.</param>
internal sealed record ModelInstance(string Name, ModelState MlState, FamilyMode Mode, int? ServingModels)
{
    public static ModelInstance Of(FamilyStatus family) =>
        new(family.Name, StateRules.ModelStateOf(family.State), family.Shadow ? FamilyMode.Shadow : FamilyMode.Live, family.ServingModels);
}
