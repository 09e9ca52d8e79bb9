using System.CommandLine;
using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost drift-calibrate [--calibrate FIRST-LAST] [--first-year Y] [--last-year Y] [--data DIR]</c>: the model
/// family's drift checks replayed over history with a model trained before each year. Thresholds are chosen on the
/// calibration years only; prints the false-alarm rate (days drift would set DEGRADED) over the reported years, the
/// configurations tried, and each injected shift's cycles to detection with its reason. Exit 0 when at most 5 % of the
/// reported days alarm and every injection is detected within 5 cycles, 1 otherwise, 2 on bad input. The live IC check's
/// detection of an inverted model is printed, not required: it needs months of scored days by its nature. With
/// <c>--thresholds config</c> nothing is chosen: the reported years are judged with the config's thresholds.
/// </summary>
internal static class DriftCalibrateCommand
{
    /// <summary>The evaluation scope the family's calibration answers to (the ML family's <c>drift:FIRST-LAST</c>).</summary>
    private const string Scope = "drift";

    private const double MaxFalseAlarmRate = 0.05;

    private const string Choose = "choose";

    private const string FromConfig = "config";

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var calibrate = new Option<string>("--calibrate") { Description = "Calibration years, FIRST-LAST (thresholds are chosen on these only)", DefaultValueFactory = _ => "2004-2009" };
        var firstYear = new Option<int>("--first-year") { Description = "First reported year", DefaultValueFactory = _ => 2010 };
        var lastYear = new Option<int>("--last-year") { Description = "Last reported year", DefaultValueFactory = _ => 2018 };
        var thresholds = new Option<string>("--thresholds")
        {
            Description = "choose: thresholds chosen on the calibration years; config: the config's thresholds, none chosen (--calibrate is not used)",
            DefaultValueFactory = _ => Choose,
        };
        thresholds.AcceptOnlyFromAmong(Choose, FromConfig);
        var family = CommonOptions.Family();
        var command = new Command("drift-calibrate", "Calibrate the ML drift checks on history: false-alarm rate over the reported years, injected-shift detection")
        {
            config, data, calibrate, firstYear, lastYear, thresholds, family,
        };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => RunAsync(result.GetValue(config), result.GetValue(data), result.GetValue(calibrate)!, result.GetValue(firstYear),
            result.GetValue(lastYear), result.GetValue(thresholds) == FromConfig, result.GetValue(family), ct)));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, string? data, string calibrate, int firstYear, int lastYear, bool fromConfig, string? familyName, CancellationToken cancellationToken)
    {
        if (firstYear > lastYear)
        {
            throw new UsageException($"--first-year {firstYear} must not be after --last-year {lastYear}");
        }

        (int First, int Last)? calibration = fromConfig ? null : Years(calibrate);
        if (calibration is { } years && years.Last >= firstYear)
        {
            throw new UsageException($"--calibrate {calibrate} must end before --first-year {firstYear}, which must not be after --last-year {lastYear}");
        }

        var config = CommonOptions.LoadConfigOrThrow(configPath);
        var (request, source) = NewRequest(config, data, calibration, firstYear, lastYear);
        await using var session = await OfflineSession.OpenAsync(config, cancellationToken).ConfigureAwait(false);
        var (name, evaluator) = session.Capable<IEvaluableFamily>(familyName, "calibrate its drift checks");
        var from = calibration is { } c ? $"thresholds from {c.First}-{c.Last}" : "thresholds from the config, none chosen";
        Console.WriteLine($"drift-calibrate {name}: {from}, reported {firstYear}-{lastYear}, on {source}");
        EvaluationReport report;
        try
        {
            report = await evaluator.EvaluateAsync(request, new Callback(Console.WriteLine), cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"{name}: {ex.Message}");
        }

        var p = report.Parameters;
        var rate = double.Parse(p["false_alarm_rate"], CultureInfo.InvariantCulture);
        var detected = int.Parse(p["injections_detected"], CultureInfo.InvariantCulture);
        var injections = int.Parse(p["injections"], CultureInfo.InvariantCulture);
        Console.WriteLine(FormattableString.Invariant(
            $"FIGURE false-alarm rate {firstYear}-{lastYear}: {rate * 100:0.0}% of days DEGRADED by drift ({p["false_alarm_days"]} of {p["reported_days"]}; limit {MaxFalseAlarmRate * 100:0}%); {from}, {report.ConfigurationsTried} configuration{(report.ConfigurationsTried == 1 ? "" : "s")} tried"));
        Console.WriteLine($"FIGURE injected shifts detected within 5 cycles: {detected} of {injections}");
        Console.WriteLine($"FIGURE inverted models (one a year, from its first day) seen by the live IC check within their year: {p["inverted_detected"]} of {p["inverted_models"]}, median {p["inverted_cycles_median"]} cycles (not required within 5: see docs/ml-family.md, drift)");
        Console.WriteLine((calibration is null ? "thresholds (the config's, none chosen): " : "thresholds: ") + string.Join(" ", p.Where(kv => kv.Key.StartsWith("drift.", StringComparison.Ordinal)).Select(kv => $"{kv.Key}={kv.Value}")));
        return rate <= MaxFalseAlarmRate && detected == injections ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static (int First, int Last) Years(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var first) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var last) && first <= last && first >= 1900
            ? (first, last)
            : throw new UsageException($"--calibrate: '{text}' is not FIRST-LAST (e.g. 2004-2009)");
    }

    private static (EvaluationRequest Request, string Source) NewRequest(AlphaHostConfig config, string? data, (int First, int Last)? calibration, int firstYear, int lastYear)
    {
        var history = OfflineSession.LoadHistory(config, data, null, new DateOnly(lastYear, 12, 31));
        if (history.Symbols.All(s => s.Last.Date.Year < firstYear))
        {
            throw new UsageException($"{history.Source} has no bars in {firstYear}..{lastYear}");
        }

        var reported = Enumerable.Range(firstYear, lastYear - firstYear + 1);
        return calibration is { } c
            ? (new EvaluationRequest(history, Enumerable.Range(c.First, c.Last - c.First + 1).Concat(reported).ToArray(), [$"{Scope}:{c.First}-{c.Last}"], 0), history.Source)
            : (new EvaluationRequest(history, reported.ToArray(), [$"{Scope}:config"], 0), history.Source);
    }

    private sealed class Callback(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
