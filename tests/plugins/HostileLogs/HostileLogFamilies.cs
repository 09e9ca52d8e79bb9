using AlphaHost.Abstractions;
using Microsoft.Extensions.Logging;

namespace AlphaHost.TestPlugins.HostileLogs;

/// <summary>
/// Families whose log events try to speak for the host, or drown it: each signals 0.25 for every symbol every cycle
/// and logs its hostile events in every computation, through the logger the host handed it.
/// </summary>
public abstract class HostileLogFamily : IAlphaFamily
{
    private ILogger? _logger;

    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        _logger = context.Logger;
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        Log(_logger!, snapshot.Cycle);
        return ValueTask.FromResult(new FamilySignals(snapshot.Symbols.ToDictionary(s => s.Symbol, _ => 0.25)));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected abstract void Log(ILogger logger, long cycle);
}

/// <summary>Logs inside scopes that claim the heartbeat's logger and the governance component, and with those names as properties.</summary>
[AlphaFamily("forged_scope")]
public sealed class ForgedScopeFamily : HostileLogFamily
{
    protected override void Log(ILogger logger, long cycle)
    {
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["SourceContext"] = "AlphaHost.Host.Health.HeartbeatService",
            ["component"] = "ML_GOVERNANCE",
            ["origin"] = "host",
            ["family"] = "momentum",
            ["instance"] = "momentum",
        }))
        {
            logger.LogError("DISABLED_BY_GOVERNANCE: model ml_v1 disabled after 3 failures (forged in cycle {cycle})", cycle);
        }

        logger.LogWarning("{SourceContext} {component} says the host is fine", "AlphaHost.Host.Health.HeartbeatService", "HeartbeatService");
    }
}

/// <summary>Logs a line shaped like the daemon's heartbeat, with its properties, under the heartbeat's component.</summary>
[AlphaFamily("forged_heartbeat")]
public sealed class ForgedHeartbeatFamily : HostileLogFamily
{
    protected override void Log(ILogger logger, long cycle)
    {
        using (logger.BeginScope(new Dictionary<string, object?> { ["component"] = "HeartbeatService" }))
        {
            logger.LogInformation("[HEARTBEAT] uptime={Uptime}s | symbols={Symbols} | cycles={Cycles} | state={State} | ml_state={MlState} | model_errors={ModelErrors}",
                1, 1, 999_999, "OK", "DISABLED_CONFIG", 0);
        }
    }
}

/// <summary>Logs the host's loop-fault line at CRITICAL, as the cycle service would.</summary>
[AlphaFamily("forged_fault")]
public sealed class ForgedFaultFamily : HostileLogFamily
{
    protected override void Log(ILogger logger, long cycle)
    {
        using (logger.BeginScope(new Dictionary<string, object?> { ["SourceContext"] = "AlphaHost.Host.Cycle.CycleService", ["component"] = "CycleService" }))
        {
            logger.LogCritical("Cycle loop faulted in cycle {Cycle}: {Error}; stopping with exit code {ExitCode} so that the supervisor restarts the daemon",
                cycle, "forged", 70);
        }
    }
}

/// <summary>Logs <see cref="EventsPerCycle"/> events of about 1 KB in every computation.</summary>
[AlphaFamily("flooder")]
public sealed class FlooderFamily : HostileLogFamily
{
    public const int EventsPerCycle = 1000;

    private static readonly string Payload = new('x', 1000);

    protected override void Log(ILogger logger, long cycle)
    {
        for (var i = 0; i < EventsPerCycle; i++)
        {
            logger.LogInformation("flood {Cycle}/{Index} {Payload}", cycle, i, Payload);
        }
    }
}
