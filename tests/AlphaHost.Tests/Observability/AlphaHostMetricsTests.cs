using System.Diagnostics.Metrics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Observability;

/// <summary>The metrics' values against a known history of cycles, read as an exporter reads them.</summary>
public sealed class AlphaHostMetricsTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
    private readonly HostStatus _status;
    private readonly AlphaHostMetrics _metrics;
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, double Value, Dictionary<string, string> Tags)> _seen = [];

    public AlphaHostMetricsTests()
    {
        _status = new HostStatus(_clock);
        _metrics = new AlphaHostMetrics(_status, new ConfigStore(AlphaHostConfig.Default("test.yaml"), NullLogger<ConfigStore>.Instance), _clock, new LogFileHealth(),
            meterName: "AlphaHost.Tests." + Guid.NewGuid().ToString("N"));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _metrics.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Seen(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Seen(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Seen(i, v, tags));
        _listener.Start();
    }

    [Fact]
    public void Scrape_AfterGovernanceTrip_MlStateIsDisabledGovernanceAndOneTripIsCounted()
    {
        Cycle(1, Ml(FamilyState.Ok, 0), Momentum());
        Cycle(2, Ml(FamilyState.DisabledGovernance, 7), Momentum());
        Cycle(3, Ml(FamilyState.DisabledGovernance, 7), Momentum());

        var scrape = Scrape();

        Assert.Equal(1, Value(scrape, "alphahost_ml_state", ("state", "DISABLED_GOVERNANCE")));
        Assert.Equal(0, Value(scrape, "alphahost_ml_state", ("state", "ENABLED|OK")));
        Assert.Equal(7, Value(scrape, "alphahost_model_errors"));
        Assert.Equal(1, Sum(scrape, "alphahost_governance_trips_total", ("family", "ml_alpha")));
        Assert.Equal(1, Value(scrape, "alphahost_family_state", ("family", "ml_alpha"), ("state", "DISABLED_GOVERNANCE")));
        Assert.Equal(3, Sum(scrape, "alphahost_market_days_processed_total"));
        Assert.Equal(3, scrape.Count(m => m.Name == "alphahost_cycle_duration_seconds"));
        Assert.Equal(1, Value(scrape, "alphahost_state", ("state", "DEGRADED")));
    }

    [Fact]
    public void Scrape_MlDisabledWhileWaiting_ShowsDisabledConfigWithoutANewCycle()
    {
        Cycle(1, Ml(FamilyState.Ok, 0), Momentum());
        var waiting = new FamilyStatus[] { new("ml_alpha", false, false, FamilyState.DisabledConfig, true, 0), Momentum() };
        _status.Idle(DataState.Waiting, new DateOnly(2026, 11, 30), null, waiting);
        _metrics.Families(waiting, cycled: false);

        var scrape = Scrape();

        Assert.Equal(1, Value(scrape, "alphahost_ml_state", ("state", "DISABLED_CONFIG")));
        Assert.Equal(0, Value(scrape, "alphahost_family_enabled", ("family", "ml_alpha")));
        Assert.Equal(1, Value(scrape, "alphahost_data_state", ("state", "WAITING")));
        Assert.Equal(0, Sum(scrape, "alphahost_governance_trips_total"));
    }

    [Fact]
    public void Scrape_FailuresQuarantineAndOverruns_AreCountedPerFamily()
    {
        Cycle(1, Ml(FamilyState.Ok, 0), Momentum() with { Failed = true, State = FamilyState.Degraded });
        Cycle(2, Ml(FamilyState.Ok, 0), Momentum() with { Failed = true, State = FamilyState.Quarantined });
        Cycle(3, Ml(FamilyState.Ok, 0), Momentum() with { Failed = true, State = FamilyState.Quarantined });

        var scrape = Scrape();

        Assert.Equal(3, Sum(scrape, "alphahost_family_failures_total", ("family", "momentum")));
        Assert.Equal(1, Sum(scrape, "alphahost_family_quarantines_total", ("family", "momentum")));
        Assert.Equal(0, Sum(scrape, "alphahost_family_failures_total", ("family", "ml_alpha")));
    }

    [Fact]
    public void Scrape_AfterACycle_EachLiveFamilysWeightIsTheOneItWasCombinedBy()
    {
        var combined = new CombinedSignals(1, new DateOnly(2026, 11, 30), ["ml_alpha", "momentum"], [new SymbolSignal("AAA", 0.5, [0.2, 0.3])]);
        FamilyOutcome Outcome(string name, double weight) =>
            new(Support.Handles.For(Moq.Mock.Of<IAlphaFamily>(), name), OutcomeKind.Ok, new Dictionary<string, double>(), weight, FamilyHealth.Ok);

        _metrics.Cycle(TimeSpan.FromMilliseconds(4), [Outcome("ml_alpha", 0.55), Outcome("momentum", 0.45), Outcome("watch", 0.5)], combined);
        var scrape = Scrape();

        Assert.Equal(0.55, Value(scrape, "alphahost_family_weight", ("family", "ml_alpha")), 9);
        Assert.Equal(0.45, Value(scrape, "alphahost_family_weight", ("family", "momentum")), 9);
        Assert.DoesNotContain(scrape, m => m.Name == "alphahost_family_weight" && m.Tags.GetValueOrDefault("family") == "watch");
    }

    [Fact]
    public void Scrape_AfterACycle_SignalCountMeanAndContributionsAreTheCycles()
    {
        var combined = new CombinedSignals(1, new DateOnly(2026, 11, 30), ["ml_alpha", "momentum"],
            [new SymbolSignal("AAA", 0.5, [0.2, 0.3]), new SymbolSignal("AAB", -0.3, [-0.1, -0.2])]);

        _metrics.Cycle(TimeSpan.FromMilliseconds(4), [], combined);
        var scrape = Scrape();

        Assert.Equal(2, Value(scrape, "alphahost_signals"));
        Assert.Equal(0.4, Value(scrape, "alphahost_signal_abs_mean"), 9);
        Assert.Equal(0.15, Value(scrape, "alphahost_family_contribution_abs_mean", ("family", "ml_alpha")), 9);
        Assert.Equal(0.25, Value(scrape, "alphahost_family_contribution_abs_mean", ("family", "momentum")), 9);
        Assert.Equal(0.004, Value(scrape, "alphahost_cycle_duration_seconds"), 9);
    }

    [Fact]
    public void Scrape_ModelFamilyWithDrift_ExportsThePsiOfEachFeatureAndNothingForOthers()
    {
        Cycle(1, Ml(FamilyState.Degraded, 0) with { FeatureDrift = [new("ret_1d", 0.02), new("beta_60", 0.61)] }, Momentum());

        var scrape = Scrape();

        Assert.Equal(0.02, Value(scrape, "alphahost_feature_drift_psi", ("family", "ml_alpha"), ("feature", "ret_1d")));
        Assert.Equal(0.61, Value(scrape, "alphahost_feature_drift_psi", ("family", "ml_alpha"), ("feature", "beta_60")));
        Assert.DoesNotContain(scrape, m => m.Name == "alphahost_feature_drift_psi" && m.Tags["family"] == "momentum");
    }

    [Fact]
    public void Scrape_BeforeAnyCycle_IsHaltedWithoutSignalFigures()
    {
        var scrape = Scrape();

        Assert.Equal(1, Value(scrape, "alphahost_state", ("state", "HALTED")));
        Assert.Equal(1, Value(scrape, "alphahost_state_reason", ("reason", "starting")));
        Assert.DoesNotContain(scrape, m => m.Name is "alphahost_signals" or "alphahost_data_age_seconds");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }

    private void Cycle(long cycle, params FamilyStatus[] families)
    {
        var report = new CycleReport { Cycle = cycle, MarketDate = new DateOnly(2026, 11, 1).AddDays((int)cycle), FreshSymbols = 2, UniverseSize = 2, BenchmarkFresh = true, Families = families };
        _status.Publish(report, TimeSpan.FromMilliseconds(2));
        _metrics.Cycle(TimeSpan.FromMilliseconds(2), [], new CombinedSignals(cycle, report.MarketDate!.Value, [], []));
        _metrics.Families(families, cycled: true);
        _clock.Advance(TimeSpan.FromSeconds(1));
    }

    private static FamilyStatus Ml(FamilyState state, long errors) => new("ml_alpha", true, false, state, true, errors);

    private static FamilyStatus Momentum() => new("momentum", true, false, FamilyState.Ok, false, 0);

    private List<(string Name, double Value, Dictionary<string, string> Tags)> Scrape()
    {
        _listener.RecordObservableInstruments();
        return [.. _seen];
    }

    private static double Value(List<(string Name, double Value, Dictionary<string, string> Tags)> scrape, string name, params (string Key, string Value)[] tags) =>
        scrape.Last(m => m.Name == name && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value)).Value;

    private static double Sum(List<(string Name, double Value, Dictionary<string, string> Tags)> scrape, string name, params (string Key, string Value)[] tags) =>
        scrape.Where(m => m.Name == name && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value)).Sum(m => m.Value);

    private void Seen<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        var labels = new Dictionary<string, string>();
        foreach (var tag in tags)
        {
            labels[tag.Key] = tag.Value?.ToString() ?? "";
        }

        lock (_seen)
        {
            _seen.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), labels));
        }
    }
}
