using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Plugins.MlAlpha.Universe;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>The pooled model (<c>training.scope: universe</c>): its transform, split, storage, serving and leakage guards.</summary>
public sealed class UniverseModelTests : IDisposable
{
    private static readonly TrainingOptions Options = TrainedModels.FastTraining with { Scope = TrainingOptions.UniverseScope };
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 23, 19, 0, 0, TimeSpan.Zero));

    private string Models => _dir.File("models");

    [Fact]
    public void Rank_SmallCrossSection_GivesTheHandComputedRanksScaledToHalfUnit()
    {
        float[][] rows = [[1f, 10f], [2f, 30f], [3f, 20f], [3f, 40f]];
        var output = rows.Select(r => new float[r.Length]).ToArray();

        CrossSectionalTransform.Create(CrossSectionalTransform.Rank).Apply(rows, output);

        // Column 0 ranks 0, 1, 2.5, 2.5 of 3; column 1 ranks 0, 2, 1, 3.
        Assert.Equal([-0.5f, -1f / 6, 1f / 3, 1f / 3], output.Select(r => r[0]), new FloatTolerance(1e-6f));
        Assert.Equal([-0.5f, 1f / 6, -1f / 6, 0.5f], output.Select(r => r[1]), new FloatTolerance(1e-6f));
        Assert.Equal([1f, 10f], rows[0]);
    }

    [Fact]
    public void RobustZ_SmallCrossSection_IsDistanceFromTheMedianInScaledMadsClippedAtThree()
    {
        float[][] rows = [[1f], [2f], [3f], [4f], [100f]];
        var output = rows.Select(r => new float[r.Length]).ToArray();

        CrossSectionalTransform.Create(CrossSectionalTransform.RobustZ).Apply(rows, output);

        // median 3, absolute deviations 2,1,0,1,97: MAD 1, scaled 1.4826.
        Assert.Equal([(float)(-2 / 1.4826), (float)(-1 / 1.4826), 0f, (float)(1 / 1.4826), 3f], output.Select(r => r[0]), new FloatTolerance(1e-6f));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(494)]
    [InlineData(5000)]
    public void Rank_RandomColumnsWithTiesSignedZerosAndNegatives_EqualTheSharedRankingRuleToTheBit(int n)
    {
        var random = new Random(n);
        float[] pool = [-0f, 0f, -1e-30f, 1e-30f, float.MinValue, float.MaxValue, -3.5f, 2.25f, float.Epsilon, -float.Epsilon];
        var rows = Enumerable.Range(0, n).Select(_ => new[]
        {
            (float)(random.NextDouble() - 0.5) * 1e6f,          // spread over negative and positive exponents
            (float)random.Next(-3, 4),                           // heavy ties
            pool[random.Next(pool.Length)],                      // signed zeros, extremes, denormals
            (float)(random.NextDouble() * 1e-3),                 // one sign, so some radix passes are skipped
        }).ToArray();
        var output = rows.Select(r => new float[r.Length]).ToArray();

        CrossSectionalTransform.Create(CrossSectionalTransform.Rank).Apply(rows, output);

        for (var f = 0; f < 4; f++)
        {
            var ranks = CrossSection.AverageRanks(rows.Select(r => (double)r[f]).ToArray());
            var expected = ranks.Select(r => (float)((r / (n - 1)) - 0.5)).ToArray();
            Assert.Equal(expected, output.Select(r => r[f]).ToArray());
        }
    }

    [Fact]
    public void Panel_SymbolsListedLateWithGaps_HasEachDatesValidRowsInSymbolOrderWithRankedForwardReturnsAndAnEvenRawSample()
    {
        var history = TrainedModels.History();
        // Symbols that list late and miss days, so dates differ in which symbols they hold.
        var ragged = history with
        {
            Symbols = history.Symbols.Select((s, i) => s with
            {
                Bars = s.Bars.ToArray().Skip(i * 37).Where((_, t) => (t + i) % 11 != 0).ToArray(),
            }).ToArray(),
        };
        var matrices = new FeaturePipeline(TrainedModels.Contract).ComputeBatch(ragged.Symbols, ragged.Benchmark);
        var raw = ragged.Symbols.ToDictionary(s => s.Symbol, s => matrices[s.Symbol]);
        var rawRows = ragged.Symbols.Select(s => Enumerable.Range(0, raw[s.Symbol].Rows).Select(t => raw[s.Symbol].Row(t).ToArray()).ToArray()).ToArray();

        var panel = UniversePanel.Build(ragged.Symbols, matrices, 5, CrossSectionalTransform.Rank);

        var expected = ragged.Symbols
            .SelectMany((s, i) => Enumerable.Range(0, raw[s.Symbol].Rows).Where(raw[s.Symbol].IsValid).Select(t => (Date: raw[s.Symbol].Dates[t], Symbol: i, Bar: t)))
            .OrderBy(r => r.Date).ThenBy(r => r.Symbol).ToArray();
        Assert.Equal(expected.Select(r => r.Date).Distinct(), panel.Dates);
        Assert.Equal(expected.Select(r => (r.Symbol, r.Bar)), Enumerable.Range(0, panel.Rows).Select(r => (panel.Symbol[r], panel.Bar[r])));
        for (var d = 0; d < panel.Dates.Length; d++)
        {
            var rows = Enumerable.Range(panel.First[d], panel.First[d + 1] - panel.First[d]).ToArray();
            Assert.All(rows, r => Assert.Equal(panel.Dates[d], expected[r].Date));
            var labelled = rows.Where(r => float.IsFinite(panel.Forward[r])).ToArray();
            var ranks = CrossSection.AverageRanks(labelled.Select(r => (double)panel.Forward[r]).ToArray());
            Assert.Equal(labelled.Select((_, i) => labelled.Length < 2 ? 0f : (float)((ranks[i] / (labelled.Length - 1)) - 0.5)), labelled.Select(r => panel.Label[r]));
            Assert.All(rows.Except(labelled), r => Assert.True(float.IsNaN(panel.Label[r])));
        }

        var bars = ragged.Symbols.Select(s => s.Bars.ToArray()).ToArray();
        Assert.All(Enumerable.Range(0, panel.Rows), r =>
        {
            var (s, t) = (panel.Symbol[r], panel.Bar[r]);
            Assert.Equal(t + 5 < bars[s].Length ? (float)((bars[s][t + 5].Close / bars[s][t].Close) - 1.0) : float.NaN, panel.Forward[r]);
            Assert.Equal(t + 1 < bars[s].Length ? (float)((bars[s][t + 1].Close / bars[s][t].Close) - 1.0) : float.NaN, panel.Next[r]);
        });
        var step = Math.Max(1, panel.Rows / UniversePanel.MaxRawSample);
        Assert.Equal(Enumerable.Range(0, panel.Rows).Where(r => r % step == 0).Take(UniversePanel.MaxRawSample).Select(r => rawRows[panel.Symbol[r]][panel.Bar[r]]), panel.RawSample);
    }

    [Fact]
    public void Panel_TransformAtDateT_UsesOnlyTheRowsOfDateT()
    {
        var history = TrainedModels.History();
        var cut = history.Benchmark!.Bars.Span[500].Date;
        var truncated = history with { Symbols = history.Symbols.Select(s => s with { Bars = s.Bars[..Count(s, cut)] }).ToArray() };
        var full = Panel(history);
        var upToCut = Panel(truncated);
        var fullDay = Array.IndexOf(full.Dates, cut);
        var cutDay = Array.IndexOf(upToCut.Dates, cut);

        Assert.Equal(upToCut.First[cutDay + 1] - upToCut.First[cutDay], full.First[fullDay + 1] - full.First[fullDay]);
        for (var i = 0; i < full.First[fullDay + 1] - full.First[fullDay]; i++)
        {
            Assert.Equal(upToCut.Row(upToCut.First[cutDay] + i).ToArray(), full.Row(full.First[fullDay] + i).ToArray());
        }

        // And the rows of a date are exactly the transform of that date's raw rows, nothing else.
        var matrices = new FeaturePipeline(TrainedModels.Contract).ComputeBatch(history.Symbols, history.Benchmark);
        var raw = history.Symbols.Select(s => (s.Symbol, Row: Array.IndexOf(matrices[s.Symbol].Dates.ToArray(), cut)))
            .Where(s => s.Row >= 0 && matrices[s.Symbol].IsValid(s.Row)).Select(s => matrices[s.Symbol].Row(s.Row).ToArray()).ToArray();
        var expected = raw.Select(r => new float[r.Length]).ToArray();
        CrossSectionalTransform.Create(CrossSectionalTransform.Rank).Apply(raw, expected);
        Assert.Equal(expected, Enumerable.Range(full.First[fullDay], full.First[fullDay + 1] - full.First[fullDay]).Select(r => full.Row(r).ToArray()));
    }

    [Fact]
    public async Task Train_UniverseScope_WritesOnePooledModelThatValidatesWithItsTransformAndEmbargo()
    {
        var summary = await Train();

        var trained = Assert.Single(summary.Trained);
        Assert.Equal("UNIVERSE", trained.Symbol);
        Assert.StartsWith("UNIVERSE_v1_", Path.GetFileName(trained.Location));
        Assert.Equal(trained.Location, new ModelStore(Models, "v1", TimeProvider.System).ResolveLatest("UNIVERSE", Path.Combine(Models, "UNIVERSE_v1_latest")));
        var meta = ModelLoader.ReadMeta(trained.Location);
        Assert.Equal(("universe", "rank"), (meta.Scope, meta.CrossSectionalTransform));
        Assert.Equal(TrainedModels.Contract.Names, meta.Features);
        Assert.Equal("2", meta.Trainer.Parameters["threads"]);
        var dates = TrainedModels.History().Benchmark!.Bars.ToArray().Select(b => b.Date).ToList();
        Assert.True(dates.IndexOf(meta.TrainPeriod.End) + meta.Label.HorizonDays < dates.IndexOf(meta.ValidationPeriod.Start));
        var check = Assert.Single(ModelValidator.ValidateAll(new ModelStore(Models, "v1", TimeProvider.System), TrainedModels.Contract));
        Assert.Equal(ModelCheck.Ok, check.Status);
        Assert.Equal(new DatePeriod(meta.TrainingDataPeriod.Start, meta.TrainingDataPeriod.End), check.TrainingPeriod);
    }

    [Fact]
    public async Task ComputeAsync_UniverseScope_SignalsEverySymbolFromThePooledModelOnTheNormalisedRows()
    {
        await Train();
        var family = await StartAsync();
        var snapshot = new SampleReplay(400).Next();

        var signals = (await family.ComputeAsync(snapshot, CancellationToken.None)).BySymbol;

        var rows = new LiveFeatures(TrainedModels.Contract).Update(snapshot).Where(r => r.Value.IsValid).OrderBy(r => snapshot.Symbols.ToList().FindIndex(h => h.Symbol == r.Key)).ToArray();
        Assert.Equal(rows.Select(r => r.Key).Order(), signals.Keys.Order());
        var normalised = rows.Select(_ => new float[28]).ToArray();
        CrossSectionalTransform.Create("rank").Apply(rows.Select(r => r.Value.Values).ToArray(), normalised);
        var model = ModelLoader.Load("UNIVERSE", Path.Combine(Models, "UNIVERSE_v1_latest"), TrainedModels.Contract, false, 1);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(Math.Tanh(model.Model.Predict(normalised[i]) / model.Meta!.Signal.Scale), signals[rows[i].Key], 12);
        }

        Assert.Equal(FamilyState.Ok, family.Health.State);
    }

    [Fact]
    public async Task ComputeAsync_PooledModelWhoseRawFeaturePsiExceedsTheThreshold_StaysOkAndStillExportsThePsi()
    {
        // Raw levels trend (dollar volume, volatility) while the pooled model sees only each day's ranks: a PSI above the
        // threshold (here every PSI, the threshold being 0) is reported, and is no reason for DEGRADED.
        await Train();
        var family = await StartAsync(("drift.psi_threshold", "0"), ("drift.window_cycles", "20"));
        var replay = new SampleReplay(400);

        var degraded = new List<string>();
        for (var day = 0; day < 120; day++)
        {
            await family.ComputeAsync(replay.Next(), CancellationToken.None);
            if (family.Health.State != FamilyState.Ok)
            {
                degraded.Add($"day {day}: {family.Health.State} {family.Health.Detail}");
            }
        }

        Assert.True(degraded.Count == 0, string.Join("\n", degraded));

        var psi = family.Health.FeatureDrift;
        Assert.NotNull(psi);
        Assert.Equal(TrainedModels.Contract.Names, psi.Select(p => p.Key));
        Assert.Contains(psi, p => p.Value > 0);
    }

    [Fact]
    public async Task Train_UniverseScope_LetsTheRequestsBarsGoOnceThePanelIsBuilt_SoTheyAreCollectedDuringTheFit()
    {
        var (request, bars) = RequestWhoseBarsOnlyItHolds();

        var summary = await new UniverseTrainer(TrainedModels.Contract, Options, new ModelStore(Models, "v1", _clock), _clock).TrainAsync(request, null, CancellationToken.None);

        Assert.Single(summary.Trained);
        Assert.True(request.HistoryReleased);
        Assert.Throws<InvalidOperationException>(() => request.History);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.DoesNotContain(bars, b => b.IsAlive);
        GC.KeepAlive(request);
    }

    [Fact]
    public async Task Train_OneSymbol_IsSkippedWithAReasonInsteadOfCrashingTheTrainer()
    {
        // A day's rank label among one symbol is the same every day: nothing to learn (LightGBM then fits trees without
        // a split, which ML.NET cannot even build).
        var history = TrainedModels.History();

        var summary = await new UniverseTrainer(TrainedModels.Contract, Options, new ModelStore(Models, "v1", _clock), _clock)
            .TrainAsync(new TrainingRequest(history, [history.Symbols[0].Symbol]), null, CancellationToken.None);

        Assert.Empty(summary.Trained);
        var skipped = Assert.Single(summary.Skipped);
        Assert.Equal(UniverseTrainer.ModelName, skipped.Symbol);
        Assert.Contains("the same label on every date", skipped.Reason, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Models, "UNIVERSE_v1_latest")));
    }

    [Fact]
    public async Task ComputeAsync_PooledModelMetadataDropsFeatures_EverySymbolsVectorFailsTheCheckAndGovernanceDisables()
    {
        await Train();
        ModelFiles.DropFeatures(Path.Combine(Models, "UNIVERSE_v1_latest", ModelStore.MetaFile), 4);
        var family = await StartAsync();

        var signals = await family.ComputeAsync(new SampleReplay(400).Next(), CancellationToken.None);

        Assert.Empty(signals.BySymbol);
        Assert.Equal(FamilyState.DisabledGovernance, family.Health.State);
        Assert.Equal(3, family.Health.ErrorCount);
    }

    [Fact]
    public async Task ComputeAsync_UniverseScopeWithoutAPooledModel_PerSymbolModelsServeAndTheFamilyIsDegradedSayingSo()
    {
        TrainedModels.CopyTo(Models);
        var family = await StartAsync();

        var signals = await family.ComputeAsync(new SampleReplay(400).Next(), CancellationToken.None);

        Assert.Equal(TrainedModels.Summary.Trained.Select(t => t.Symbol).Order(), signals.BySymbol.Keys.Order());
        Assert.Equal(FamilyState.Degraded, family.Health.State);
        Assert.Contains("scope universe: no pooled model (UNIVERSE_v1_latest)", family.Health.Detail);
    }

    [Fact]
    public void Fit_LabelsFromShuffledFutureReturns_ScoresOnlyNoiseOutOfSample()
    {
        var panel = Panel(TrainedModels.History());
        var (trainEnd, validStart, validEnd) = UniverseTrainer.Split(panel, 0.3, 5);
        var random = new Random(11);
        var (start, end) = panel.RowsOf(0, trainEnd);
        random.Shuffle(panel.Label.AsSpan(start, end - start));

        var fit = PooledFit.Train(panel, 0, trainEnd, Options, CancellationToken.None)!;
        var (vs, ve) = panel.RowsOf(validStart, validEnd);
        var (_, rankIc) = PanelScores.Daily(panel, validStart, validEnd, PanelScores.Predict(fit.Model, panel, vs, ve), panel.Forward);

        var mean = rankIc.Average();
        var standardError = Math.Sqrt(rankIc.Sum(v => (v - mean) * (v - mean)) / (rankIc.Count - 1) / rankIc.Count);
        Assert.True(Math.Abs(mean) < 3 * standardError, $"mean rank IC {mean:0.0000} with standard error {standardError:0.0000} over {rankIc.Count} days");
    }

    [Fact]
    public void Options_UnknownScopeOrTransform_AreRefusedNamingTheKey()
    {
        var scope = Assert.Throws<FamilySettingsException>(() => MlAlphaOptionsFrom("training.scope", "pooled"));
        var transform = Assert.Throws<FamilySettingsException>(() => MlAlphaOptionsFrom("training.cross_sectional_transform", "zscore"));

        Assert.Equal("families.ml_alpha.training.scope: 'pooled' is not one of symbol, universe", scope.Message);
        Assert.Equal("families.ml_alpha.training.cross_sectional_transform", transform.Key);
    }

    public void Dispose() => _dir.Dispose();

    private static void MlAlphaOptionsFrom(string key, string value)
    {
        var family = new MlAlphaFamily();
        family.InitializeAsync(new FamilyContext("ml_alpha", new FamilySettings("families.ml_alpha", new Dictionary<string, string> { [key] = value }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System, AppContext.BaseDirectory, Path.GetTempPath()), CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A request over a private copy of the sample history, and weak references to its bar arrays (nothing else holds them).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (TrainingRequest Request, WeakReference[] Bars) RequestWhoseBarsOnlyItHolds()
    {
        var sample = TrainedModels.History();
        var symbols = sample.Symbols.Select(s => s with { Bars = s.Bars.ToArray() }).ToArray();
        var history = sample with { Symbols = symbols, Benchmark = sample.Benchmark! with { Bars = sample.Benchmark!.Bars.ToArray() } };
        var bars = history.Symbols.Append(history.Benchmark!)
            .Select(s => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(s.Bars, out var segment) ? new WeakReference(segment.Array) : throw new InvalidOperationException("bars not array-backed"))
            .ToArray();
        return (new TrainingRequest(history, history.Symbols.Select(s => s.Symbol).ToArray()), bars);
    }

    private static int Count(SymbolHistory s, DateOnly cut)
    {
        var bars = s.Bars.Span;
        var n = 0;
        while (n < bars.Length && bars[n].Date <= cut)
        {
            n++;
        }

        return n;
    }

    private static UniversePanel Panel(MarketHistory history) =>
        UniversePanel.Build(history.Symbols, new FeaturePipeline(TrainedModels.Contract).ComputeBatch(history.Symbols, history.Benchmark), 5, CrossSectionalTransform.Rank);

    private Task<TrainingSummary> Train()
    {
        var history = TrainedModels.History();
        return new UniverseTrainer(TrainedModels.Contract, Options, new ModelStore(Models, "v1", _clock), _clock)
            .TrainAsync(new TrainingRequest(history, history.Symbols.Select(s => s.Symbol).ToArray()), null, CancellationToken.None);
    }

    private async Task<MlAlphaFamily> StartAsync(params (string Key, string Value)[] more)
    {
        var family = new MlAlphaFamily();
        var values = new Dictionary<string, string> { ["models_dir"] = Models, ["training.scope"] = "universe" };
        foreach (var (key, value) in more)
        {
            values[key] = value;
        }

        var settings = new FamilySettings("families.ml_alpha", values);
        await family.InitializeAsync(new FamilyContext("ml_alpha", settings, new CapturingLogger(), _clock, AppContext.BaseDirectory, _dir.File("state")), CancellationToken.None);
        family.LoadModels();
        return family;
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
