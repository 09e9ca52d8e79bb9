using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Drift;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>
/// <c>alphahost drift-calibrate</c>: for each year, a pooled model trained on every earlier date (the label embargo
/// before the year, as <see cref="WalkForward"/>) serves the year day by day, and each day's rows and outputs are
/// measured by the live cycle's <see cref="ServingMeasure"/>. Each model is trained as <c>train</c> trains it: the last
/// <see cref="TrainingOptions.ValidationFraction"/> of the dates before the year held out, its rank IC there being the
/// backtest rank IC the live IC is judged against. Thresholds are chosen on the calibration years only: per
/// check, the most sensitive value of a small grid whose alarms (judged by the live <see cref="DriftJudge"/>, that
/// check alone) stay within <see cref="BudgetPerCheck"/> of the days. With those thresholds it reports the share of
/// the reported years' days drift would set DEGRADED, then injects faults into the reported years (a feature frozen,
/// a feature x10, a tenth of the symbols served their last row again, a feature missing on a fifth of the symbols, the
/// predictions shuffled or held) and reports the cycles to detection and the reason; and, per year, a model inverted from
/// the year's first day, with the cycles the live IC check takes to see it (it cannot in 5: see the docs).
/// With no calibration years (the scope <c>drift:config</c>) nothing is chosen: the reported years are judged with the
/// thresholds in force (the config's), one configuration tried.
/// </summary>
internal sealed partial class DriftCalibration(FeatureContract contract, TrainingOptions options, DriftOptions defaults)
{
    /// <summary>The evaluation scope that asks for a drift calibration: <c>drift:FIRST-LAST</c> names the calibration years.</summary>
    public const string Scope = "drift";

    /// <summary>The share of calibration days one check may alarm on; the eight calibrated checks stay within 5 %.</summary>
    public const double BudgetPerCheck = 0.006;

    /// <summary>Cycles replayed before a year (or an injection) so the baselines are full.</summary>
    private const int Warmup = 40;

    /// <summary>Cycles after an injection within which it must be detected.</summary>
    private const int DetectWithin = 5;

