using AlphaHost.Plugins.MlAlpha.Drift;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>The serving-drift checks on synthetic cross-sections: each fault's FAIL path and the quiet path.</summary>
public sealed class ServingDriftTests
{
    private const int Symbols = 200;
    private const int Warmup = 30;
    private static readonly string[] Names = ["ret_1d", "vol_20d", "dollar_volume_log_20"];

    [Fact]
    public void Observe_NormalCrossSectionsWithTrendingLevels_StaysOk()
    {
        var market = new Market();
        var drift = new ServingDrift(Names, DriftOptions.Default);

        // 200 cycles in which every level trends upwards by 0.5 % a cycle (x2.7 in all), as dollar volume does over years.
        var reasons = Enumerable.Range(0, 200).Select(c => drift.Observe(market.Symbols, market.Next(level: Math.Exp(0.005 * c)), market.Outputs)).Where(r => r is not null).ToList();

        Assert.Empty(reasons);
    }

    [Fact]
    public void Observe_OneFeatureFrozen_DegradedNamingItWithinFiveCycles()
    {
        var (drift, market) = WarmedUp();

        var reason = FirstReason(drift, market, rows => market.Freeze(rows, feature: 2));

        Assert.NotNull(reason.Text);
        Assert.InRange(reason.Cycle, 1, 5);
        Assert.Contains("dollar_volume_log_20 frozen", reason.Text);
    }

    [Fact]
    public void Observe_OneFeatureScaledTenTimes_DegradedNamingItsSpreadWithinFiveCycles()
    {
        var (drift, market) = WarmedUp();

        var reason = FirstReason(drift, market, rows => Scale(rows, feature: 1, by: 10));

        Assert.InRange(reason.Cycle, 1, 5);
        Assert.Matches(@"vol_20d spread x(9|10|11)\.\d\d of its last 20 cycles", reason.Text);
    }

    [Fact]
    public void Observe_OneFeatureOneConstantForEverySymbol_DegradedNamingItsTies()
    {
        var (drift, market) = WarmedUp();

        var reason = FirstReason(drift, market, rows => rows.ForEach(r => r[0] = 0.001f));

        Assert.InRange(reason.Cycle, 1, 5);
        Assert.Contains("ret_1d tied on 100% of symbols", reason.Text);
    }

    [Fact]
    public void Observe_ATenthOfTheSymbolsServedTheirLastRowAgain_DegradedNamingStaleRowsWithinFiveCycles()
    {
        var (drift, market) = WarmedUp();

        var reason = FirstReason(drift, market, rows => market.Stale(rows, every: 10));

        Assert.InRange(reason.Cycle, 1, 5);
        Assert.Contains("stale rows: 20 symbols' rows unchanged since the last cycle (S000,S010,S020,S030,S040,...)", reason.Text);
    }

    [Fact]
    public void Observe_PredictionsCollapseToOneValue_DegradedNamingTheDispersion()
    {
        var (drift, market) = WarmedUp();
        var flat = new double[Symbols];

        var cycles = 0;
        string? reason = null;
        while (reason is null && cycles++ < 10)
        {
            reason = drift.Observe(market.Symbols, market.Next(), flat);
        }

        Assert.InRange(cycles, 1, 5);
        Assert.Contains($"prediction dispersion 0.000 of the training spread, below {DriftOptions.Default.MinDispersion.ToString(System.Globalization.CultureInfo.InvariantCulture)}", reason);
    }

    [Fact]
    public void Observe_OneFeatureMissingOnAFifthOfTheSymbols_DegradedNamingItsMissingShareWithinFiveCycles()
    {
        var (drift, market) = WarmedUp();

        var reason = FirstReasonWithDropped(drift, market, feature: 1, every: 5, value: float.NaN);

        Assert.InRange(reason.Cycle, 1, 5);
        Assert.Contains("vol_20d missing or non-finite on 20% of symbols (20% missing, 0% infinite; baseline 0%)", reason.Text);
    }

    [Fact]
    public void Observe_OneFeatureInfiniteOnEverySymbolSoNoRowIsPredicted_DegradedNamingItWithinFiveCycles()
    {
        var (drift, market) = WarmedUp();

        var reason = FirstReasonWithDropped(drift, market, feature: 0, every: 1, value: float.PositiveInfinity);

        Assert.InRange(reason.Cycle, 1, 5);
        Assert.Equal("drift: ret_1d missing or non-finite on 100% of symbols (0% missing, 100% infinite; baseline 0%)", reason.Text);
    }

