using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;
using Moq;

namespace AlphaHost.Tests.Combining;

/// <summary>
/// Closes of the sample market and families with a known record on them: <c>good</c> signals tomorrow's return (it
/// earns), <c>bad</c> its opposite (it loses), <c>noise</c> a fixed pseudo-random value.
/// </summary>
internal static class CombinerDays
{
    public const string Yaml = """
        combiner:
          mode: learned
          lookback_days: 40
          min_days: 20
          shrinkage: 0.5
          max_weight: 0.6
          update_days: 5
        families:
          good:
            enabled: true
            weight: 0.2
          bad:
            enabled: true
            weight: 0.4
          noise:
            enabled: true
            weight: 0.4
          watch:
            enabled: true
            weight: 0.5
            mode: shadow
          zero:
            enabled: true
            weight: 0
        """;

    public static readonly DatePeriod Window = new(new DateOnly(2015, 3, 2), new DateOnly(2015, 8, 31));

    private static readonly Lazy<ReplayDay[]> AllDays = new(() =>
        [.. MarketReplay.Days(MarketHistoryLoader.Replay(new SampleMarket(7, 30), null, Window.End, endless: true).History, Window)]);

    public static ReplayDay[] Days => AllDays.Value;

    public static AlphaHostConfig Config(string yaml = Yaml) => Handles.Config(yaml);

    /// <summary>The outcomes of close <paramref name="day"/> for <paramref name="names"/>, each with its configured weight.</summary>
    public static FamilyOutcome[] Outcomes(int day, AlphaHostConfig config, params string[] names) =>
        [.. names.Select(name => Outcome(name, config.Family(name).Weight, OutcomeKind.Ok, Signals(name, day)))];

    public static FamilyOutcome Outcome(string name, double weight, OutcomeKind kind, IReadOnlyDictionary<string, double> signals) =>
        new(Handles.For(Mock.Of<IAlphaFamily>(), name), kind, signals, weight, FamilyHealth.Ok);

    /// <summary>A family's signals at close <paramref name="day"/>: good and watch peek at the next close, bad at its opposite.</summary>
    public static Dictionary<string, double> Signals(string name, int day)
    {
        var today = Days[day].Bars;
        var next = day + 1 < Days.Length ? Days[day + 1].Bars : today;
        var random = new Random(name.Aggregate(day, (h, c) => (h * 31) + c));
        return today.Keys.ToDictionary(s => s, s =>
        {
            var ahead = next.TryGetValue(s, out var bar) ? (bar.Close / today[s].Close) - 1 : 0.0;
            return name switch
            {
                "good" or "watch" => Math.Clamp(ahead * 20, -1, 1),
                "bad" => Math.Clamp(-ahead * 20, -1, 1),
                _ => (2 * random.NextDouble()) - 1,
            };
        }, StringComparer.Ordinal);
    }
}