    private static readonly double[] TieGrid = [0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
    private static readonly double[] UnchangedGrid = [0.1, 0.2, 0.3, 0.5, 0.7, 0.9];
    private static readonly double[] StaleGrid = [0.01, 0.02, 0.03, 0.05, 0.1];
    private static readonly double[] LevelGrid = [2.0, 2.5, 3.0, 4.0, 6.0];
    private static readonly double[] DispersionGrid = [0.3, 0.2, 0.1, 0.05, 0.02];
    private static readonly double[] MissingGrid = [0.01, 0.02, 0.05, 0.1, 0.2];
    private static readonly double[] AutocorrGrid = [0.1, 0.2, 0.3, 0.5, 0.7];
    private static readonly double[] IcZGrid = [2.0, 2.5, 3.0, 3.5, 4.0, 5.0];

    /// <summary>The scope that judges the reported years with the config's thresholds, choosing none.</summary>
    public const string ConfigScope = Scope + ":config";

    /// <summary>
    /// The calibration years a scope names (<c>drift:2004-2009</c>); none for <see cref="ConfigScope"/> (the config's
    /// thresholds, nothing chosen); null when it is not a drift scope.
    /// </summary>
    public static IReadOnlyList<int>? CalibrationYears(string scope)
    {
        if (!scope.StartsWith(Scope + ":", StringComparison.Ordinal))
        {
            return null;
        }

        if (scope == ConfigScope)
        {
            return [];
        }

        var parts = scope[(Scope.Length + 1)..].Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var first) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var last) && first <= last
            ? Enumerable.Range(first, last - first + 1).ToArray()
            : throw new ArgumentException($"scope '{scope}': expected {Scope}:FIRST-LAST (the calibration years)", nameof(scope));
    }

    public EvaluationReport Run(EvaluationRequest request, IReadOnlyList<int> calibrationYears, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var reportedYears = request.TestYears.Except(calibrationYears).Order().ToArray();
        var history = request.History;
        var pipeline = new FeaturePipeline(contract);
        var raw = UniversePanel.Build(history.Symbols, pipeline.ComputeBatch(history.Symbols, history.Benchmark), options.HorizonDays, null);
        _ = raw.TakeRawSample();
        var ranked = UniversePanel.Build(history.Symbols, pipeline.ComputeBatch(history.Symbols, history.Benchmark), options.HorizonDays, options.CrossSectionalTransform);
        _ = ranked.TakeRawSample();
        request.ReleaseHistory();

        var years = new Dictionary<int, Year>();
        foreach (var y in calibrationYears.Concat(reportedYears))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Replay(raw, ranked, y, cancellationToken) is { } year)
            {
                years[y] = year;
                progress?.Report(FormattableString.Invariant(
                    $"{y}: pooled model trained to {raw.Dates[year.TrainTo - 1]:yyyy-MM-dd}, backtest rank IC {year.BacktestIc:0.0000} (validation {raw.Dates[year.ValidFrom]:yyyy-MM-dd}..{raw.Dates[year.From - options.HorizonDays - 1]:yyyy-MM-dd}), {year.Days} days replayed"));
            }
            else
            {
                progress?.Report($"{y}: no data to train on before it, or none in it; left out");
            }
        }

        var calibration = years.Where(y => calibrationYears.Contains(y.Key)).Select(y => y.Value).ToArray();
        var reported = years.Where(y => reportedYears.Contains(y.Key)).Select(y => y.Value).ToArray();
        var fromConfig = calibrationYears.Count == 0;
        if ((calibration.Length == 0 && !fromConfig) || reported.Length == 0)
        {
            throw new ArgumentException("drift calibration needs at least one calibration year and one reported year with data and a model trained before it", nameof(request));
        }

        var (chosen, tried) = fromConfig ? (defaults, 1) : Choose(calibration, progress);
        var (alarmDays, days, _) = Alarms(reported, chosen);
        var rate = alarmDays / (double)days;
        string source;
        if (fromConfig)
        {
            source = "the config's thresholds, none chosen";
            progress?.Report("thresholds: the config's, none chosen (" + Thresholds(chosen) + ")");
        }
        else
        {
            var (calibrationAlarms, calibrationDays, _) = Alarms(calibration, chosen);
            source = FormattableString.Invariant($"calibration {calibrationYears[0]}-{calibrationYears[^1]}: {calibrationAlarms} of {calibrationDays}");
        }

        progress?.Report(FormattableString.Invariant(
            $"false alarms: drift set DEGRADED on {alarmDays} of {days} days ({rate * 100:0.0}%) of {reportedYears[0]}-{reportedYears[^1]} ({source}); configurations tried: {tried}"));
        foreach (var year in reported)
        {
            var (a, d, first) = Alarms([year], chosen);
            progress?.Report(FormattableString.Invariant($"  {year.Number}: {a} of {d} days DEGRADED{(first is null ? "" : $" (first: {first})")}"));
        }

        var injections = reported.SelectMany(y => Inject(raw, y, chosen)).ToArray();
        var detected = injections.Count(i => i.Cycles <= DetectWithin);
        var inverted = reported.Select(y => Detect(raw, y, y.From, chosen, new Fault(FaultKind.Inverted, -1, "model inverted from the year's first day"), "live_ic_below_backtest", y.To - y.From)).ToArray();
        progress?.Report(FormattableString.Invariant($"injected shifts: {detected} of {injections.Length} detected within {DetectWithin} cycles"));
        foreach (var injection in injections)
        {
            progress?.Report(injection.Cycles <= DetectWithin
                ? FormattableString.Invariant($"  {injection.Date:yyyy-MM-dd} {injection.Fault}: DEGRADED after {injection.Cycles} cycle(s): {injection.Reason}")
                : FormattableString.Invariant($"  {injection.Date:yyyy-MM-dd} {injection.Fault}: NOT detected within {DetectWithin} cycles{(injection.Reason is null ? "" : $" ({injection.Reason})")}"));
        }

        var seen = inverted.Where(i => i.Cycles != int.MaxValue).Select(i => i.Cycles).Order().ToArray();
        progress?.Report(FormattableString.Invariant(
            $"inverted models: {seen.Length} of {inverted.Length} detected by the live IC check within their year{(seen.Length == 0 ? "" : $", after {seen[0]} to {seen[^1]} cycles (median {seen[seen.Length / 2]})")}"));
        foreach (var injection in inverted)
        {
            progress?.Report(injection.Cycles != int.MaxValue
                ? FormattableString.Invariant($"  {injection.Date:yyyy-MM-dd} {injection.Fault}: DEGRADED after {injection.Cycles} cycle(s): {injection.Reason}")
                : FormattableString.Invariant($"  {injection.Date:yyyy-MM-dd} {injection.Fault}: NOT detected within the year{(injection.Reason is null ? "" : $" ({injection.Reason})")}"));
        }

        return new EvaluationReport([], [], tried, new Dictionary<string, string>
        {
            ["calibration_years"] = fromConfig ? "none" : $"{calibrationYears[0]}-{calibrationYears[^1]}",
            ["thresholds_source"] = fromConfig ? "config" : "chosen",
            ["reported_years"] = $"{reportedYears[0]}-{reportedYears[^1]}",
            ["false_alarm_days"] = alarmDays.ToString(CultureInfo.InvariantCulture),
            ["reported_days"] = days.ToString(CultureInfo.InvariantCulture),
            ["false_alarm_rate"] = rate.ToString("0.0000", CultureInfo.InvariantCulture),
            ["injections"] = injections.Length.ToString(CultureInfo.InvariantCulture),
            ["injections_detected"] = detected.ToString(CultureInfo.InvariantCulture),
            ["inverted_models"] = inverted.Length.ToString(CultureInfo.InvariantCulture),
            ["inverted_detected"] = seen.Length.ToString(CultureInfo.InvariantCulture),
            ["inverted_cycles_median"] = seen.Length == 0 ? "none" : seen[seen.Length / 2].ToString(CultureInfo.InvariantCulture),
            ["drift.tie_excess"] = chosen.TieExcess.ToString(CultureInfo.InvariantCulture),
            ["drift.unchanged_excess"] = chosen.UnchangedExcess.ToString(CultureInfo.InvariantCulture),
            ["drift.stale_rows_excess"] = chosen.StaleRowsExcess.ToString(CultureInfo.InvariantCulture),
            ["drift.level_ratio"] = chosen.LevelRatio.ToString(CultureInfo.InvariantCulture),
            ["drift.min_dispersion"] = chosen.MinDispersion.ToString(CultureInfo.InvariantCulture),
            ["drift.missing_excess"] = chosen.MissingExcess.ToString(CultureInfo.InvariantCulture),
            ["drift.autocorr_drop"] = chosen.AutocorrDrop.ToString(CultureInfo.InvariantCulture),
            ["drift.ic_z"] = chosen.IcZ.ToString(CultureInfo.InvariantCulture),
            ["drift.ic_window"] = chosen.IcWindow.ToString(CultureInfo.InvariantCulture),
            ["drift.persist_cycles"] = chosen.Persist.ToString(CultureInfo.InvariantCulture),
            ["drift.persist_window"] = chosen.Of.ToString(CultureInfo.InvariantCulture),
            ["drift.baseline_cycles"] = chosen.BaselineCycles.ToString(CultureInfo.InvariantCulture),
        });
    }

    private static string Thresholds(DriftOptions o) => FormattableString.Invariant(
        $"tie_excess {o.TieExcess}, unchanged_excess {o.UnchangedExcess}, stale_rows_excess {o.StaleRowsExcess}, level_ratio {o.LevelRatio}, min_dispersion {o.MinDispersion}, missing_excess {o.MissingExcess}, autocorr_drop {o.AutocorrDrop}, ic_z {o.IcZ}, ic_window {o.IcWindow}");

    /// <summary>Trains the year's model and measures its days (and the warm-up before them); null without data.</summary>
    private Year? Replay(UniversePanel raw, UniversePanel ranked, int number, CancellationToken cancellationToken)
    {
        var from = Array.FindIndex(raw.Dates, d => d.Year >= number);
        var to = Array.FindIndex(raw.Dates, d => d.Year > number);
        to = to < 0 ? raw.Dates.Length : to;
        // As train splits: validation dates [validFrom, validTo) whose labels end before the year, the fit an embargo before.
        var validTo = from - options.HorizonDays;
        var validFrom = validTo - Math.Max(1, (int)(validTo * options.ValidationFraction));
        var trainTo = validFrom - options.HorizonDays;
        if (from < 0 || trainTo <= 0 || to <= from)
        {
            return null;
        }

        var fit = PooledFit.Train(ranked, 0, trainTo, options, cancellationToken);
        ModelTrainer.ReturnFreedMemory();
        if (fit is null || !(fit.Scale > 0))
        {
            return null;
        }

        var (validStart, validEnd) = ranked.RowsOf(validFrom, validTo);
        var backtestIc = PanelScores.Mean(PanelScores.Daily(ranked, validFrom, validTo, PanelScores.Predict(fit.Model, ranked, validStart, validEnd), ranked.Forward).RankIc);
        var (first, last) = ranked.RowsOf(0, validTo);
        var universe = ranked.Symbol[first..last].Distinct().ToArray();
        var year = new Year(number, fit, trainTo, from, to, Math.Max(0, from - Warmup)) { ValidFrom = validFrom, BacktestIc = backtestIc, Universe = universe };
        var server = new Server(raw, year, contract.Names.Count, options.CrossSectionalTransform, options.HorizonDays, from);
        for (var d = year.Start; d < to; d++)
        {
            year.Measures.Add(server.Measure(d, null));
        }

        return year;
    }

    /// <summary>Per check, the most sensitive grid value within the budget on the calibration years, that check alone.</summary>
    private (DriftOptions Chosen, int Tried) Choose(Year[] calibration, IProgress<string>? progress)
    {
        var off = defaults with
        {
            TieExcess = 2, UnchangedExcess = 2, StaleRowsExcess = 2, LevelRatio = double.PositiveInfinity, MinDispersion = 0, MissingExcess = 2, AutocorrDrop = 3, IcZ = double.PositiveInfinity,
        };
        var tried = 0;
        double Pick(string key, double[] grid, Func<double, DriftOptions> with)
        {
            foreach (var value in grid)
            {
                tried++;
                var (alarms, days, first) = Alarms(calibration, with(value));
                if (alarms <= BudgetPerCheck * days)
                {
                    progress?.Report(FormattableString.Invariant($"calibrated drift.{key} = {value} ({alarms} of {days} calibration days alone)"));
                    return value;
                }

                progress?.Report(FormattableString.Invariant($"  drift.{key} = {value}: {alarms} of {days} calibration days, e.g. {first}"));
            }

            progress?.Report(FormattableString.Invariant($"drift.{key}: no grid value within {BudgetPerCheck * 100:0}% of the calibration days; the least sensitive ({grid[^1]}) is kept"));
            return grid[^1];
        }

        var chosen = defaults with
        {
            TieExcess = Pick("tie_excess", TieGrid, v => off with { TieExcess = v }),
            UnchangedExcess = Pick("unchanged_excess", UnchangedGrid, v => off with { UnchangedExcess = v }),
            StaleRowsExcess = Pick("stale_rows_excess", StaleGrid, v => off with { StaleRowsExcess = v }),
            LevelRatio = Pick("level_ratio", LevelGrid, v => off with { LevelRatio = v }),
            MinDispersion = Pick("min_dispersion", DispersionGrid, v => off with { MinDispersion = v }),
            MissingExcess = Pick("missing_excess", MissingGrid, v => off with { MissingExcess = v }),
            AutocorrDrop = Pick("autocorr_drop", AutocorrGrid, v => off with { AutocorrDrop = v }),
            IcZ = Pick("ic_z", IcZGrid, v => off with { IcZ = v }),
        };
        return (chosen, tried + 1);
    }

    /// <summary>Days of the years (not their warm-up) on which the judge with these options says DEGRADED.</summary>
    private (int Alarms, int Days, string? First) Alarms(IEnumerable<Year> years, DriftOptions judged)
    {
        var (alarms, days) = (0, 0);
        string? first = null;
        foreach (var year in years)
        {
            var judge = new DriftJudge(contract.Names, judged);
            for (var i = 0; i < year.Measures.Count; i++)
            {
                var reason = judge.Judge(year.Measures[i]);
                if (year.Start + i >= year.From)
                {
                    days++;
                    if (reason is not null)
                    {
                        alarms++;
                        first ??= FormattableString.Invariant($"{year.Number}: {reason}");
                    }
                }
            }
        }

        return (alarms, days, first);
    }

    /// <summary>The year's injected faults, each replayed from a warm-up before it through the live checks.</summary>
    private IEnumerable<Injection> Inject(UniversePanel raw, Year year, DriftOptions chosen)
    {
        var names = contract.Names;
        var days = year.To - year.From;
        foreach (var offset in new[] { days / 4, (3 * days) / 4 })
        {
            var at = year.From + offset;
            var features = new[] { (year.Number + offset) % names.Count, ((year.Number * 7) + (offset * 3) + 5) % names.Count };
            foreach (var f in features)
            {
                yield return Detect(raw, year, at, chosen, new Fault(FaultKind.Frozen, f, $"{names[f]} frozen"), names[f]);
                yield return Detect(raw, year, at, chosen, new Fault(FaultKind.Scaled, f, $"{names[f]} x10"), names[f]);
            }

            yield return Detect(raw, year, at, chosen, new Fault(FaultKind.Stale, -1, "a tenth of the symbols' bars stale"), "stale rows");
            yield return Detect(raw, year, at, chosen, new Fault(FaultKind.Missing, features[0], $"{names[features[0]]} missing on a fifth of the symbols"), $"{names[features[0]]} missing");
            yield return Detect(raw, year, at, chosen, new Fault(FaultKind.Shuffled, -1, "predictions shuffled across symbols"), "prediction_churn");
            yield return Detect(raw, year, at, chosen, new Fault(FaultKind.Held, -1, "predictions held at their last values"), "prediction_frozen");
        }
    }

    /// <summary>Replays the fault from <paramref name="at"/> for <paramref name="cycles"/> cycles at most; the cycles until a reason names <paramref name="named"/>.</summary>
    private Injection Detect(UniversePanel raw, Year year, int at, DriftOptions chosen, Fault fault, string named, int cycles = DetectWithin + 5)
    {
        // An inverted model is a new model: its live IC starts with its own predictions, as the live family's does.
        var server = new Server(raw, year, contract.Names.Count, options.CrossSectionalTransform, options.HorizonDays, fault.Kind == FaultKind.Inverted ? at : year.From);
        var judge = new DriftJudge(contract.Names, chosen);
        string? last = null;
        for (var d = Math.Max(0, at - Warmup); d < Math.Min(year.To, at + cycles); d++)
        {
            var reason = judge.Judge(server.Measure(d, d >= at ? fault : null));
            if (d >= at && reason is not null)
            {
                last = reason;
                if (reason.Contains(named, StringComparison.Ordinal))
                {
                    return new Injection(raw.Dates[at], fault.Text, d - at + 1, reason);
                }
            }
        }

        return new Injection(raw.Dates[at], fault.Text, int.MaxValue, last);
    }
}