    [Fact]
    public void Observe_AFewSymbolsMissingAFeatureEveryCycle_StaysOk()
    {
        var (drift, market) = WarmedUp();

        // 2 % of the symbols (new listings without 60 days of history, say) miss a feature on every cycle: the norm, not a change.
        var reasons = Enumerable.Range(0, 40).Select(_ => Dropping(drift, market, feature: 2, every: 50, value: float.NaN)).ToList();

        Assert.All(reasons.Skip(5), Assert.Null);
    }

    [Fact]
    public void Observe_PredictionsShuffledAcrossSymbolsEveryCycle_DegradedNamingPredictionChurnWithinFiveCycles()
    {
        var (drift, market) = WarmedUp();
        var random = new Random(5);

        var reason = FirstReasonWithOutputs(drift, market, outputs => random.Shuffle(outputs));

        Assert.InRange(reason.Cycle, 1, 5);
        Assert.Matches(@"^drift: prediction_churn: rank autocorrelation of the predictions since the last cycle -?0\.\d\d \(baseline 0\.9\d; limit a drop of 0\.5\)$", reason.Text);
        Assert.DoesNotContain("prediction_autocorr=0.9", drift.Figures());
    }

    [Fact]
    public void Observe_PredictionsHeldAtTheirLastValues_DegradedNamingPredictionFrozenWithinFiveCycles()
    {
        var (drift, market) = WarmedUp();
        var held = market.Outputs.ToArray();

        var reason = FirstReasonWithOutputs(drift, market, outputs => held.CopyTo(outputs, 0));

        Assert.InRange(reason.Cycle, 1, 5);
        Assert.Contains("prediction_frozen: the ranking of the predictions unchanged since the last cycle (rank autocorrelation 1.0000, baseline 0.9", reason.Text);
    }

    [Fact]
    public void Observe_PredictionsMovingAsUsual_ReportTheirAutocorrelationInTheFiguresAndStayOk()
    {
        var (drift, _) = WarmedUp();

        Assert.Matches(@"^ prediction_autocorr=0\.9\d$", drift.Figures());
    }

    [Fact]
    public void Observe_OneOddCycle_DoesNotDegradeThenPersistentFaultDoes()
    {
        var (drift, market) = WarmedUp();

        var odd = drift.Observe(market.Symbols, Scale(market.Next(), feature: 1, by: 10), market.Outputs);
        var after = Enumerable.Range(0, 10).Select(_ => drift.Observe(market.Symbols, market.Next(), market.Outputs)).ToList();

        Assert.Null(odd);
        Assert.All(after, Assert.Null);
    }

    [Fact]
    public void Observe_FewerRowsThanTheMinimum_SaysNothing()
    {
        var drift = new ServingDrift(Names, DriftOptions.Default);
        var few = new Market(symbols: ServingMeasure.MinRows - 1);

        var reasons = Enumerable.Range(0, 20).Select(_ => drift.Observe(few.Symbols, few.Freeze(few.Next(), 2), new double[few.Symbols.Length])).ToList();

        Assert.All(reasons, Assert.Null);
    }

    private static (ServingDrift Drift, Market Market) WarmedUp()
    {
        var market = new Market();
        var drift = new ServingDrift(Names, DriftOptions.Default);
        for (var c = 0; c < Warmup; c++)
        {
            Assert.Null(drift.Observe(market.Symbols, market.Next(), market.Outputs));
        }

        return (drift, market);
    }

    /// <summary>The cycle (1-based) of the first DEGRADED reason once the fault is injected into every cycle, within 10.</summary>
    private static (int Cycle, string? Text) FirstReason(ServingDrift drift, Market market, Action<List<float[]>> inject)
    {
        for (var c = 1; c <= 10; c++)
        {
            var rows = market.Next();
            inject(rows);
            if (drift.Observe(market.Symbols, rows, market.Outputs) is { } reason)
            {
                return (c, reason);
            }
        }

        return (int.MaxValue, null);
    }

    /// <summary>The cycle (1-based) of the first DEGRADED reason once the model's outputs are altered every cycle, within 10.</summary>
    private static (int Cycle, string? Text) FirstReasonWithOutputs(ServingDrift drift, Market market, Action<double[]> alter)
    {
        for (var c = 1; c <= 10; c++)
        {
            var rows = market.Next();
            var outputs = market.Outputs.ToArray();
            alter(outputs);
            if (drift.Observe(market.Symbols, rows, outputs) is { } reason)
            {
                return (c, reason);
            }
        }

        return (int.MaxValue, null);
    }

    /// <summary>The cycle (1-based) of the first DEGRADED reason while every <paramref name="every"/>-th symbol's feature is not finite, within 10.</summary>
    private static (int Cycle, string? Text) FirstReasonWithDropped(ServingDrift drift, Market market, int feature, int every, float value)
    {
        for (var c = 1; c <= 10; c++)
        {
            if (Dropping(drift, market, feature, every, value) is { } reason)
            {
                return (c, reason);
            }
        }

        return (int.MaxValue, null);
    }

    /// <summary>One cycle as the family serves it: rows with a non-finite feature are left out of the prediction and passed as dropped.</summary>
    private static string? Dropping(ServingDrift drift, Market market, int feature, int every, float value)
    {
        var rows = market.Next();
        var (kept, symbols, outputs, dropped) = (new List<float[]>(), new List<string>(), new List<double>(), new List<float[]>());
        for (var i = 0; i < rows.Count; i++)
        {
            if (i % every == 0)
            {
                rows[i][feature] = value;
                dropped.Add(rows[i]);
                continue;
            }

            kept.Add(rows[i]);
            symbols.Add(market.Symbols[i]);
            outputs.Add(market.Outputs[i]);
        }

        return drift.Observe(symbols, kept, outputs.ToArray(), dropped);
    }

    private static List<float[]> Scale(List<float[]> rows, int feature, float by)
    {
        rows.ForEach(r => r[feature] *= by);
        return rows;
    }

    /// <summary>A cross-section of continuous features (returns, volatilities, log dollar volumes) and model outputs, new each cycle.</summary>
    private sealed class Market(int symbols = Symbols)
    {
        private readonly Random _random = new(11);
        private List<float[]> _last = [];
        private List<float[]> _previous = [];
        private float[]? _frozen;
        private Dictionary<int, float[]>? _stale;

        public string[] Symbols { get; } = Enumerable.Range(0, symbols).Select(i => $"S{i:000}").ToArray();

        public double[] Outputs { get; private set; } = [];

        public List<float[]> Next(double level = 1.0)
        {
            var rows = Symbols.Select(_ => new[]
            {
                (float)(0.02 * Gaussian()),
                (float)(level * 0.3 * Math.Exp(0.3 * Gaussian())),
                (float)((17 * level) + Gaussian()),
            }).ToList();
            // Each symbol's output moves a little from one cycle to the next (rank autocorrelation about 0.95), as a model fed moving features does.
            Outputs = Outputs.Length == Symbols.Length ? Outputs.Select(o => (0.95 * o) + (0.31 * Gaussian())).ToArray() : Symbols.Select(_ => Gaussian()).ToArray();
            _previous = _last;
            _last = rows.Select(r => (float[])r.Clone()).ToList();
            return rows;
        }

        /// <summary>Feature <paramref name="feature"/> keeps the value it had in the cycle before (a stuck column).</summary>
        public List<float[]> Freeze(List<float[]> rows, int feature)
        {
            _frozen ??= _previous.Count == rows.Count ? _previous.Select(r => r[feature]).ToArray() : rows.Select(r => r[feature]).ToArray();
            for (var i = 0; i < rows.Count; i++)
            {
                rows[i][feature] = _frozen[i];
            }

            return rows;
        }

        /// <summary>Every <paramref name="every"/>-th symbol is served the row it had when the fault began.</summary>
        public void Stale(List<float[]> rows, int every)
        {
            _stale ??= Enumerable.Range(0, rows.Count).Where(i => i % every == 0).ToDictionary(i => i, i => (float[])_previous[i].Clone());
            foreach (var (i, row) in _stale)
            {
                row.CopyTo(rows[i], 0);
            }
        }

        private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }
}
